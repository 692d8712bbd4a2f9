/** Paths inside objects as findings show them (no YAML needed: code that only formats paths stays small). */
import type { Path } from '../types.js';

/** Format a path the way findings show it: `spec.template.spec.containers[0].ports[1]`, `labels["app.kubernetes.io/name"]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
