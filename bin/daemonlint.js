#!/usr/bin/env node
// Loads the CLI bundle (dist/cli.cjs) through dist/loader.cjs, which uses V8's code cache; see scripts/build.mjs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let loader;
try {
  loader = require('../dist/loader.cjs');
} catch (err) {
  if (err?.code !== 'MODULE_NOT_FOUND') throw err;
  process.stderr.write('daemonlint: dist/ is missing; run `npm install` (or `npm run build`) in the daemonlint folder first.\n');
  process.exit(2);
}
const { main } = loader.load('cli');
process.exitCode = await main(process.argv.slice(2));
