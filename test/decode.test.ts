/**
 * Decoding as kubectl does, with exact positions (issue 20): strict JSON for `.json` files and input starting with
 * `{`, Go templates inside scalar values treated as data, lone CR line breaks, fields arriving through a YAML merge
 * key located at their real line, and columns that never run past the end of their line.
 */
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { decodeJson, isJsonInput } from '../src/load/json.js';
import { parseSource } from '../src/load/parse.js';
import type { Finding, SourceFile } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { BAD_DAEMONSET as DS, workdir } from './helpers/manifests.js';

async function lintText(path: string, text: string): Promise<{ file: SourceFile; findings: Finding[]; suppressed: Finding[] }> {
  const file = parseSource({ path, text });
  const r = await lintAsync([file], { rules: allRules });
  return { file, findings: r.findings, suppressed: r.suppressed };
}

const at = (fs: Finding[]) => fs.map((f) => `${f.ruleId} ${f.line}:${f.column}`);

describe('strict JSON', () => {
  const pod = (extra = '') => `{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"},${extra}\n  "spec": {"containers": [{"name": "c", "image": "x:1"}]}\n}\n`;

  it('trailing commas, comments, single quotes, bare words and bad numbers are errors at their position', async () => {
    const cases: [string, string, RegExp][] = [
      ['{"a": 1,}', '1:8', /trailing comma before \}/],
      ['{"a": [1, 2,]}', '1:12', /trailing comma before \]/],
      ['{\n  // the pod\n  "a": 1\n}', '2:3', /comments are not allowed/],
      ['{"a": /* x */ 1}', '1:7', /comments are not allowed/],
      ["{'a': 1}", '1:2', /double quotes, not single quotes/],
      ['{a: 1}', '1:2', /bare word/],
      ['{"a": NaN}', '1:7', /NaN is not a JSON number/],
      ['{"a": 0755}', '1:7', /leading zeros/],
      ['{"a": "x\ny"}', '1:9', /control character/],
      ['{"a": 1 "b": 2}', '1:9', /expected a comma or \}/],
      ['{"a": 1', '1:8', /ends where/],
    ];
    for (const [text, pos, re] of cases) {
      const { file, findings } = await lintText('x.json', text);
      expect(file.manifests, text).toEqual([]);
      expect(at(findings), text).toEqual([`yaml-syntax ${pos}`]);
      expect(findings[0]!.message, text).toMatch(re);
      expect(findings[0]!.message).toMatch(/^Invalid JSON: /);
    }
  });

  it('a comment can no longer make an object disappear: the file is an error, not "no problems"', async () => {
    // Read as YAML, the `#` started a comment that swallowed the rest of the line and the object with it.
    const { findings } = await lintText('pods.json', pod().replace('"metadata": {"name": "p"},', '"metadata": {"name": "p"}, # note'));
    expect(at(findings)).toEqual(['yaml-syntax 4:30']);
  });

  it('valid JSON (a stream of objects, as kubectl reads it) is linted with exact positions; a repeated key is reported', async () => {
    const ds = JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'a' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'a:1' }] } } } }, null, 2);
    const { file, findings } = await lintText('two.json', `${ds}\n${ds.replace('"name": "a"', '"name": "b"')}\n`);
    expect(file.manifests.map((m) => m.ref.name)).toEqual(['a', 'b']);
    const lines = ds.split('\n').length;
    const restart = findings.filter((f) => f.ruleId === 'restart-policy');
    expect(restart.map((f) => f.line)).toEqual([20, 20 + lines]);
    for (const f of restart) expect(file.text.split('\n')[f.line - 1]!.slice(f.column - 1, f.endColumn - 1)).toBe('"restartPolicy"');
    const dup = await lintText('dup.json', '{"apiVersion": "v1", "kind": "Pod", "kind": "Pod", "metadata": {"name": "p"}}');
    expect(at(dup.findings.filter((f) => f.ruleId === 'yaml-syntax'))).toEqual(['yaml-syntax 1:37']);
    expect(dup.findings[0]!.message).toMatch(/^Duplicate key "kind"/);
  });

  it('is chosen as kubectl chooses: a .json name or a first character {', () => {
    expect(isJsonInput('a.json', 'apiVersion: v1')).toBe(true);
    expect(isJsonInput('a.yaml', '\n  {"a": 1}')).toBe(true);
    expect(isJsonInput('a.yaml', '# c\n{"a": 1}')).toBe(false);
    expect(isJsonInput(undefined, '[1]')).toBe(false);
    expect(decodeJson('{"__proto__": {"x": 1}}')).toMatchObject({ values: [{ ['__proto__']: { x: 1 } }] });
    expect(Object.getPrototypeOf((decodeJson('{"__proto__": {"x": 1}}') as { values: object[] }).values[0])).toBe(Object.prototype);
  });

  it('stdin that starts with { is JSON too', () => {
    const r = runCli(['--no-config', '-f', 'json', '-'], { input: '{"apiVersion": "v1", "kind": "Pod",}' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: Finding) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual(['yaml-syntax 1:35']);
  });
});

describe('Go templates', () => {
  const alertmanager = `apiVersion: v1
kind: ConfigMap
metadata:
  name: alertmanager
data:
  alertmanager.yml: |
    receivers:
      - name: slack
        slack_configs:
          - title: '{{ template "slack.default.title" . }}'
            text: "{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}"
  note: "{{ .Values.x }} stays a string"
---
`;

  it('inside scalar values they are data: a broken DaemonSet in the same file is reported', async () => {
    const { findings } = await lintText('rendered.yaml', alertmanager + DS);
    expect(findings.map((f) => f.ruleId)).not.toContain('unrendered-template');
    expect(at(findings.filter((f) => f.ruleId === 'restart-policy'))).toEqual(['restart-policy 25:7']);
  });

  it('through `helm template … | daemonlint -` too', () => {
    const r = runCli(['--no-config', '-f', 'json', '--stdin-filename', 'chart.yaml', '-'], { input: alertmanager + DS });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: Finding) => f.ruleId)).toContain('restart-policy');
  });

  it('in the YAML structure they make the file a chart template (not linted)', async () => {
    const chart = [
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {{ include "labels" . | nindent 4 }}\n`,
      `apiVersion: v1\nkind: ConfigMap\n{{- if .Values.enabled }}\ndata: {}\n{{- end }}\n`,
      `{{- define "x" }}\nname: y\n{{- end }}\n`,
      `apiVersion: apps/v1\nkind: DaemonSet\nspec:\n  replicas: {{ .Values.replicas }}\n`,
    ];
    for (const text of chart) {
      const { findings } = await lintText('templates/x.yaml', text);
      expect(findings.map((f) => f.ruleId), text).toEqual(['unrendered-template']);
    }
  });
});

describe('lone CR line breaks', () => {
  it('give the positions of LF, and both decoders agree', async () => {
    const lf = DS + '---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n';
    const cr = lf.replace(/\n/g, '\r');
    const a = await lintText('lf.yaml', lf);
    const b = await lintText('lf.yaml', cr);
    expect(b.findings.length).toBeGreaterThan(1);
    expect(b.findings).toEqual(a.findings);
    expect(b.file.lineCount).toBe(a.file.lineCount);
    const slow = parseSource({ path: 'cr.yaml', text: cr, fast: false });
    const fast = parseSource({ path: 'cr.yaml', text: cr });
    expect(fast.manifests.map((m) => m.object)).toEqual(slow.manifests.map((m) => m.object));
    expect(fast.locate(0, ['spec', 'template', 'spec', 'restartPolicy'])).toEqual(slow.locate(0, ['spec', 'template', 'spec', 'restartPolicy']));
    expect(fast.locate(0, ['spec', 'template', 'spec', 'restartPolicy'])).toEqual({ line: 12, column: 7, endLine: 12, endColumn: 20 });
  });
});

describe('YAML merge keys', () => {
  const merged = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: m
spec:
  selector:
    matchLabels: {app: m}
  template:
    metadata:
      labels: {app: m}
    spec:
      <<: &base
        hostPID: true  # daemonlint-disable-line host-pid -- reads /proc
        restartPolicy: Never
      containers:
        - name: a
          image: a:1
`;
  it('a field that arrives through << is reported at its real line, and a suppression there works', async () => {
    const { findings, suppressed } = await lintText('m.yaml', merged);
    expect(at(findings)).toEqual(['restart-policy 14:9']);
    expect(at(suppressed)).toEqual(['host-pid 13:9']);
  });
});

describe('columns', () => {
  it('never run past the end of their line (an unclosed brace at the end of a line, CRLF)', async () => {
    for (const text of ['{', '{é', '{"apiVersion"1}[/* x */\r\n😀', 'a: [b,\r\n', 'x: {y: [1,\n']) {
      for (const path of ['x.json', 'x.yaml']) {
        const { file, findings } = await lintText(path, text);
        const lines = file.text.split(/\r\n|\r|\n/);
        for (const f of findings) {
          expect(f.column, `${path} ${JSON.stringify(text)}`).toBeLessThanOrEqual(lines[f.line - 1]!.length + 1);
          expect(f.endColumn, `${path} ${JSON.stringify(text)}`).toBeLessThanOrEqual(lines[f.endLine - 1]!.length + 1);
        }
      }
    }
    const cli = runCli(['--no-config', '-f', 'json', '-'], { input: '{' });
    expect(JSON.parse(cli.stdout).findings[0]).toMatchObject({ line: 1, column: 2, endLine: 1, endColumn: 2 });
    void workdir;
  });
});
