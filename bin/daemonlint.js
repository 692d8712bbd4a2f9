#!/usr/bin/env node
// A CommonJS script (bin/package.json), so that start-up does not go through Node's ES module loader: it loads the
// CLI bundle dist/cli.cjs through dist/loader.cjs, which uses V8's code cache (see scripts/build.mjs).
'use strict';
let loader;
try {
  loader = require('../dist/loader.cjs');
} catch (err) {
  if (err?.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes('loader.cjs')) throw err;
  process.stderr.write('daemonlint: dist/ is missing; run `npm install` (or `npm run build`) in the daemonlint folder first.\n');
  process.exit(2);
}
loader
  .load('cli')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
