// Long fuzz run (issue 8): the properties of test/fuzz.test.ts with many more runs and a fresh seed.
// Usage: npm run fuzz [-- RUNS [SEED]]   (defaults: 20000 runs, a random seed; the seed is printed to replay a failure)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 20000);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 2 ** 31));
if (!(runs > 0) || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- [RUNS] [SEED]\n');
  process.exit(2);
}
process.stdout.write(`fuzzing with ${runs} runs per property, seed ${seed} (replay: npm run fuzz -- ${runs} ${seed})\n`);
const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/fuzz.test.ts', '-t', 'fuzzing the loader', '--testTimeout', '0'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, DAEMONLINT_FUZZ_RUNS: String(runs), DAEMONLINT_FUZZ_SEED: String(seed) },
});
process.exit(r.status ?? 2);
