// A run gives the same result whichever way its files were read and checked: in worker threads (`--jobs 2`), in one
// thread keeping every text, in one thread letting texts go and reading them again for positions, or all in memory
// as `--fix` lints. Same findings, same order, same exit code, same messages.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { withEveryCrd } from '../src/app/custom-resources.js';
import { lintInProcess } from '../src/app/pipeline.js';
import { loadCrdFiles } from '../src/load/crds.js';
import { RuleSettings, lintAsync, type LintOptions } from '../src/engine/lint.js';
import { PathError, expandPaths, loadFile } from '../src/load/files.js';
import { runCli } from './helpers/cli.js';
import { corpus } from './helpers/cross-corpus.js';
import { removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

/** A folder of generated files full of cross-resource findings, with suppressions, a config, and broken files. */
function folder(): string {
  const files: Record<string, string | Buffer> = {};
  corpus(41, 300).forEach((f, i) => {
    let text = f.text;
    // Suppressions of every kind, some used, some not.
    if (i % 7 === 0) text = `# daemonlint-disable host-port-conflict -- shared port on purpose\n${text}`;
    if (i % 11 === 0) text = text.replace(/^(\s*)hostPort:/m, '$1# daemonlint-disable-next-line host-port -- needed\n$1hostPort:');
    if (i % 13 === 0) text = text.replace(/^( {2}name: o-\d+)$/m, '$1\n  annotations: {daemonlint.io/ignore: "host-network,overlapping-selectors"}');
    files[`team-${i % 4}/${f.path.replace(/\//g, '-')}`] = text;
  });
  files['broken/syntax.yaml'] = 'apiVersion: v1\nkind: Service\nmetadata: {name: x\n';
  files['broken/binary.yaml'] = Buffer.from([0x61, 0x00, 0x62]);
  files['broken/crlf.yaml'] = 'apiVersion: apps/v1\r\nkind: DaemonSet\r\nmetadata:\r\n  name: crlf\r\nspec:\r\n  template:\r\n    spec:\r\n      hostNetwork: true\r\n      containers: [{name: c, image: i}]\r\n';
  // Three agents on one host port, in strict JSON, with lone CR line breaks and in plain YAML: positions in each kind of
  // text, also when it is read again.
  const agent = (name: string) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'ports' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 7777, hostPort: 7777 }] }] } } },
  });
  files['ports/agent.json'] = JSON.stringify(agent('json-agent'), null, 2);
  files['ports/lone-cr.yaml'] = `# lone CR line breaks\r${JSON.stringify(agent('cr-agent'))}\r`;
  files['ports/plain.yaml'] = JSON.stringify(agent('yaml-agent'));
  files['.daemonlint.yaml'] = 'rules:\n  service-target-port: error\nwaivers:\n  - {kind: DaemonSet, name: "o-1*", rules: [host-network], reason: agents}\n  - {name: nothing-here, rules: [host-pid]}\n';
  return workdir(files, 'daemonlint-parallel-');
}

describe('the same result with and without worker threads', () => {
  const dir = folder();

  it('json and text output, exit code and messages are identical with --jobs 1 and --jobs 2', () => {
    for (const format of ['json', 'text']) {
      const one = runCli(['--no-color', '-f', format, '--jobs', '1', '.'], { cwd: dir });
      const two = runCli(['--no-color', '-f', format, '--jobs', '2', '.'], { cwd: dir });
      expect(one.code).toBe(1);
      expect(two.code).toBe(one.code);
      expect(two.stderr).toBe(one.stderr);
      expect(two.stdout).toBe(one.stdout);
      if (format === 'json') {
        const findings = JSON.parse(one.stdout).findings as { ruleId: string; related?: unknown[] }[];
        const rules = new Set(findings.map((f) => f.ruleId));
        const ports = findings.filter((f) => f.ruleId === 'host-port-conflict' && (f as { file?: string }).file?.startsWith('ports/'));
        expect(ports.map((f) => (f as { file?: string }).file).sort()).toEqual(['ports/agent.json', 'ports/lone-cr.yaml', 'ports/plain.yaml']);
        for (const id of ['host-port-conflict', 'overlapping-selectors', 'service-target-port', 'yaml-syntax', 'unused-suppression', 'host-network']) expect(rules, id).toContain(id);
        expect(findings.some((f) => f.related?.length)).toBe(true);
      }
    }
  });

  it('with a node inventory too', () => {
    const nodes = workdir({
      'nodes.yaml': [
        'apiVersion: v1',
        'kind: List',
        'items:',
        '  - {apiVersion: v1, kind: Node, metadata: {name: n1, labels: {zone: z1}}}',
        '  - {apiVersion: v1, kind: Node, metadata: {name: n2, labels: {zone: z2}}}',
        '  - {apiVersion: v1, kind: Node, metadata: {name: n3, labels: {zone: z1}}, spec: {taints: [{key: dedicated, value: x, effect: NoSchedule}]}}',
        '',
      ].join('\n'),
    });
    const args = ['--no-color', '-f', 'json', '--nodes', join(nodes, 'nodes.yaml'), '.'];
    const one = runCli(['--jobs', '1', ...args], { cwd: dir });
    const two = runCli(['--jobs', '2', ...args], { cwd: dir });
    expect(one.stderr).toBe('');
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(one.stdout).findings.some((f: { message: string }) => /\bn[123]\b/.test(f.message))).toBe(true);
  });

  it('SARIF (with suppressed findings) is identical too', () => {
    const one = runCli(['-f', 'sarif', '--jobs', '1', '.'], { cwd: dir });
    const two = runCli(['-f', 'sarif', '--jobs', '2', '.'], { cwd: dir });
    expect(two.stdout).toBe(one.stdout);
    expect(one.stdout).toContain('"suppressions"');
  });

  it('one thread letting texts go (positions read again) equals one keeping them, and the in-memory lint', async () => {
    const targets = expandPaths(['.'], dir);
    const opts: LintOptions = { rules: allRules, kubeVersion: '1.35' };
    const io = { cwd: dir, readStdin: async () => Buffer.alloc(0) };
    const kept = await lintInProcess(targets, io, opts);
    const released = await lintInProcess(targets, { ...io, keepBytes: 0 }, opts);
    expect(released.findings).toEqual(kept.findings);
    expect(released.suppressed).toEqual(kept.suppressed);
    expect(released.readErrors).toEqual(kept.readErrors);
    const files = targets.flatMap((t) => {
      try {
        return [loadFile(t, dir)];
      } catch {
        return [];
      }
    });
    const inMemory = await lintAsync(files, opts);
    expect(kept.findings).toEqual(inMemory.findings);
    expect(kept.suppressed).toEqual(inMemory.suppressed);
    expect(kept.fileCount).toBe(files.length);
  });

  it('a file that changes before its positions are read again is an error, not wrong positions', async () => {
    const d = workdir({
      'a.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec: {template: {spec: {containers: [{name: c, image: i, ports: [{containerPort: 9100, hostPort: 9100}]}]}}}\n',
      'b.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: b}\nspec: {template: {spec: {containers: [{name: c, image: i, ports: [{containerPort: 9100, hostPort: 9100}]}]}}}\n',
    });
    const targets = expandPaths(['.'], d);
    const opts: LintOptions = {
      rules: allRules.map((r) =>
        r.meta.id !== 'host-port-conflict' ? r : { ...r, prepare: () => writeFileSync(join(d, 'a.yaml'), `# changed\n${'x'.repeat(10)}\n`) },
      ),
      kubeVersion: '1.35',
    };
    await expect(lintInProcess(targets, { cwd: d, readStdin: async () => Buffer.alloc(0), keepBytes: 0 }, opts)).rejects.toThrow(PathError);
  });

  it('an output file that a worker thread read as an input is not overwritten, as in one thread', () => {
    const d = workdir({
      'a.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec: {template: {spec: {hostNetwork: true, containers: [{name: c, image: i}]}}}\n',
      'b.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: b}\nspec: {template: {spec: {hostNetwork: true, containers: [{name: c, image: i}]}}}\n',
      'c.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {selector: {app: c}, ports: [{port: 80}]}\n',
    });
    // A report from an earlier run, named so that it sorts first: the worker thread reads it.
    expect(runCli(['-f', 'json', '-o', '0.json', '.'], { cwd: d }).code).toBe(1);
    const before = readFileSync(join(d, '0.json'), 'utf8');
    for (const jobs of ['1', '2']) {
      const r = runCli(['--jobs', jobs, '-f', 'json', '-o', '0.json', '.'], { cwd: d });
      expect(r.code, jobs).toBe(2);
      expect(r.stderr, jobs).toContain('cannot write 0.json: it is one of the files this run read');
      expect(readFileSync(join(d, '0.json'), 'utf8')).toBe(before);
    }
  });

  it('--timeout bounds a run with workers and names what was not linted', () => {
    const r = runCli(['--no-color', '--jobs', '2', '--timeout', '0.001', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/time budget of 0\.001 s ran out; not linted: /);
  });

  it('--jobs takes a whole number', () => {
    const r = runCli(['--jobs', 'x', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--jobs must be a whole number');
  });
});

/** The Probe CRD and custom resources of the custom-resource-schema fixtures (monitoring.example.com). */
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'custom-resource-schema', 'invalid', name), 'utf8').replace(/ # expect: .*$/gm, '');

/** A second Probe CRD that keeps every field: what a file holding it sees alone, while the run's first Probe CRD wins. */
const lenientProbeCrd = [
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: {name: probes.monitoring.example.com}',
  'spec:',
  '  group: monitoring.example.com',
  '  scope: Namespaced',
  '  names: {kind: Probe, plural: probes}',
  '  versions:',
  '    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}',
  '',
].join('\n');

const widgetCrd = [
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: {name: widgets.tools.example.org}',
  'spec:',
  '  group: tools.example.org',
  '  scope: Namespaced',
  '  names: {kind: Widget, plural: widgets}',
  '  versions:',
  '    - name: v1',
  '      served: true',
  '      storage: true',
  '      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}',
  '',
].join('\n');

describe('custom resources whose CRD is in another file, file by file and in worker threads', () => {
  const probe = (name: string, spec: string) => `apiVersion: monitoring.example.com/v1\nkind: Probe\nmetadata: {name: ${name}, namespace: monitoring}\nspec: ${spec}\n`;
  const dir = workdir(
    {
      // Checked before the file with their CRD is read.
      'a-probes.yaml': fixture('probes.yaml'),
      'b-typo.yaml': 'apiVersion: monitoring.example.com/v1\nkind: Prob\nmetadata: {name: typo, namespace: monitoring}\nspec: {target: x}\n',
      'c-crds.yaml': fixture('crd.yaml'),
      // Its own Probe CRD keeps every field, but the run's first Probe CRD (c-crds.yaml) is the one the run uses.
      'd-late.yaml': `${lenientProbeCrd}---\n${probe('late', '{target: x, intervall: 30s}')}`,
      // Its CRD in the same file, and only there: checked once.
      'e-own.yaml': `${widgetCrd.replace(/widgets\.tools/, 'widgets.own').replace('group: tools.example.org', 'group: own.example.org')}---\napiVersion: own.example.org/v1\nkind: Widget\nmetadata: {name: w}\nspec: {sise: 3}\n`,
      // Against the CRD given with --crd; first, so that a worker thread checks it (the first two files go to the worker).
      '0-widget.yaml': 'apiVersion: tools.example.org/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: "3"}\n',
    },
    'daemonlint-crds-',
  );
  const crdDir = workdir({ 'widget-crd.yaml': widgetCrd });
  const crdArgs = ['--crd', join(crdDir, 'widget-crd.yaml')];

  it('finds what a run of all files finds, with --jobs 1 and --jobs 2', () => {
    const one = runCli(['--no-color', '-f', 'json', '--jobs', '1', ...crdArgs, '.'], { cwd: dir });
    const two = runCli(['--no-color', '-f', 'json', '--jobs', '2', ...crdArgs, '.'], { cwd: dir });
    expect(one.stderr).toBe('');
    expect(one.code).toBe(1);
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    const findings = (JSON.parse(one.stdout).findings as { file: string; ruleId: string; messageId?: string; message: string }[]).filter((f) => f.ruleId === 'custom-resource-schema');
    const byFile = (file: string) => findings.filter((f) => f.file === file).map((f) => f.message);
    expect(byFile('a-probes.yaml').length).toBeGreaterThanOrEqual(5);
    expect(byFile('a-probes.yaml')).toContain('`intervall` is not a field of `spec`; did you mean `interval`?');
    expect(byFile('b-typo.yaml')).toEqual([expect.stringMatching(/^No CustomResourceDefinition of this run defines Prob in `monitoring\.example\.com`, which defines `Probe`; did you mean `Probe`\?/)]);
    expect(byFile('d-late.yaml')).toEqual(['`intervall` is not a field of `spec`; did you mean `interval`?']);
    expect(byFile('e-own.yaml')).toEqual([expect.stringContaining('`sise` is not a field of `spec`')]);
    expect(byFile('0-widget.yaml')).toEqual([expect.stringContaining('`spec.size` must be an integer')]);
  });

  it('one thread letting texts go equals one keeping them and the in-memory lint; only files that need it are checked again', async () => {
    const targets = expandPaths(['.'], dir);
    const crds = loadCrdFiles([join(crdDir, 'widget-crd.yaml')], dir);
    const opts: LintOptions = { rules: allRules, kubeVersion: '1.35', crds };
    const io = { cwd: dir, readStdin: async () => Buffer.alloc(0) };
    const kept = await lintInProcess(targets, io, opts);
    const released = await lintInProcess(targets, { ...io, keepBytes: 0 }, opts);
    const inMemory = await lintAsync(targets.map((t) => loadFile(t, dir)), opts);
    expect(kept.findings.some((f) => f.ruleId === 'custom-resource-schema' && f.file === 'a-probes.yaml')).toBe(true);
    expect(released.findings).toEqual(kept.findings);
    expect(kept.findings).toEqual(inMemory.findings);
    expect(released.readErrors).toEqual([]);

    // The files checked again: those whose custom kinds the run's CRDs answer differently from their own.
    const { checkTarget } = await import('../src/app/pipeline.js');
    const settings = new RuleSettings(opts);
    const results = await Promise.all(targets.map((t) => checkTarget(t, dir, opts, settings, false)));
    const after = await withEveryCrd(results, opts, settings);
    const again = targets.filter((_, i) => after[i] !== results[i]).map((t) => t.slice(dir.length + 1));
    expect(again).toEqual(['a-probes.yaml', 'b-typo.yaml', 'd-late.yaml']);
    expect(targets.map((t) => t.slice(dir.length + 1))[0]).toBe('0-widget.yaml');
    // Nothing to do without custom resources.
    expect(await withEveryCrd([results[3]], opts, settings)).toEqual([results[3]]);
  });

  it('a file that changes before it is checked again is named, not checked against other text', async () => {
    const d = workdir({ 'a.yaml': probe('p', '{target: x, intervall: 30s}'), 'b.yaml': fixture('crd.yaml') });
    const targets = expandPaths(['.'], d);
    // Once b.yaml is checked, a.yaml (already checked, its text let go) changes.
    const changeA = {
      ...allRules[0]!,
      meta: { ...allRules[0]!.meta, id: 'test-change' },
      check: undefined,
      checkFile: undefined,
      prepare: (run: { files: readonly { path: string }[] }) => {
        if (run.files[0]?.path === 'b.yaml') writeFileSync(join(d, 'a.yaml'), probe('p', '{target: y}'));
      },
    };
    const opts: LintOptions = { rules: [...allRules, changeA], kubeVersion: '1.35' };
    const r = await lintInProcess(targets, { cwd: d, readStdin: async () => Buffer.alloc(0), keepBytes: 0 }, opts);
    expect(r.readErrors).toEqual(['a.yaml changed while it was being linted; its custom resources could not be checked against the CRDs of other files: lint it again']);
    expect(r.findings.filter((f) => f.file === 'a.yaml')).toEqual([]);
  });
});
