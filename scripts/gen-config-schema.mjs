// Writes schemas/config.schema.json (the schema of .daemonlint.yaml) from the rules' metadata.
// `node scripts/gen-config-schema.mjs --check` exits 1 when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importBundled, root } from './load-rules.mjs';

const { allRules, configSchema } = await importBundled(
  "export { allRules } from './rules/index.ts'; export { configSchema } from './src/config/schema.ts';",
);
const file = join(root, 'schemas', 'config.schema.json');
const next = JSON.stringify(configSchema(allRules), null, 2) + '\n';
let prev = '';
try {
  prev = readFileSync(file, 'utf8');
} catch {}
if (process.argv.includes('--check')) {
  if (prev !== next) {
    console.error('schemas/config.schema.json is stale: run `node scripts/gen-config-schema.mjs`');
    process.exit(1);
  }
} else if (prev !== next) writeFileSync(file, next);
