import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyFixes, applyFixesDetailed, applyToValue } from '../src/fix/apply.js';
import { unifiedDiff } from '../src/fix/diff.js';
import { PARSE_OPTIONS } from '../src/load/parse.js';
import type { FixEdit, Path } from '../src/types.js';
import { runCli } from './helpers/cli.js';

const CASES = join(import.meta.dirname, 'fix');
const tmp = () => mkdtempSync(join(tmpdir(), 'daemonlint-fix-'));
const decode = (text: string) => parseAllDocuments(text, PARSE_OPTIONS).map((d) => d.toJS());

describe('--fix on fixtures (byte for byte)', () => {
  for (const name of readdirSync(CASES).sort()) {
    it(name, () => {
      const dir = tmp();
      copyFileSync(join(CASES, name, 'input.yaml'), join(dir, 'manifest.yaml'));
      const before = JSON.parse(runCli(['--no-config', '-f', 'json', 'manifest.yaml'], { cwd: dir }).stdout);
      runCli(['--no-config', '--fix', 'manifest.yaml'], { cwd: dir });
      expect(readFileSync(join(dir, 'manifest.yaml'), 'utf8')).toBe(readFileSync(join(CASES, name, 'expected.yaml'), 'utf8'));
      // Re-linting shows none of the findings a safe fix was offered for.
      const after = JSON.parse(runCli(['--no-config', '-f', 'json', 'manifest.yaml'], { cwd: dir }).stdout);
      const fixedRules = new Set(after.findings.filter((f: { fix?: unknown }) => f.fix).map((f: { ruleId: string }) => f.ruleId));
      for (const f of before.findings as { ruleId: string; fix?: { description: string } }[]) {
        if (!f.fix) continue;
        if (!fixedRules.has(f.ruleId)) continue;
        // Whatever still carries a fix must be one --fix may not apply (unsafe or suppressed).
        expect(['privileged-with-capabilities', 'selector-mismatch']).toContain(f.ruleId);
      }
    });
  }
});

describe('--fix on the command line', () => {
  const BAD = readFileSync(join(CASES, 'comments-and-quoting', 'input.yaml'), 'utf8');
  const GOOD = readFileSync(join(CASES, 'comments-and-quoting', 'expected.yaml'), 'utf8');

  it('--fix-dry-run prints a unified diff and writes nothing', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), BAD);
    const r = runCli(['--no-config', '--fix-dry-run', 'a.yaml'], { cwd: dir });
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(BAD);
    expect(r.stdout).toBe(unifiedDiff(BAD, GOOD, 'a/a.yaml', 'b/a.yaml'));
    expect(r.stdout).toContain('\n-      restartPolicy: "OnFailure"   # wrong for a DaemonSet\n');
    expect(r.stdout).toContain('\n+      restartPolicy: "Always"   # wrong for a DaemonSet\n');
    expect(r.stderr).toMatch(/3 fixes would change 1 file/);
  });

  it('keeps the file mode, leaves no temporary file and exits by the remaining findings', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), BAD);
    chmodSync(join(dir, 'a.yaml'), 0o640);
    const r = runCli(['--no-config', '--fix', 'a.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(statSync(join(dir, 'a.yaml')).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });

  it('with stdin prints the fixed text on stdout and the report on stderr', () => {
    const r = runCli(['--no-config', '--fix', '--stdin-filename', 'agent.yaml', '-'], { input: BAD });
    expect(r.stdout).toBe(GOOD);
    expect(r.stderr).toMatch(/no problems|problem/);
  });
});

describe('applyFixes', () => {
  const text = 'a: &x {b: 1}\nc: *x\nd:\n  e: 1 # keep\n';
  it('refuses edits through aliases and moves onto existing keys', () => {
    const r = applyFixesDetailed(text, [
      { docIndex: 0, base: [], fix: { description: 'alias', edits: [{ op: 'set', path: ['c', 'b'], value: 2 }] } },
      { docIndex: 0, base: [], fix: { description: 'taken', edits: [{ op: 'move', from: ['d', 'e'], to: ['a'] }] } },
    ]);
    expect(r.applied).toEqual([]);
    expect(r.text).toBe(text);
  });
  it('applies a fix in full or not at all', () => {
    const out = applyFixes(text, [
      { docIndex: 0, base: [], fix: { description: 'half', edits: [{ op: 'set', path: ['d', 'e'], value: 2 }, { op: 'delete', path: ['nope'] }] } },
    ]);
    expect(out).toBe(text);
  });
  it('works on the object base of a List item', () => {
    const list = 'kind: List\nitems:\n  - kind: Pod # p\n    spec: {restartPolicy: Never}\n';
    expect(applyFixes(list, [{ docIndex: 0, base: ['items', 0], fix: { description: 'x', edits: [{ op: 'set', path: ['spec', 'restartPolicy'], value: 'Always' }] } }])).toBe(
      'kind: List\nitems:\n  - kind: Pod # p\n    spec: {restartPolicy: Always}\n',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property: --fix never changes the meaning of anything it was not asked to change.

const key = fc.constantFrom('name', 'image', 'spec', 'labels', 'app', 'ports', 'x-y', 'on', 'yes', '80', 'a.b/c');
const scalar = fc.oneof(
  fc.constantFrom('yes', 'no', 'on', 'off', '0755', '1e3', 'a: b', '#not', 'null', '', ' lead', 'x,y', '[z]', 'Always'),
  fc.string({ maxLength: 8 }).filter((s) => !/[\n\r\t\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufeff]/.test(s)),
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  fc.constant(null),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('seq')),
  map: fc.dictionary(key, tie('tree'), { minKeys: 1, maxKeys: 4 }),
  seq: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
}));
const doc = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 });

function paths(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...prefix, i], ...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...paths(x, [...prefix, k]));
  return out;
}

/** Render a document as block YAML with comment lines sprinkled in, or as flow YAML. */
function render(value: unknown, style: 'block' | 'flow', commentEvery: number): string {
  const text = stringify(value, { version: '1.1', collectionStyle: style === 'flow' ? 'flow' : 'block', lineWidth: 0 });
  if (style === 'flow' || commentEvery === 0) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l.trim() && i % commentEvery === 0 && !/[|>][-+]?$/.test(lines[i - 1] ?? '')) out.push(`${' '.repeat(l.length - l.trimStart().length)}# comment ${i}`);
    out.push(l);
  });
  return out.join('\n');
}

describe('property: fixes change only what they are asked to', () => {
  it('holds for random documents and edits', () => {
    let applied = 0;
    let total = 0;
    fc.assert(
      fc.property(doc, doc, fc.constantFrom<'block' | 'flow'>('block', 'block', 'flow'), fc.integer({ min: 0, max: 4 }), fc.nat(), fc.nat(), fc.constantFrom('set', 'delete', 'move'), scalar, (d0, d1, style, every, pick, pick2, op, value) => {
        const second = `---\n# second\n${render(d1, 'block', 2)}`;
        // A flow document starts after a comment: text that starts with `{` is JSON to kubectl (and to daemonlint).
        const text = `${style === 'flow' ? '# flow\n' : ''}${render(d0, style, every)}${second}`;
        const before = decode(text);
        fc.pre(before.length === 2 && JSON.stringify(before[0]) === JSON.stringify(d0));
        const all = paths(before[0]);
        const p = all[pick % all.length]!;
        let edit: FixEdit;
        if (op === 'set') edit = { op: 'set', path: pick2 % 3 === 0 ? [...p.slice(0, -1), 'added'] : p, value };
        else if (op === 'delete') edit = { op: 'delete', path: p };
        else edit = { op: 'move', from: p, to: pick2 % 2 ? ['moved'] : [...p.slice(0, -1), 'renamed'] };
        let expected: unknown;
        try {
          expected = applyToValue(before[0], edit);
        } catch {
          return; // Not a meaningful edit for this document.
        }
        total++;
        const r = applyFixesDetailed(text, [{ docIndex: 0, base: [], fix: { description: 'random', edits: [edit] } }]);
        const after = decode(r.text);
        if (r.applied.length) {
          applied++;
          expect(after[0]).toEqual(expected);
        } else expect(r.text).toBe(text);
        // The other document is byte for byte the same.
        expect(after[1]).toEqual(before[1]);
        expect(r.text.endsWith(second)).toBe(true);
      }),
      { numRuns: 400, seed: 20240611 },
    );
    // Most meaningful edits are applied, not skipped.
    expect(applied / total).toBeGreaterThan(0.6);
  });
});

describe('one pass per file, in the file style (issue 20)', () => {
  const dnsFix = (docIndex = 0): { docIndex: number; base: Path; fix: { description: string; edits: FixEdit[] } } => ({
    docIndex,
    base: [],
    fix: { description: 'dns', edits: [{ op: 'set', path: ['spec', 'template', 'spec', 'dnsPolicy'], value: 'ClusterFirstWithHostNet' }] },
  });
  const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'a' }, spec: { template: { spec: { hostNetwork: true, containers: [{ name: 'a', image: 'a:1' }] } } } };

  it('a JSON file gets JSON in its layout (pretty or compact), and stays strict JSON', () => {
    const pretty = JSON.stringify(ds, null, 2) + '\n';
    const out = applyFixes(pretty, [dnsFix()]);
    expect(JSON.parse(out)).toEqual({ ...ds, spec: { template: { spec: { ...ds.spec.template.spec, dnsPolicy: 'ClusterFirstWithHostNet' } } } });
    expect(out).toBe(JSON.stringify(JSON.parse(out), null, 2) + '\n'); // exactly what a pretty-printer writes
    const compact = JSON.stringify(ds);
    const c = applyFixes(compact, [dnsFix()]);
    expect(c).toBe(JSON.stringify(JSON.parse(c)));
    expect(JSON.parse(c).spec.template.spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    // A move and a delete in JSON keep it JSON too.
    const moved = applyFixes(pretty, [{ docIndex: 0, base: [], fix: { description: 'm', edits: [{ op: 'move', from: ['spec', 'template', 'spec', 'hostNetwork'], to: ['spec', 'template', 'spec', 'hostPID'] }] } }]);
    expect(JSON.parse(moved).spec.template.spec).toEqual({ containers: [{ name: 'a', image: 'a:1' }], hostPID: true });
    const deleted = applyFixes(pretty, [{ docIndex: 0, base: [], fix: { description: 'd', edits: [{ op: 'delete', path: ['spec', 'template', 'spec', 'containers'] }] } }]);
    expect(deleted).toBe(JSON.stringify({ ...ds, spec: { template: { spec: { hostNetwork: true } } } }, null, 2) + '\n');
  });

  it('through the CLI: --fix on a .json manifest writes valid JSON', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'ds.json'), JSON.stringify(ds, null, 2) + '\n');
    runCli(['--no-config', '--fix', 'ds.json'], { cwd: dir });
    expect(JSON.parse(readFileSync(join(dir, 'ds.json'), 'utf8')).spec.template.spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
  });

  it('new lines in a CRLF file are CRLF; a file with lone CR line breaks is not fixed', () => {
    const crlf = 'spec:\r\n  template:\r\n    spec:\r\n      hostNetwork: true\r\n';
    expect(applyFixes(crlf, [dnsFix()])).toBe(crlf + '      dnsPolicy: ClusterFirstWithHostNet\r\n');
    const cr = crlf.replace(/\r\n/g, '\r');
    expect(applyFixesDetailed(cr, [dnsFix()])).toMatchObject({ text: cr, applied: [] });
  });

  it('200 fixes in one document are all applied in one call; overlapping fixes apply in order', () => {
    const containers = Array.from({ length: 200 }, (_, i) => `    - name: c${i}\n      securityContext:\n        capabilities:\n          add: [CAP_NET_ADMIN]\n`).join('');
    const text = `kind: Pod\nspec:\n  containers:\n${containers}`;
    const fixes = Array.from({ length: 200 }, (_, i) => ({ docIndex: 0, base: [] as Path, fix: { description: 'cap', edits: [{ op: 'set', path: ['spec', 'containers', i, 'securityContext', 'capabilities', 'add', 0], value: 'NET_ADMIN' }] as FixEdit[] } }));
    const r = applyFixesDetailed(text, fixes);
    expect(r.applied).toHaveLength(200);
    expect(r.text).toBe(text.replace(/CAP_NET_ADMIN/g, 'NET_ADMIN'));
    // Two fixes of one key: the second is applied on the text the first produced.
    const twice = applyFixesDetailed('a: 1\nb: 2\n', [
      { docIndex: 0, base: [], fix: { description: 'one', edits: [{ op: 'set', path: ['a'], value: 3 }] } },
      { docIndex: 0, base: [], fix: { description: 'two', edits: [{ op: 'set', path: ['a'], value: 4 }] } },
    ]);
    expect(twice).toMatchObject({ text: 'a: 4\nb: 2\n' });
    expect(twice.applied).toHaveLength(2);
  });

  it('a bad fix among good ones is skipped alone', () => {
    const text = 'a: 1\nb: &x {c: 1}\nd: *x\ne: 5\n';
    const r = applyFixesDetailed(text, [
      { docIndex: 0, base: [], fix: { description: 'ok', edits: [{ op: 'set', path: ['a'], value: 2 }] } },
      { docIndex: 0, base: [], fix: { description: 'alias', edits: [{ op: 'set', path: ['d', 'c'], value: 2 }] } },
      { docIndex: 0, base: [], fix: { description: 'ok too', edits: [{ op: 'set', path: ['e'], value: 6 }] } },
    ]);
    expect(r.text).toBe('a: 2\nb: &x {c: 1}\nd: *x\ne: 6\n');
    expect(r.skipped.map((f) => f.fix.description)).toEqual(['alias']);
  });

  it('a fix through a merge key is refused (it would change every object sharing the anchor)', () => {
    const text = 'base: &b {x: 1}\nobj:\n  <<: *b\n  y: 2\n';
    const r = applyFixesDetailed(text, [{ docIndex: 0, base: [], fix: { description: 'm', edits: [{ op: 'set', path: ['obj', 'z'], value: 3 }] } }]);
    expect(r.applied).toEqual([]);
    expect(r.text).toBe(text);
  });
});

describe('a fix that changes what the Pod may do is not safe (issue 20)', () => {
  it('renaming hostnetwork to hostNetwork is offered, never applied by --fix (and no dnsPolicy follows)', () => {
    const dir = tmp();
    const text = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: a\nspec:\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n    spec:\n      hostnetwork: true\n      containers:\n        - name: a\n          image: a:1\n          securityContxt: {privileged: true}\n`;
    writeFileSync(join(dir, 'a.yaml'), text);
    const r = runCli(['--no-config', '-f', 'json', '--fix', 'a.yaml'], { cwd: dir });
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(text);
    const fixes = JSON.parse(r.stdout).findings.map((f: { fix?: { description: string } }) => f.fix?.description).filter(Boolean);
    expect(fixes).toEqual(expect.arrayContaining([expect.stringMatching(/^Rename hostnetwork to hostNetwork \(it changes what the Pod may do: review it\)$/), expect.stringMatching(/^Rename securityContxt to securityContext \(it changes/)]));
  });
});
