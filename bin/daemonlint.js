#!/usr/bin/env node
import { existsSync } from 'node:fs';
const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('daemonlint: dist/cli.js is missing; run `npm install` (or `npm run build`) in the daemonlint folder first.\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
