/**
 * The GitHub Action, run as the runner runs it: `node action/index.mjs` (the committed bundle) in a child process
 * with the workspace as working directory, every input as an INPUT_<NAME> variable (action.yml defaults filled in
 * like the runner does), and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 */
import { LINKS } from '../src/links.js';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { escapeCell, markdownSummary } from '../src/action/summary.js';
import { fileCommand, inputVariable } from '../src/action/protocol.js';
import type { Finding } from '../src/types.js';
import { ROOT, runCli } from './helpers/cli.js';
import { validateSarif } from './helpers/sarif.js';

interface ActionYaml {
  name: string;
  description: string;
  author?: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml;

// GitHub's documented branding colours, and icons from the Feather set it accepts (a subset that holds ours).
const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
const BRANDING_ICONS = ['activity', 'alert-triangle', 'box', 'check-circle', 'check-square', 'cloud', 'code', 'cpu', 'eye', 'file-text', 'filter', 'layers', 'package', 'search', 'server', 'shield', 'zap'];
// Feather icons GitHub does not accept for actions.
const EXCLUDED_ICONS = ['coffee', 'columns', 'divide-circle', 'divide-square', 'divide', 'frown', 'hexagon', 'key', 'meh', 'mouse-pointer', 'smile', 'tool', 'x-octagon'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

function workspace(files: Record<string, string> = {}, withExamples = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-action-'));
  if (withExamples) cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Parse GITHUB_OUTPUT: `name<<DELIM\nvalue\nDELIM` blocks (and `name=value` lines). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`unterminated output ${name}`);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/** Run the committed bundle the way the runner does. */
function runAction(ws: string, inputs: Record<string, string> = {}): Run {
  const outputFile = join(ws, '..', `${ws.split('/').pop()}-output`);
  const summaryFile = join(ws, '..', `${ws.split('/').pop()}-summary`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('GITHUB_')) env[k] = v;
  delete env.NO_COLOR;
  for (const [name, spec] of Object.entries(action.inputs)) env[inputVariable(name)] = spec.default ?? '';
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'example/cluster',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    NO_COLOR: '1',
  });
  const r = spawnSync(process.execPath, [join(ROOT, action.runs.main)], { cwd: ws, env, encoding: 'utf8' });
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    workspace: ws,
  };
}

interface Annotation {
  level: string;
  props: Record<string, string>;
  message: string;
}

function annotations(stdout: string): Annotation[] {
  const unescapeData = (s: string) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  return stdout
    .split('\n')
    .map((l) => /^::(error|warning|notice) ([^:]*)::(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      level: m[1]!,
      props: Object.fromEntries(m[2]!.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), unescapeData(kv.slice(kv.indexOf('=') + 1))])),
      message: unescapeData(m[3]!),
    }));
}

interface CliFinding {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

function cliFindings(cwd: string, args: string[]): { findings: CliFinding[]; summary: { errors: number; warnings: number; infos: number } } {
  return JSON.parse(runCli(['--format', 'json', ...args], { cwd }).stdout);
}

describe('action.yml', () => {
  it('has the structure GitHub requires', () => {
    expect(typeof action.name).toBe('string');
    expect(action.name.length).toBeGreaterThan(0);
    expect(typeof action.description).toBe('string');
    expect(action.description.length).toBeGreaterThan(0);
    const allowedKeys = ['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding'];
    expect(Object.keys(action).filter((k) => !allowedKeys.includes(k))).toEqual([]);
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(name, 'input ids are lowercase').toMatch(/^[a-z_][a-z0-9_-]*$/);
      expect(typeof spec.description, `${name} has a description`).toBe('string');
      expect(spec.description.length).toBeGreaterThan(10);
      if (spec.default !== undefined) expect(typeof spec.default, `${name}: defaults are strings`).toBe('string');
    }
    for (const [name, spec] of Object.entries(action.outputs)) {
      expect(name).toMatch(/^[a-z_][a-z0-9_-]*$/);
      expect(spec.description.length).toBeGreaterThan(5);
    }
    // The current JavaScript action runtime.
    expect(action.runs.using).toBe('node24');
    expect(Object.keys(action.runs).sort()).toEqual(['main', 'using']);
    expect(statSync(join(ROOT, action.runs.main)).isFile()).toBe(true);
    expect(BRANDING_COLORS).toContain(action.branding.color);
    expect(BRANDING_ICONS).toContain(action.branding.icon);
    expect(EXCLUDED_ICONS).not.toContain(action.branding.icon);
    // The documented inputs and defaults of issue 6.
    expect(action.inputs.paths!.default).toBe('.');
    expect(action.inputs['sarif-file']!.default).toBe('daemonlint.sarif');
    expect(action.inputs.annotations!.default).toBe('true');
    expect(action.inputs.format!.default).toBe('text');
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['errors', 'warnings', 'sarif-file']));
  });

  it('declares exactly the inputs and outputs the code uses', () => {
    const src = readFileSync(join(ROOT, 'src/action/run.ts'), 'utf8');
    const used = [...src.matchAll(/get(?:Boolean|List)?Input\(env, '([^']+)'/g)].map((m) => m[1]).sort();
    expect(used).toEqual(Object.keys(action.inputs).sort());
    const set = [...src.matchAll(/setOutput\(env, '([^']+)'/g)].map((m) => m[1]).sort();
    expect(set).toEqual(Object.keys(action.outputs).sort());
  });

  it('runs a committed bundle that is up to date, self-contained and deterministic', () => {
    const check = spawnSync(process.execPath, [join(ROOT, 'scripts/build-action.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const bundle = readFileSync(join(ROOT, action.runs.main), 'utf8');
    // No imports but Node built-ins: the runner does not npm install. (Code that ajv generates as text is not an import,
    // nor is a JSDoc type such as `{import('./index.js').RE2JS}` in a library's comments.)
    const imports = [...bundle.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm), ...bundle.matchAll(/(?<!\{)\bimport\(\s*['"]([^'"]+)['"]\s*\)/g), ...bundle.matchAll(/(?<![\w.'"`])require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
    expect(imports.filter((s) => !s.startsWith('node:') && !/^(fs|path|url|os|util|crypto|module|events|stream|assert|buffer|process|tty|child_process|perf_hooks)$/.test(s))).toEqual([]);
    // Module paths are relative to the repository: the same sources give the same bundle wherever they are built.
    expect(bundle).not.toContain(ROOT);
    expect(bundle).not.toMatch(/^\/\/ \.\.\//m);
    // Small: minified (it was 5.6 MB with whitespace), and nothing the action does not run (no language server). The
    // CEL engine for custom and admission policies (with its RE2 and protobuf runtime) adds about 0.4 MB.
    expect(Buffer.byteLength(bundle)).toBeLessThan(4 * 1024 * 1024);
    expect(bundle).not.toMatch(/createConnection|TextDocumentSyncKind/);
  });
});

describe('the action on the examples', () => {
  it('annotates the exact lines, writes SARIF, a summary and outputs, and fails on errors', () => {
    const ws = workspace();
    const r = runAction(ws, { paths: 'examples' });
    expect(r.code).toBe(1);
    const cli = cliFindings(ws, ['examples']);
    expect(cli.findings.length).toBeGreaterThan(5);

    // One annotation per finding, on the CLI's exact range.
    const level = { error: 'error', warning: 'warning', info: 'notice' } as const;
    const got = annotations(r.stdout)
      .filter((a) => a.props.file)
      .map((a) => `${a.level} ${a.props.file}:${a.props.line}:${a.props.col}-${a.props.endLine}:${a.props.endColumn} ${a.props.title} ${a.message}`);
    const want = cli.findings.map((f) => `${level[f.severity]} ${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId} ${f.message}`);
    expect(got).toEqual(want);
    expect(got).toContainEqual(expect.stringMatching(/^error examples\/network-agent\.yaml:18:7-18:20 restart-policy /));
    // Each finding is in the log once (as its annotation; the text report adds only its summary line), and a final
    // error says why the step failed.
    expect(r.stdout).not.toContain('examples/network-agent.yaml\n');
    for (const f of cli.findings) expect(r.stdout.split(f.message).length - 1, f.message).toBe(cli.findings.filter((x) => x.message === f.message).length);
    expect(r.stdout).toMatch(new RegExp(`^✖ ${cli.findings.length} problems \\(.*\\) in \\d+ files, \\d+ objects; failed: \\d+ errors? at or above --fail-on error$`, 'm'));
    expect(r.stdout).toMatch(/^::error::daemonlint: failed: \d+ errors? at or above --fail-on error$/m);

    // Outputs, in the multi-line-safe format.
    expect(r.outputs).toEqual({
      errors: String(cli.summary.errors),
      warnings: String(cli.summary.warnings),
      infos: String(cli.summary.infos),
      'sarif-file': 'daemonlint.sarif',
    });

    // SARIF for upload-sarif: valid, paths relative to the workspace.
    const sarif = JSON.parse(readFileSync(join(ws, 'daemonlint.sarif'), 'utf8'));
    expect(validateSarif(sarif)).toEqual([]);
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[] }[];
    expect(results).toHaveLength(cli.findings.length);
    const rp = results.find((x) => x.ruleId === 'restart-policy')!;
    expect(rp.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'examples/network-agent.yaml', uriBaseId: '%SRCROOT%' });
    expect(rp.locations[0]!.physicalLocation.region.startLine).toBe(18);

    // The job summary: totals and one table row per finding, linking to the line.
    expect(r.summary).toMatch(/^## daemonlint/);
    expect(r.summary).toContain(`${cli.summary.errors} errors`);
    const rows = r.summary.split('\n').filter((l) => /^\| (🔴|🟡|🔵) /.test(l));
    expect(rows).toHaveLength(cli.findings.length);
    expect(r.summary).toContain(
      '[examples/network-agent.yaml:18:7](https://github.com/example/cluster/blob/0123456789abcdef0123456789abcdef01234567/examples/network-agent.yaml#L18)',
    );
  });

  it('passes on clean input, and honours fail-on, annotations, format and a custom SARIF path', () => {
    const warnOnly = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: "x:1"}]\n';
    const ws = workspace({ 'deploy/pod.yaml': warnOnly, 'deploy/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n' }, false);
    const pass = runAction(ws, { paths: 'deploy' });
    expect(pass.code).toBe(0);
    expect(Number(pass.outputs.warnings)).toBeGreaterThan(0);
    expect(pass.outputs.errors).toBe('0');
    expect(annotations(pass.stdout).map((a) => a.level)).toContain('warning');

    const strict = runAction(ws, { paths: 'deploy', 'fail-on': 'warning' });
    expect(strict.code).toBe(1);
    expect(strict.summary).toContain('❌');

    const quiet = runAction(ws, { paths: 'deploy\n', 'fail-on': 'warning', annotations: 'false', format: 'json', 'sarif-file': 'reports/lint.sarif' });
    expect(quiet.code).toBe(1);
    expect(annotations(quiet.stdout).filter((a) => a.props.file)).toEqual([]);
    const json = JSON.parse(quiet.stdout.slice(0, quiet.stdout.lastIndexOf('}\n') + 2));
    expect(json.summary.warnings).toBeGreaterThan(0);
    expect(existsSync(join(ws, 'reports/lint.sarif'))).toBe(true);
    expect(quiet.outputs['sarif-file']).toBe('reports/lint.sarif');

    const never = runAction(workspace(), { paths: 'examples', 'fail-on': 'none' });
    expect(never.code).toBe(0);
    expect(Number(never.outputs.errors)).toBeGreaterThan(0);
  });

  it('a manifest value or file name cannot inject workflow commands or terminal escapes into the log (issue 20)', () => {
    const name = JSON.stringify('ds\n::error file=x,line=1::fake\n::stop-commands::tok\u001b]0;t\u0007\u001b[2J');
    const ds = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ${name}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      hostPID: true\n      containers: [{name: a, image: "a:1"}]\n`;
    const ws = workspace({ 'deploy/ds.yaml': ds, '::warning::x.yaml': ds }, false);
    const r = runAction(ws, { paths: '.' });
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(commands.length).toBeGreaterThan(0);
    // Only the action's own annotations and its final error: one per finding, none forged.
    for (const l of commands) expect(l).toMatch(/^::(?:error|warning|notice) file=[^:,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z-]+::|^::error::daemonlint found /);
    expect(r.summary).not.toMatch(/\u001b/);
  });

  it('honours config discovery and the config input the way the CLI does', () => {
    const ws = workspace({ '.daemonlint.yaml': 'failOn: warning\nrules:\n  host-pid: warning\n', 'deploy/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: "x:1"}]\n' }, false);
    // The discovered config's failOn applies when the fail-on input is left at its default.
    const discovered = runAction(ws, { paths: 'deploy' });
    expect(discovered.code).toBe(1);
    // The input wins over the config.
    expect(runAction(ws, { paths: 'deploy', 'fail-on': 'error' }).code).toBe(0);
    // An explicit config file, as with --config.
    writeFileSync(join(ws, 'ci.yaml'), 'rules:\n  host-pid: "off"\n  host-network: "off"\n');
    const custom = runAction(ws, { paths: 'deploy', config: 'ci.yaml' });
    expect(annotations(custom.stdout).filter((a) => a.props.title === 'host-pid')).toEqual([]);
    expect(custom.code).toBe(0);
    // Same findings as the CLI with the same config.
    const cli = cliFindings(ws, ['--config', 'ci.yaml', 'deploy']);
    expect(custom.outputs.warnings).toBe(String(cli.summary.warnings));
  });

  it('checks the policies input (admission policies) and custom policies of the config, without help links for them', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  hostPID: true\n  containers: [{name: c, image: "x:1"}]\n';
    const vap = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-host-pid.example.com}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
  validations:
    - expression: "!has(object.spec.hostPID) || !object.spec.hostPID"
      message: no hostPID
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-host-pid-binding}
spec:
  policyName: no-host-pid.example.com
  validationActions: [Deny]
`;
    const config = 'policies:\n  - {id: pinned-images, description: Images are pinned., kinds: [Pod], expression: "object.spec.containers.all(c, c.image.contains(\'@sha256:\'))", message: pin images by digest}\n';
    const ws = workspace({ '.daemonlint.yaml': config, 'deploy/pod.yaml': pod, 'cluster/policy.yaml': vap }, false);
    const r = runAction(ws, { paths: 'deploy', policies: 'cluster/policy.yaml' });
    expect(r.code).toBe(1);
    const titles = annotations(r.stdout).map((a) => `${a.props.title}:${a.props.line}`);
    expect(titles).toEqual(expect.arrayContaining(['admission-policy:5', 'pinned-images:6']));
    const rows = r.summary.split('\n').filter((l) => l.includes('pinned-images') || l.includes('admission-policy'));
    // A custom policy is never linked; a built-in rule is where package.json says where the project is.
    expect(rows.find((l) => l.includes('pinned-images'))).toMatch(/\| `pinned-images` \|/);
    expect(rows.find((l) => l.includes('admission-policy'))).toMatch(LINKS ? /\[admission-policy\]\(/ : /\| `admission-policy` \|/);
    const sarif = JSON.parse(readFileSync(join(ws, 'daemonlint.sarif'), 'utf8'));
    expect(sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain('pinned-images');
  });

  it('reports bad inputs and unreadable paths as errors with exit status 2', () => {
    const ws = workspace({}, true);
    const bad = runAction(ws, { 'fail-on': 'fatal' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/^::error::daemonlint: input "fail-on" must be one of error, warning, info, none/m);
    const badBool = runAction(ws, { annotations: 'yes' });
    expect(badBool.code).toBe(2);
    expect(badBool.stdout).toContain('input "annotations" must be true or false');
    const missing = runAction(ws, { paths: 'examples nope.yaml' });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/^::error::daemonlint: nope\.yaml: no such file or directory/m);
    expect(missing.stderr).toBe('');
    // A folder without any Kubernetes object is a mistake, unless allow-empty says it is not.
    const empty = workspace({ 'docs/notes.yaml': 'title: notes\n' });
    const none = runAction(empty, { paths: 'docs' });
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/^::error::daemonlint: no Kubernetes objects found in docs/m);
    expect(runAction(empty, { paths: 'docs', 'allow-empty': 'true' }).code).toBe(0);
  });
});

describe('action protocol and summary', () => {
  it('names input variables as the runner does', () => {
    expect(inputVariable('fail-on')).toBe('INPUT_FAIL-ON');
    expect(inputVariable('sarif-file')).toBe('INPUT_SARIF-FILE');
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT');
  });

  it('writes outputs that survive newlines and delimiter look-alikes', () => {
    const value = 'line 1\nEOF\nghadelimiter_x\nline 4';
    expect(parseOutputs(fileCommand('report', value))).toEqual({ report: value });
  });

  it('escapes pipes, newlines and HTML in summary cells', () => {
    expect(escapeCell('a | b\nc <b>d</b> `e`')).toBe('a \\| b<br>c &lt;b&gt;d&lt;/b&gt; \\`e\\`');
    const f: Finding = { ruleId: 'x', severity: 'error', message: 'broken | table\nrow', file: 'a|b.yaml', line: 3, column: 1, endLine: 3, endColumn: 2, path: '' };
    const md = markdownSummary([f], { files: 1, objects: 1, failOn: 'error', failed: true });
    const row = md.split('\n').find((l) => l.startsWith('| 🔴'))!;
    // No repository in package.json: the rule id is plain text, not a link to a page that does not exist.
    expect(row).toBe('| 🔴 error | a\\|b.yaml:3:1 | `x` | broken \\| table<br>row |');
    // Every row has exactly the table's four columns (unescaped pipes only as separators).
    expect(row.replace(/\\\|/g, '').split('|').length - 2).toBe(4);
  });
});
