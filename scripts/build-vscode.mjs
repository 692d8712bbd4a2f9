// Builds the VS Code extension in editors/vscode: dist/extension.js (the client, vscode-languageclient inlined; `vscode`
// is the editor's own module) and dist/server.js (the language server, src/lsp/main.ts, with every rule and schema
// validator inlined), so the extension needs neither `npm install` nor daemonlint on PATH. Deterministic output.
//   node scripts/build-vscode.mjs            build editors/vscode/dist/
//   node scripts/build-vscode.mjs --package  build, then package editors/vscode as a .vsix with @vscode/vsce
//                                            (offline; fails on any warning): editors/vscode/daemonlint-<version>.vsix
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EXTENSION_DIR = join(root, 'editors', 'vscode');

/** Build editors/vscode/dist/ (or `outDir`). */
export async function buildExtension(outDir = join(EXTENSION_DIR, 'dist')) {
  const { build } = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = { absWorkingDir: root, bundle: true, format: 'cjs', platform: 'node', target: 'node20', legalComments: 'eof', logLevel: 'warning', preserveSymlinks: true };
  await build({ ...common, entryPoints: ['editors/vscode/src/extension.js'], outfile: join(outDir, 'extension.js'), external: ['vscode'], minifyWhitespace: true, minifySyntax: true });
  await build({
    ...common,
    entryPoints: ['src/lsp/main.ts'],
    outfile: join(outDir, 'server.js'),
    minifyWhitespace: true,
    minifySyntax: true,
    // The server never reads the rule documents (only `explain` and SARIF do); import.meta.url is the bundle's own.
    define: { 'import.meta.url': '__daemonlintModuleUrl' },
    banner: { js: 'var __daemonlintModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
}

/** The files of editors/vscode that go into the .vsix beside dist/ (the rest is left out by .vscodeignore). */
export const EXTENSION_FILES = ['package.json', 'README.md', 'LICENSE', '.vscodeignore'];

/** Build the extension into `dir` (a copy of editors/vscode without its sources), e.g. a temporary folder. */
export async function stageExtension(dir) {
  mkdirSync(dir, { recursive: true });
  for (const f of EXTENSION_FILES) copyFileSync(join(EXTENSION_DIR, f), join(dir, f));
  await buildExtension(join(dir, 'dist'));
}

/**
 * Package the built extension in `dir` (editors/vscode by default) with vsce into `out`; returns vsce's output.
 * Throws on failure or on a warning.
 */
export function packageExtension(out, dir = EXTENSION_DIR, env = process.env) {
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // Everything is bundled into dist/: no node_modules to list (--no-dependencies). The manifest names no repository
  // while the project has no public one, so no link in the README is rewritten to a guessed address.
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], { cwd: dir, env, encoding: 'utf8', input: '' });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`vsce package failed:\n${output}`);
  if (/\bwarning\b/i.test(output)) throw new Error(`vsce package warned:\n${output}`);
  return output;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildExtension();
  if (process.argv.includes('--package')) {
    const { version } = JSON.parse(readFileSync(join(EXTENSION_DIR, 'package.json'), 'utf8'));
    const out = join(EXTENSION_DIR, `daemonlint-${version}.vsix`);
    process.stdout.write(packageExtension(out));
  }
}
