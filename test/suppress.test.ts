import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { commentDirectives, parseRuleList } from '../src/engine/suppress.js';
import { parseSource } from '../src/load/parse.js';
import { runMain } from './helpers/cli.js';
import { validateSarif } from './helpers/sarif.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-suppress-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const AGENT = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      hostPID: true
      # daemonlint-disable-next-line restart-policy -- being migrated
      restartPolicy: Never
      containers:
        - name: agent
          image: example/agent:1.0
`;

const lintText = async (text: string, opts: Parameters<typeof lintAsync>[1] extends infer O ? Partial<O> : never = {}) =>
  lintAsync([parseSource({ path: 'x.yaml', text })], { rules: allRules, ...opts });

describe('suppression parsing', () => {
  it('splits rule lists and reasons', () => {
    expect(parseRuleList(' a, b c -- because -- really')).toEqual({ rules: ['a', 'b', 'c'], reason: 'because -- really' });
    expect(parseRuleList(' a # remark')).toEqual({ rules: ['a'], reason: undefined });
  });
  it('sees only real comments, scoped to their document', () => {
    const f = parseSource({
      path: 'x.yaml',
      text: 'a: |\n  # daemonlint-disable host-pid\nb: "# daemonlint-disable host-pid"\n# daemonlint-disable host-ipc\nc: 1\n---\nd: 1\n',
    });
    const ds = commentDirectives(f);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ kind: 'disable', rules: ['host-ipc'], from: 5, to: 5 });
  });
});

describe('suppressions in the engine', () => {
  it('a comment suppresses the next line; the reason is kept', async () => {
    const r = await lintText(AGENT);
    expect(r.findings.some((f) => f.ruleId === 'restart-policy')).toBe(false);
    const s = r.suppressed.find((f) => f.ruleId === 'restart-policy')!;
    expect(s.suppressions).toEqual([{ kind: 'inSource', source: 'comment', justification: 'being migrated' }]);
    expect(r.findings.some((f) => f.ruleId === 'host-pid')).toBe(true);
  });

  it('disable … enable covers the lines between', async () => {
    const text = AGENT.replace('      hostPID: true\n', '      # daemonlint-disable host-pid\n      hostPID: true\n      # daemonlint-enable host-pid\n');
    const r = await lintText(text);
    expect(r.suppressed.map((f) => f.ruleId)).toContain('host-pid');
    expect(r.findings.filter((f) => f.ruleId === 'unused-suppression')).toEqual([]);
  });

  it('annotations on the object or its Pod template suppress its findings', async () => {
    for (const where of ['  namespace: monitoring\n', '      labels: {app: agent}\n']) {
      const indent = where.startsWith('      ') ? '      ' : '  ';
      const text = AGENT.replace(where, `${where}${indent}annotations:\n${indent}  daemonlint.io/ignore: host-pid\n${indent}  daemonlint.io/ignore-reason: reads /proc of the node\n`);
      const r = await lintText(text);
      expect(r.findings.some((f) => f.ruleId === 'host-pid')).toBe(false);
      expect(r.suppressed.find((f) => f.ruleId === 'host-pid')!.suppressions).toEqual([
        { kind: 'inSource', source: 'annotation', justification: 'reads /proc of the node' },
      ]);
    }
  });

  it('config waivers match kind, name and namespace (globs), as external suppressions', async () => {
    const waiver = { kind: 'DaemonSet', name: 'a*', namespace: 'monitoring', rules: ['host-pid'], reason: 'node exporter', origin: { file: '.daemonlint.yaml', range: { line: 3, column: 5, endLine: 3, endColumn: 6 } } };
    const r = await lintText(AGENT, { waivers: () => [waiver] });
    expect(r.suppressed.find((f) => f.ruleId === 'host-pid')!.suppressions).toEqual([{ kind: 'external', source: 'config', justification: 'node exporter' }]);
    const other = await lintText(AGENT, { waivers: () => [{ ...waiver, namespace: 'kube-system' }] });
    expect(other.findings.some((f) => f.ruleId === 'host-pid')).toBe(true);
    // A waiver for an object in the run that suppresses nothing is stale.
    const stale = await lintText(AGENT, { waivers: () => [{ ...waiver, rules: ['host-ipc'] }] });
    expect(stale.findings.find((f) => f.ruleId === 'unused-suppression')).toMatchObject({ file: '.daemonlint.yaml', line: 3, severity: 'info' });
  });

  it('a waiver handed to many folders is reported once, for the rules no file of the run uses', async () => {
    const waiver = { namespace: 'monitoring', rules: ['host-pid', 'host-network', 'host-ipc'], reason: 'node agents', origin: { file: 'base.yaml', range: { line: 2, column: 5, endLine: 2, endColumn: 6 } } };
    const projects = ['a', 'b', 'c', 'd'].map((p) =>
      parseSource({ path: `${p}/agent.yaml`, text: AGENT.replace('name: agent', `name: agent-${p}`).replace(p === 'b' ? 'hostPID: true' : '\u0000', 'hostNetwork: true') }),
    );
    // Each folder's config resolves the waiver on its own (a copy per file), as folder configs extending one base do.
    const r = await lintAsync(projects, { rules: allRules, waivers: () => [{ ...waiver }] });
    const unused = r.findings.filter((f) => f.ruleId === 'unused-suppression' && f.file === 'base.yaml');
    expect(unused).toHaveLength(1);
    expect(unused[0]!.message).toBe('This waiver has no effect: no host-ipc finding on the objects it names. Remove it.');
    expect(r.suppressed.filter((f) => f.ruleId === 'host-pid' || f.ruleId === 'host-network')).toHaveLength(4);
  });

  it('strict rules are not suppressed by comments or annotations, and the useless suppression is reported', async () => {
    const r = await lintText(AGENT, { strict: (id) => id === 'restart-policy' });
    expect(r.findings.some((f) => f.ruleId === 'restart-policy')).toBe(true);
    const unused = r.findings.find((f) => f.ruleId === 'unused-suppression')!;
    expect(unused.line).toBe(14);
    expect(unused.message).toMatch(/restart-policy is strict in the configuration and cannot be suppressed.*finding is still reported/);
  });

  it('unused-suppression can be turned off like any rule', async () => {
    const text = AGENT.replace('restart-policy --', 'host-ipc --');
    expect((await lintText(text)).findings.some((f) => f.ruleId === 'unused-suppression')).toBe(true);
    expect((await lintText(text, { severity: (id) => (id === 'unused-suppression' ? 'off' : undefined) })).findings.some((f) => f.ruleId === 'unused-suppression')).toBe(false);
  });
});

describe('suppressions on the command line', () => {
  const dir = tree({
    '.git/HEAD': '',
    '.daemonlint.yaml': 'waivers:\n  - kind: DaemonSet\n    name: agent\n    rules: [host-pid]\n    reason: node exporter reads host processes\n',
    'agent.yaml': AGENT,
  });

  it('text and json drop suppressed findings and count them', async () => {
    const r = await runMain(['-f', 'json', 'agent.yaml'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('host-pid');
    expect(out.summary.suppressed).toBe(2);
    expect((await runMain(['agent.yaml'], { cwd: dir })).stdout).toMatch(/; 2 suppressed\)/);
  });

  it('SARIF keeps them with valid suppressions (inSource and external, with the reason)', async () => {
    const log = JSON.parse((await runMain(['-f', 'sarif', 'agent.yaml'], { cwd: dir })).stdout);
    expect(validateSarif(log)).toEqual([]);
    const results = log.runs[0].results as { ruleId: string; suppressions?: { kind: string; justification?: string }[] }[];
    expect(results.find((x) => x.ruleId === 'host-pid')!.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'node exporter reads host processes', properties: { source: 'config' } },
    ]);
    expect(results.find((x) => x.ruleId === 'restart-policy')!.suppressions![0]).toMatchObject({ kind: 'inSource', justification: 'being migrated' });
  });

  it('strict in the config overrides comments', async () => {
    const strictDir = tree({ '.git/HEAD': '', '.daemonlint.yaml': 'strict: [restart-policy]\n', 'agent.yaml': AGENT });
    const r = await runMain(['-f', 'json', 'agent.yaml'], { cwd: strictDir });
    const ids = JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['restart-policy', 'unused-suppression']));
    expect(r.code).toBe(1);
  });
});
