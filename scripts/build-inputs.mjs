// The inputs of `npm run build` and their fingerprint. The build writes it to dist/.inputs; the test suite's global
// setup rebuilds when it differs, so tests never run a stale bundle.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_INPUTS = ['src', 'rules', 'schemas/k8s', 'docs', 'scripts/build.mjs', 'scripts/gen-rule-index.mjs', 'bin', 'package.json', 'package-lock.json', 'examples', 'policies'];
export const FINGERPRINT_FILE = join(root, 'dist', '.inputs');

function collect(abs, out) {
  if (!existsSync(abs)) return;
  if (statSync(abs).isFile()) {
    out.push(abs);
    return;
  }
  for (const e of readdirSync(abs).sort()) collect(join(abs, e), out);
}

/** A hash of the paths and contents of every build input. */
export function buildFingerprint() {
  const all = [];
  for (const i of BUILD_INPUTS) collect(join(root, i), all);
  const h = createHash('sha256');
  for (const f of all) h.update(`${relative(root, f)}\0`).update(readFileSync(f)).update('\0');
  return h.digest('hex');
}
