// Builds dist/: the CLI bundle (with lazily loaded chunks). Regenerates rules/index.ts first.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts/gen-rule-index.mjs')], { stdio: 'inherit' });

const { build } = await import('esbuild');
rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __dlCreateRequire } from 'node:module'; const require = __dlCreateRequire(import.meta.url);" },
});
