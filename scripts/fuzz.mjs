// Long fuzz run (issues 8 and 20): the properties of test/fuzz.test.ts (loader, rules, reporters, the corpus through the
// CLI) and test/fuzz-harness.test.ts (raw bytes, column bounds, inert reports, --fix round trips, configs, baselines,
// the language server, many files at once) with many more runs and a fresh seed, and with the time and memory budgets
// of test/fuzz-harness.test.ts enforced (DAEMONLINT_FUZZ_BUDGETS=1), scale cases included.
//
// Usage: npm run fuzz [-- RUNS [SEED]]   (defaults: 2000 runs per property, a random seed; the seed is printed to
// replay a failure). Works in a fresh clone after `npm install`: the test setup builds dist/ when it is missing.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 2 ** 31));
if (!(runs > 0) || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- [RUNS] [SEED]\n');
  process.exit(2);
}
process.stdout.write(`fuzzing with ${runs} runs per property, seed ${seed} (replay: npm run fuzz -- ${runs} ${seed})\n`);
const r = spawnSync(
  process.execPath,
  // --expose-gc lets the harness measure the heap after a collection.
  ['--expose-gc', join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/fuzz.test.ts', 'test/fuzz-harness.test.ts', '--testTimeout', '0', '--no-file-parallelism'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, DAEMONLINT_FUZZ_RUNS: String(runs), DAEMONLINT_FUZZ_SEED: String(seed), DAEMONLINT_FUZZ_BUDGETS: '1', NODE_OPTIONS: [process.env.NODE_OPTIONS, '--expose-gc'].filter(Boolean).join(' ') },
  },
);
process.exit(r.status ?? 2);
