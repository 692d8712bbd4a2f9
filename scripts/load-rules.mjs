// Loads TypeScript sources (the rules and what they import) into a script: bundled with esbuild, imported once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundle `contents` (an ES module that re-exports from the repository, paths relative to its root) and import it. */
export async function importBundled(contents) {
  const out = await build({
    stdin: { contents, resolveDir: root, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'error',
    banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" },
  });
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-rules-'));
  const file = join(dir, 'bundle.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every rule (rules/index.ts). */
export async function loadRules() {
  return (await importBundled("export { allRules } from './rules/index.ts';")).allRules;
}
