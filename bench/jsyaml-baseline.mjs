// The R1 baseline: a bare Node process that reads every manifest below a folder and decodes it with js-yaml's
// loadAll (no linting, no positions). `node bench/jsyaml-baseline.mjs DIR` prints the number of documents.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
  return out;
}

let docs = 0;
for (const f of walk(process.argv[2] ?? '.', [])) docs += loadAll(readFileSync(f, 'utf8')).length;
console.log(docs);
