// The rule scaffold (`npm run new-rule -- <id>`, scripts/new-rule.mjs), run in a copy of the parts of the repository
// it touches (the sources are linked, so the new rule compiles against the real ones).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { RULE_DOC_SECTIONS, parseRuleDoc } from '../src/rule-docs.js';
import type { Rule } from '../src/types.js';
import { ROOT } from './helpers/cli.js';

function sandbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-new-rule-'));
  mkdirSync(join(dir, 'scripts'));
  for (const f of ['new-rule.mjs', 'gen-rule-index.mjs']) copyFileSync(join(ROOT, 'scripts', f), join(dir, 'scripts', f));
  cpSync(join(ROOT, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(ROOT, 'docs'), join(dir, 'docs'), { recursive: true });
  mkdirSync(join(dir, 'test', 'fixtures'), { recursive: true });
  symlinkSync(join(ROOT, 'src'), join(dir, 'src'), 'dir');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function scaffold(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(dir, 'scripts', 'new-rule.mjs'), ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` (not following the links to the real sources), for "nothing was written" checks. */
function listing(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isSymbolicLink()) continue;
    out.push(join(dir, e.name));
    if (e.isDirectory()) out.push(...listing(join(dir, e.name)));
  }
  return out.sort();
}

describe('npm run new-rule', () => {
  it('refuses malformed ids, existing rules and wrong usage, writing nothing', () => {
    const dir = sandbox();
    writeFileSync(join(dir, 'docs', 'rules', 'only-documented.md'), '# only-documented\n');
    const before = listing(dir);
    for (const args of [['Host-Port'], ['host--port'], ['-x'], ['x_y'], ['9lives'], [''], [], ['a', 'b'], ['host-pid'], ['only-documented']]) {
      const r = scaffold(dir, ...args);
      expect(r.code, JSON.stringify(args)).toBe(2);
      expect(r.stderr.trim().split('\n'), JSON.stringify(args)).toHaveLength(1);
      expect(r.stderr).toMatch(/^new-rule: /);
    }
    expect(scaffold(dir, 'host-pid').stderr).toContain('exists already (rules/host-pid.ts, docs/rules/host-pid.md)');
    expect(listing(dir)).toEqual(before);
  });

  it('creates the rule, its document and its fixtures, and registers the rule', async () => {
    const dir = sandbox();
    const r = scaffold(dir, 'example-check');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rules/example-check.ts');
    for (const f of ['rules/example-check.ts', 'docs/rules/example-check.md', 'test/fixtures/example-check/valid.yaml', 'test/fixtures/example-check/invalid.yaml'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const index = readFileSync(join(dir, 'rules', 'index.ts'), 'utf8');
    expect(index).toContain("import exampleCheck from './example-check.js';");
    expect(index).toMatch(/dangerousCapabilities, duplicateObject, exampleCheck, fieldAvailability, hostIpc/);

    // The rule compiles against the real sources and reports nothing until its check is written.
    const out = await build({ entryPoints: [join(dir, 'rules', 'example-check.ts')], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
    const bundle = join(dir, 'example-check.mjs');
    writeFileSync(bundle, out.outputFiles[0]!.text);
    const rule = (await import(pathToFileURL(bundle).href)).default as Rule;
    expect(rule.meta.id).toBe('example-check');
    expect(Object.keys(rule.meta.messages)).toEqual(['exampleCheck']);
    expect(rule.meta.messages.exampleCheck).toContain('{{container}}');

    // The document has the fixed outline, with complete example manifests to adapt.
    const doc = parseRuleDoc(readFileSync(join(dir, 'docs', 'rules', 'example-check.md'), 'utf8'));
    expect(doc.title).toBe('example-check');
    expect([...doc.sections.keys()]).toEqual([...RULE_DOC_SECTIONS]);
    expect(doc.examples.map((e) => e.kind)).toEqual(['invalid', 'valid']);
    const texts = [...doc.examples.map((e) => e.code), ...['valid', 'invalid'].map((n) => readFileSync(join(dir, 'test/fixtures/example-check', `${n}.yaml`), 'utf8'))];
    for (const text of texts) {
      const { findings } = await lintAsync([parseSource({ path: 'x.yaml', text })], { rules: [...allRules, rule] });
      expect(findings.filter((f) => ['schema', 'yaml-syntax', 'example-check'].includes(f.ruleId))).toEqual([]);
    }

    // A second run refuses.
    expect(scaffold(dir, 'example-check').code).toBe(2);
  });
});
