/**
 * The npm package as users get it: only what runs is shipped, nothing is installed with it (everything it runs is
 * bundled into dist/), two packs of one commit are byte for byte the same, and the packed tarball installs offline
 * into an empty project where the command, the typed API (`import { lint } from 'daemonlint'`, `require`) and the
 * rule documents work.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BAD_DAEMONSET } from './helpers/manifests.js';
import { ROOT } from './helpers/cli.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** A copy of the sources (no node_modules, dist or .git) with the repository's node_modules linked in. */
function sourceCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-pkg-src-'));
  const skip = new Set(['node_modules', 'dist', '.git', 'coverage']);
  for (const name of readdirSync(ROOT)) {
    if (skip.has(name) || name.endsWith('.tgz')) continue;
    cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** `npm pack` (which builds dist/ through the prepare script) into `dest`; returns the tarball's bytes. */
function pack(src: string, dest: string): Buffer {
  mkdirSync(dest, { recursive: true });
  const name = execFileSync(NPM, ['pack', '--pack-destination', dest], { cwd: src, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } }).trim().split('\n').at(-1)!;
  return readFileSync(join(dest, name));
}

let tarball: string;
let first: Buffer;
let second: Buffer;

beforeAll(() => {
  const src = sourceCopy();
  const out = mkdtempSync(join(tmpdir(), 'daemonlint-pkg-'));
  first = pack(src, join(out, 'a'));
  second = pack(src, join(out, 'b'));
  tarball = join(out, 'a', `daemonlint-${pkg.version}.tgz`);
}, 240_000);

describe('the npm package', () => {
  it('is reproducible: two packs of the same sources are byte for byte the same', () => {
    expect(first.length).toBeGreaterThan(100_000);
    expect(second.equals(first)).toBe(true);
  });

  it('ships only what runs: the bundles, the rule documents, the config schema, README, CHANGELOG and LICENSE', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    for (const f of files) expect(f, f).toMatch(/^package\/(package\.json|README\.md|CHANGELOG\.md|LICENSE|bin\/[\w.-]+|dist\/[\w./-]+\.(cjs|js|d\.ts)|docs\/rules\/[a-z0-9-]+\.md|schemas\/config\.schema\.json)$/);
    // No V8 code caches (they depend on the exact Node version and differ from build to build), no sources, no
    // generated schema sources, no OpenAPI documents.
    expect(files.some((f) => /\.cache$|\/schemas\/(k8s|openapi)\/|\/src\/|\.inputs$/.test(f))).toBe(false);
    expect(files).toContain('package/LICENSE');
    expect(files).toContain('package/dist/index.d.ts');
  });

  it('declares no runtime dependency: dist/ loads nothing but Node built-ins and its own files', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    const dist = join(ROOT, 'dist');
    for (const f of readdirSync(dist, { recursive: true }).map(String).filter((f) => /\.c?js$/.test(f))) {
      const code = readFileSync(join(dist, f), 'utf8');
      // (Code that ajv generates as text, `require("ajv/dist/runtime/…")` in a template, is not a require.)
      const required = [...code.matchAll(/(?<![\w$.'"`])require\(\s*["']([^"']+)["']\s*\)/g), ...code.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
      for (const r of required) expect(r.startsWith('node:') || r.startsWith('./') || /^(buffer|child_process|crypto|fs|net|os|path|process|url|util|events|stream|module)$/.test(r), `${f}: ${r}`).toBe(true);
    }
  });

  describe('installed from the tarball into an empty project, offline', () => {
    let project: string;
    beforeAll(() => {
      project = mkdtempSync(join(tmpdir(), 'daemonlint-consumer-'));
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
      writeFileSync(join(project, 'bad.yaml'), BAD_DAEMONSET);
      execFileSync(NPM, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project, encoding: 'utf8' });
    }, 120_000);

    it('the command runs and explains rules from the shipped documents', () => {
      const bin = join(project, 'node_modules', '.bin', 'daemonlint');
      const r = spawnSync(bin, ['--no-config', 'bad.yaml'], { cwd: project, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/restart-policy\n\n✖ 1 problem .*; failed: 1 error at or above --fail-on error\n$/);
      const explain = spawnSync(bin, ['explain', 'restart-policy'], { cwd: project, encoding: 'utf8' });
      expect(explain.status).toBe(0);
      expect(explain.stdout).toContain('## How to fix');
      // Nothing else was installed with it.
      expect(readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['daemonlint']);
    });

    it('import { lint } and require() give the findings and the exit code', () => {
      writeFileSync(
        join(project, 'use.mjs'),
        `import { lint, version, LintError } from 'daemonlint';
const r = await lint(['bad.yaml'], { noConfig: true });
let error = '';
try { await lint(['nowhere/'], { noConfig: true }); } catch (e) { error = (e instanceof LintError) + ' ' + e.message; }
console.log(JSON.stringify({ version, exitCode: r.exitCode, reason: r.reason, files: r.files, rules: r.findings.map((f) => f.ruleId + '@' + f.line + ':' + f.column), fix: r.findings[0].fix, error }));
`,
      );
      const esm = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' }));
      expect(esm).toMatchObject({ version: pkg.version, exitCode: 1, reason: 'failed: 1 error at or above --fail-on error', files: 1, rules: ['restart-policy@12:7'] });
      expect(esm.fix).toEqual({ description: expect.any(String), safe: true });
      expect(esm.error).toMatch(/^true .*nowhere/);
      const cjs = execFileSync(process.execPath, ['-e', "require('daemonlint').lint(['bad.yaml'], { noConfig: true, failOn: 'none' }).then((r) => console.log(r.exitCode, r.findings.length))"], { cwd: project, encoding: 'utf8' });
      expect(cjs.trim()).toBe('0 1');
    });

    it('its types check a TypeScript consumer, and reject a wrong option', () => {
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const config = { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [], lib: ['es2022'] }, include: ['*.ts'] };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(config));
      writeFileSync(
        join(project, 'ok.ts'),
        `import { lint, type Finding, type LintReport } from 'daemonlint';
const report: LintReport = await lint(['bad.yaml'], { failOn: 'warning', kubeVersion: '1.35', nodes: [] });
const first: Finding | undefined = report.findings[0];
const line: number = first ? first.line : 0;
export const code: 0 | 1 | 2 = report.exitCode + 0 === line ? 0 : report.exitCode;
`,
      );
      const ok = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: project, encoding: 'utf8' });
      expect(ok.stdout + ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      writeFileSync(join(project, 'bad.ts'), `import { lint } from 'daemonlint';\nawait lint(['x'], { failOn: 'fatal' });\n`);
      const bad = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: project, encoding: 'utf8' });
      expect(bad.status).not.toBe(0);
      expect(bad.stdout).toMatch(/bad\.ts.*'"fatal"' is not assignable/);
    });
  });
});
