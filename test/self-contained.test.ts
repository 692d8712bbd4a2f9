/**
 * The project stands alone: a clone with nothing beside it builds and passes its tests. Every test process (and every
 * Node process a test starts) runs with test/setup/confine-fs.cjs, which makes reading beside the repository throw;
 * these tests check that the guard is in place and works, and that no source names a path outside the repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const SIBLING = join(dirname(ROOT), 'a-folder-beside-the-clone', 'file.json');

describe('self-contained', () => {
  it('this test process cannot read beside the repository', () => {
    expect(() => readFileSync(SIBLING)).toThrow(/outside the repository/);
    expect(readFileSync(join(ROOT, 'package.json'), 'utf8')).toContain('"name": "daemonlint"');
  });

  it('neither can the Node processes the tests start', () => {
    const r = spawnSync(process.execPath, ['-e', `require('node:fs').readFileSync(${JSON.stringify(SIBLING)})`], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/outside the repository/);
  });

  it('no tracked source, script or CI file names a path outside the repository', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => /\.(ts|mts|cts|js|mjs|cjs|json|sh|lua|ya?ml)$|^\.ci\//.test(f))
      .filter((f) => !f.startsWith('test/fixtures/') && !f.startsWith('schemas/') && f !== 'package-lock.json' && !f.startsWith('action/'));
    // `../shared`, a join()/resolve() from a file's own folder with enough `..` to climb out of the repository, or `'..', 'shared'`.
    const climbs = (file: string): RegExp => {
      const up = file.split('/').length; // `..` steps from the file's folder to the folder above the repository.
      return new RegExp(`\\.\\./shared\\b|(join|resolve)\\([^)]*?(['"]\\.\\.['"]\\s*,\\s*){${up}}|(join|resolve)\\([^)]*?['"](\\.\\./){${up}}|['"]\\.\\.['"]\\s*,\\s*['"]shared['"]`);
    };
    // The check itself catches the forms that once read a folder beside the clone, and leaves the repository's own alone.
    expect(climbs('test/helpers/sarif.ts').test("join(import.meta.dirname, '..', '..', '..', 'shared')")).toBe(true);
    expect(climbs('scripts/gen.mjs').test("resolve(root, '..', 'shared', 'k8s-openapi')")).toBe(true);
    expect(climbs('test/helpers/cli.ts').test("join(import.meta.dirname, '..', '..')")).toBe(false);
    const offenders = tracked.filter((f) => f !== 'test/self-contained.test.ts' && climbs(f).test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
