/** A finding's identity that survives line shifts: rule, file, object and path (never line numbers). */
import { createHash } from 'node:crypto';
import type { Finding } from '../types.js';

export function findingKey(f: Finding): string {
  const o = f.object;
  const obj = o ? `${o.kind}/${o.namespace ?? ''}/${o.name ?? ''}` : '';
  return [f.ruleId, f.file, obj, f.path || (f.path === '' && !o ? `@${f.message}` : '')].join('|');
}

/** Stable fingerprints; repeated keys in one file get an occurrence counter. */
export function fingerprints(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = findingKey(f);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}#${n}`).digest('hex').slice(0, 32);
  });
}
