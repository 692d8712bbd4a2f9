// Share of linting time spent in schema validation (issue 3: at most a third), measured in process on the
// benchmark's 2,000-document corpus: parse + every rule, with the schema rule's prepare and checks timed on their own.
// Prints JSON { share, schemaMs, totalMs, docs }: the median of several runs after a warm-up.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import type { Rule } from '../src/types.js';

const [dir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const texts = (readdirSync(dir!, { recursive: true }) as string[])
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => ({ path: f, text: readFileSync(join(dir!, f), 'utf8') }));
if (!texts.length) throw new Error(`no manifests under ${dir}`);

let schemaMs = 0;
const timed = (rule: Rule): Rule =>
  rule.meta.id !== 'schema'
    ? rule
    : {
        meta: rule.meta,
        async prepare(run) {
          const t = performance.now();
          await rule.prepare!(run);
          schemaMs += performance.now() - t;
        },
        check(ctx) {
          const t = performance.now();
          rule.check!(ctx);
          schemaMs += performance.now() - t;
        },
      };
const rules = allRules.map(timed);

const samples: { share: number; schemaMs: number; totalMs: number; docs: number }[] = [];
for (let i = 0; i <= runs; i++) {
  schemaMs = 0;
  const t = performance.now();
  const files = texts.map((f) => parseSource(f));
  const { internalErrors } = await lintAsync(files, { rules });
  const totalMs = performance.now() - t;
  if (internalErrors.length) throw internalErrors[0]!.error;
  // The first run loads the validators and warms the code: kept out of the median, like a long-running editor.
  if (i > 0) samples.push({ share: schemaMs / totalMs, schemaMs, totalMs, docs: files.reduce((n, f) => n + f.manifests.length, 0) });
}
samples.sort((a, b) => a.share - b.share);
process.stdout.write(JSON.stringify(samples[Math.floor(samples.length / 2)]));
