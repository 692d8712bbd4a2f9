// Builds dist/ (regenerating rules/index.ts first). Layout, chosen for start-up time (issue 7):
//
//   dist/cli.cjs                 the CLI: one CommonJS bundle of everything a lint run needs (reports, fixes,
//                                coverage and config code are in it too, evaluated only when used)
//   dist/lsp.cjs                 the language server and its libraries (loaded only by `daemonlint lsp`)
//   dist/policy.cjs              custom policies, admission policies and the CEL evaluator (loaded only by runs that
//                                have policies)
//   dist/k8s-1.35/<gv>.*.cjs     the compiled schema validators and strict schemas, one file per API group,
//                                loaded when a run meets an object of that group
//   dist/loader.cjs              loads the files above through vm.Script with V8's code cache (dist/*.cache)
//   dist/worker.cjs              a worker thread of a large run: the CLI bundle's workerMain (src/app/workers.ts)
//   dist/index.js, index.cjs     the programmatic API (`import { lint } from 'daemonlint'`, src/api.ts), the package's
//                                `exports`: thin wrappers over dist/cli.cjs, which bundles the API with the CLI
//   dist/index.d.ts              its types (declarations emitted from src/api.ts, which declares its own types)
//
// Node 20 has no compile cache for ES modules, and its ES module loader costs several milliseconds per chunk; plain
// scripts can use V8's code cache (`vm.Script` `cachedData`), which skips parsing and compiling on every later run.
// The caches are written only here, by a warm-up run (so they hold the functions a lint run compiles); a lint run
// never writes them, and a cache that another Node version rejects is simply compiled from source.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
execFileSync(process.execPath, [join(root, 'scripts/gen-rule-index.mjs')], { stdio: 'inherit' });

const { build } = await import('esbuild');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const SCHEMA_DIR = join(root, 'schemas', 'k8s');
/** Generated schema modules (`schemas/k8s/1.35/apps-v1.validate.js`) become lazily loaded files of their own. */
const LAZY_SCHEMA = /^\.\/([\w.-]+\.(?:validate|schema))\.js$/;

/**
 * Dynamic imports of the language server and of the generated schema modules are not bundled: each becomes a module
 * whose exports are those of a separately built file, loaded through dist/loader.cjs when the import runs.
 */
const lazyPieces = new Map(); // dist name → entry point
const lazyPlugin = {
  name: 'daemonlint-lazy',
  setup(b) {
    b.onResolve({ filter: /^\.\/loader\.cjs$/ }, () => ({ path: './loader.cjs', external: true }));
    b.onResolve({ filter: /^\.\/lsp\/server\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      lazyPieces.set('lsp', join(args.resolveDir, 'lsp', 'server.ts'));
      return { path: 'lsp', namespace: 'daemonlint-lazy' };
    });
    // Policies (custom CEL rules, admission policies) and the CEL evaluator they bring: only runs that have some.
    b.onResolve({ filter: /\/policy\/index\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      lazyPieces.set('policy', join(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
      return { path: 'policy', namespace: 'daemonlint-lazy' };
    });
    b.onResolve({ filter: LAZY_SCHEMA }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.resolveDir.startsWith(SCHEMA_DIR)) return undefined;
      const version = args.resolveDir.slice(SCHEMA_DIR.length + 1);
      const name = `k8s-${version}/${LAZY_SCHEMA.exec(args.path)[1]}`;
      lazyPieces.set(name, join(args.resolveDir, args.path));
      return { path: name, namespace: 'daemonlint-lazy' };
    });
    b.onLoad({ filter: /.*/, namespace: 'daemonlint-lazy' }, (args) => ({
      // A strict schema is its module's default export: re-exported as such (the importer is an ES module in Node's
      // sense, so a CommonJS module.exports would become the default export itself).
      contents: args.path.endsWith('.schema')
        ? `export default require('./loader.cjs').load(${JSON.stringify(args.path)}).default;`
        : `module.exports = require('./loader.cjs').load(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [lazyPlugin],
};

// import.meta.url (src/rule-docs.ts finds docs/ beside dist/ with it) is the bundle's own URL. The banner starts with
// the "use strict" directive: a statement before esbuild's own directive would turn it into a plain string and run the
// whole bundle in sloppy mode (CEL's evaluator, for one, then compares integers wrongly).
const moduleUrl = {
  define: { 'import.meta.url': '__daemonlintModuleUrl' },
  banner: { js: '"use strict";\nvar __daemonlintModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
};
// One bundle for the CLI and the programmatic API (src/api.ts): the API is a thin layer over the same code.
await build({
  ...common,
  ...moduleUrl,
  stdin: { contents: "export * from './src/cli.ts';\nexport { lint, LintError, version } from './src/api.ts';\n", resolveDir: root, sourcefile: 'cli-entry.ts', loader: 'ts' },
  outfile: join(dist, 'cli.cjs'),
});
// The server is found while bundling the CLI; it shares the schema files (and the loader) with it.
await build({ ...common, ...moduleUrl, entryPoints: [lazyPieces.get('lsp')], outfile: join(dist, 'lsp.cjs') });
// Mostly the CEL evaluator and its libraries: whitespace is not kept (fewer bytes to read).
if (lazyPieces.has('policy')) await build({ ...common, ...moduleUrl, minifyWhitespace: true, entryPoints: [lazyPieces.get('policy')], outfile: join(dist, 'policy.cjs') });
for (const [name, entry] of lazyPieces) {
  if (name === 'lsp' || name === 'policy') continue;
  // Generated code with no line structure of its own: whitespace is not kept (half the bytes to read).
  await build({ ...common, plugins: [], minifyWhitespace: true, entryPoints: [entry], outfile: join(dist, `${name}.cjs`) });
}

writeFileSync(
  join(dist, 'loader.cjs'),
  `// Generated by scripts/build.mjs. Loads dist/<name>.cjs as a script with V8's code cache (dist/<name>.cache).
'use strict';
const { readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');
const { createRequire, wrap } = require('node:module');

const loaded = new Map();
/** Scripts compiled without a usable cache: their cache is written when the process exits. */
const uncached = [];

/**
 * The exports of dist/<name>.cjs, evaluated once per process. The code cache only saves compiling: V8 checks that it
 * matches the source and its own version and flags, and compiles from source when it does not (cachedDataRejected).
 */
function load(name) {
  let m = loaded.get(name);
  if (m) return m.exports;
  const filename = join(__dirname, name + '.cjs');
  const cacheFile = join(__dirname, name + '.cache');
  const source = readFileSync(filename, 'utf8');
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache (the build's warm-up did not load this file): compile from source.
  }
  const script = new Script(wrap(source), { filename, cachedData });
  if (!cachedData || script.cachedDataRejected) uncached.push({ script, cacheFile });
  m = { exports: {}, filename, id: filename, loaded: false };
  loaded.set(name, m);
  script.runInThisContext()(m.exports, createRequire(filename), m, filename, dirname(filename));
  m.loaded = true;
  return m.exports;
}

process.once('exit', () => {
  // Only the build's warm-up run writes caches (a lint run writes nothing the user did not ask for). After the run,
  // so that the cache also holds the functions the run compiled. Never fails the run: dist/ may be read-only.
  if (process.env.DAEMONLINT_WRITE_CODE_CACHE !== '1') return;
  for (const { script, cacheFile } of uncached) {
    const tmp = cacheFile + '.' + process.pid + '.tmp';
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // Nothing was written.
      }
    }
  }
});

module.exports = { load };
`,
);

writeFileSync(
  join(dist, 'worker.cjs'),
  `// Generated by scripts/build.mjs: a worker thread of a large run (src/app/workers.ts), on the CLI bundle and its code cache.
'use strict';
require('./loader.cjs').load('cli').workerMain();
`,
);

writeFileSync(
  join(dist, 'cli.js'),
  `// Generated by scripts/build.mjs: the CLI bundle as an ES module (bin/daemonlint.js loads dist/cli.cjs with a code cache).
import cli from './cli.cjs';
export default cli;
export const { main, lintPaths, loadInputs, loadTargets, UsageError } = cli;
`,
);

// The package's entry points (package.json "exports"): the API of src/api.ts, loaded with the code cache like the CLI.
writeFileSync(
  join(dist, 'index.cjs'),
  `// Generated by scripts/build.mjs: the programmatic API (src/api.ts). Types: index.d.ts.
'use strict';
const cli = require('./loader.cjs').load('cli');
module.exports = { lint: cli.lint, LintError: cli.LintError, version: cli.version };
`,
);
writeFileSync(
  join(dist, 'index.js'),
  `// Generated by scripts/build.mjs: the programmatic API (src/api.ts) as an ES module. Types: index.d.ts.
import { createRequire } from 'node:module';
const api = createRequire(import.meta.url)('./index.cjs');
export const { lint, LintError, version } = api;
`,
);
// Its declarations: src/api.ts declares every type it exports, so its .d.ts stands alone.
{
  const out = join(dist, '.types');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '--ignoreConfig', '--declaration', '--emitDeclarationOnly', '--outDir', out, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', '--resolveJsonModule', '--types', 'node', join(root, 'src/api.ts')],
    { stdio: 'inherit', cwd: root },
  );
  const dts = readFileSync(join(out, 'src', 'api.d.ts'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  if (/^\s*import\b|\bimport\(/m.test(dts)) throw new Error('src/api.ts: its declarations import other modules; declare the public types in src/api.ts');
  writeFileSync(join(dist, 'index.d.ts'), `// Generated by scripts/build.mjs from src/api.ts.\n${dts}`);
}

// Warm-up: one run over the examples writes the code caches of what a lint run loads (CLI, apps/v1, core/v1, ...).
const warm = spawnSync(process.execPath, [join(root, 'bin', 'daemonlint.js'), '--no-color', '--no-config', join(root, 'examples')], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, DAEMONLINT_WRITE_CODE_CACHE: '1' },
});
if (warm.status !== 0 && warm.status !== 1) process.stderr.write(`build: warm-up run failed (no code cache written):\n${warm.stderr}\n`);
// A second run with the example policies writes the cache of the policy piece (CEL and its libraries).
const warmPolicies = spawnSync(process.execPath, [join(root, 'bin', 'daemonlint.js'), '--no-color', '--config', join(root, 'policies', 'config.example.yaml'), join(root, 'examples')], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, DAEMONLINT_WRITE_CODE_CACHE: '1' },
});
if (warmPolicies.status !== 0 && warmPolicies.status !== 1) process.stderr.write(`build: policy warm-up run failed (no code cache for policies):\n${warmPolicies.stderr}\n`);
// Last: the fingerprint of what this build was made from (the test suite rebuilds when it differs).
const { FINGERPRINT_FILE, buildFingerprint } = await import('./build-inputs.mjs');
writeFileSync(FINGERPRINT_FILE, buildFingerprint() + '\n');
const caches = readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith('.cache'));
if (!caches.length) process.stderr.write('build: no code cache was written; start-up compiles from source\n');
