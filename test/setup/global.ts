/**
 * Vitest global setup: every test run starts from a current build and leaves nothing behind.
 *
 * - Builds dist/ (scripts/build.mjs) when any input of the build changed since the last build, so that `npx vitest`
 *   alone tests the sources, not a stale bundle. The fingerprint of the inputs is kept in dist/.inputs
 *   (scripts/build-inputs.mjs).
 * - Gives the run a temporary folder of its own (TMPDIR for the test processes and everything they start) and
 *   removes it at the end, whatever the tests left in it.
 * - Preloads test/setup/confine-fs.cjs into every Node process the tests start: nothing beside the repository is read.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FINGERPRINT_FILE, buildFingerprint } from '../../scripts/build-inputs.mjs';

const ROOT = join(import.meta.dirname, '..', '..');

/** Set while a run's setup is in place: Vitest calls the global setup once per project, and the first call does the work. */
const ACTIVE = Symbol.for('daemonlint.test.globalSetup');

export default function setup(): () => void {
  const g = globalThis as { [ACTIVE]?: boolean };
  if (g[ACTIVE]) return () => {};
  g[ACTIVE] = true;
  const built = existsSync(FINGERPRINT_FILE) ? readFileSync(FINGERPRINT_FILE, 'utf8').trim() : '';
  if (built !== buildFingerprint() || !existsSync(join(ROOT, 'dist', 'cli.cjs'))) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }

  const base = process.env.TMPDIR || tmpdir();
  const tmp = mkdtempSync(join(base, 'daemonlint-tests-'));
  // Some tests run the CLI as another user (permission errors); they must reach their folders in here.
  chmodSync(tmp, 0o755);
  const previous = { TMPDIR: process.env.TMPDIR, NODE_OPTIONS: process.env.NODE_OPTIONS, DAEMONLINT_TEST_TMP_ROOT: process.env.DAEMONLINT_TEST_TMP_ROOT };
  process.env.TMPDIR = tmp;
  process.env.DAEMONLINT_TEST_TMP_ROOT = tmp;
  const guard = join(ROOT, 'test', 'setup', 'confine-fs.cjs');
  process.env.NODE_OPTIONS = [previous.NODE_OPTIONS, `--require=${guard}`].filter(Boolean).join(' ');
  return () => {
    g[ACTIVE] = false;
    rmSync(tmp, { recursive: true, force: true });
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
