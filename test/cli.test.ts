import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.js';
import { validateSarif } from './helpers/sarif.js';
import { BAD_DAEMONSET as BAD, GOOD_SERVICE as GOOD, removeWorkdirs, workdir } from './helpers/manifests.js';

const BROKEN = `apiVersion: v1
kind: ConfigMap
metadata:
  name: [unclosed
data: {}
`;


afterAll(removeWorkdirs);

describe('daemonlint CLI', () => {
  it('prints version and help', () => {
    const v = runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const h = runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--fail-on');
  });

  it('lints the bundled examples with real findings (exit 1)', () => {
    const r = runCli(['examples/']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('examples/network-agent.yaml');
    expect(r.stdout).toMatch(/18:7\s+error\s+restartPolicy "OnFailure"/);
    expect(r.stderr).toBe('');
  });

  it('exits 0 on clean input and 1 on an error finding', () => {
    const dir = workdir({ 'good.yaml': GOOD, 'bad.yaml': BAD });
    expect(runCli(['good.yaml'], { cwd: dir }).code).toBe(0);
    const r = runCli(['bad.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/bad\.yaml\n\s+12:7\s+error/);
  });

  it('lints the current directory when no path is given, recursively, skipping node_modules and .git', () => {
    const dir = workdir({ 'a/b/bad.yml': BAD, 'node_modules/x/bad.yaml': BAD, '.git/bad.yaml': BAD, 'notes.txt': BAD });
    const r = runCli(['--format', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect([...new Set(out.findings.map((f: { file: string }) => f.file))]).toEqual(['a/b/bad.yml']);
    expect(out.summary.files).toBe(1);
    // Each finding names the message template it was worded from.
    const rp = out.findings.find((f: { ruleId: string }) => f.ruleId === 'restart-policy');
    expect(rp).toMatchObject({ messageId: 'restartPolicy', message: expect.stringMatching(/^restartPolicy "Never" is not allowed/) });
  });

  it('expands glob patterns', () => {
    const dir = workdir({ 'm/one.yaml': BAD, 'm/two.yaml': GOOD, 'other/three.yaml': BAD });
    const r = runCli(['--format', 'json', 'm/*.yaml'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.summary.files).toBe(2);
    expect(out.findings.some((f: { file: string }) => f.file === 'm/one.yaml')).toBe(true);
    expect(out.findings.every((f: { file: string }) => f.file.startsWith('m/'))).toBe(true);
  });

  it('reads stdin with -, named by --stdin-filename', () => {
    const r = runCli(['--stdin-filename', 'deploy/agent.yaml', '-'], { input: BAD });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('deploy/agent.yaml');
    const anon = runCli(['-'], { input: GOOD });
    expect(anon.code).toBe(0);
    const empty = runCli(['-'], { input: '' });
    expect(empty.code).toBe(0);
  });

  it('keeps linting other documents and files after a broken YAML file', () => {
    const dir = workdir({ '1-broken.yaml': BROKEN + '---\n' + BAD, '2-bad.yaml': BAD, '3-good.yaml': GOOD });
    const r = runCli(['--format', 'json', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    const keys = out.findings.map((f: { file: string; line: number; ruleId: string }) => `${f.file}:${f.line}:${f.ruleId}`);
    expect(keys).toContain('1-broken.yaml:5:yaml-syntax');
    expect(keys).toContain('1-broken.yaml:18:restart-policy');
    expect(keys).toContain('2-bad.yaml:12:restart-policy');
  });

  it('writes json with every finding field and a summary', () => {
    const dir = workdir({ 'bad.yaml': BAD });
    const out = JSON.parse(runCli(['-f', 'json', 'bad.yaml'], { cwd: dir }).stdout);
    expect(out.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(out.summary).toMatchObject({ files: 1, objects: 1, errors: 1 });
    const f = out.findings.find((x: { ruleId: string }) => x.ruleId === 'restart-policy');
    expect(f).toMatchObject({
      severity: 'error',
      file: 'bad.yaml',
      line: 12,
      column: 7,
      endLine: 12,
      endColumn: 20,
      path: 'spec.template.spec.restartPolicy',
      object: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent' },
    });
  });

  it('writes valid SARIF 2.1.0 with rules, regions and fingerprints', () => {
    const dir = workdir({ 'bad.yaml': BAD });
    const r = runCli(['-f', 'sarif', 'bad.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toEqual([]);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('daemonlint');
    expect(run.tool.driver.rules.length).toBeGreaterThan(5);
    const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'restart-policy');
    expect(run.tool.driver.rules[res.ruleIndex].id).toBe('restart-policy');
    // Each rule's help is its document, found beside the built CLI whatever the working directory.
    const descriptor = run.tool.driver.rules[res.ruleIndex];
    expect(descriptor.help.markdown).toBe(readFileSync(join(ROOT, 'docs/rules/restart-policy.md'), 'utf8'));
    expect(descriptor.fullDescription.text).toMatch(/^Controllers that keep Pods running only accept `restartPolicy: Always`.* Remove `restartPolicy`/);
    expect(res.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'bad.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 12, startColumn: 7 },
    });
    expect(Object.values(res.partialFingerprints)[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes GitHub workflow annotations', () => {
    const dir = workdir({ 'bad.yaml': BAD });
    const r = runCli(['-f', 'github', 'bad.yaml'], { cwd: dir });
    expect(r.stdout).toMatch(/^::error file=bad\.yaml,line=12,col=7,endLine=12,endColumn=20,title=restart-policy::restartPolicy/m);
  });

  it('honours --fail-on, --quiet and --output', () => {
    const warnOnly = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostPID: true
  containers: [{name: c, image: "x:1"}]
`;
    const dir = workdir({ 'w.yaml': warnOnly });
    expect(runCli(['w.yaml'], { cwd: dir }).code).toBe(0);
    expect(runCli(['--fail-on', 'warning', 'w.yaml'], { cwd: dir }).code).toBe(1);
    const quiet = runCli(['--quiet', 'w.yaml'], { cwd: dir });
    expect(quiet.stdout).not.toContain('host-pid');
    const o = runCli(['-o', 'report.json', '-f', 'json', 'w.yaml'], { cwd: dir });
    expect(o.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).summary.warnings).toBeGreaterThan(0);
  });

  it('colours only when asked or on a terminal, never with NO_COLOR or --no-color', () => {
    const dir = workdir({ 'bad.yaml': BAD });
    expect(runCli(['bad.yaml'], { cwd: dir }).stdout).not.toContain('\u001b[');
    expect(runCli(['--color', 'bad.yaml'], { cwd: dir }).stdout).toContain('\u001b[');
    expect(runCli(['--color', 'bad.yaml'], { cwd: dir, env: { NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
    expect(runCli(['--color', '--no-color', 'bad.yaml'], { cwd: dir }).stdout).not.toContain('\u001b[');
  });

  it('reports usage errors and missing paths in one line with exit 2', () => {
    for (const args of [['--format', 'xml', '.'], ['--fail-on', 'fatal'], ['--bogus'], ['does-not-exist.yaml'], ['explain', 'no-such-rule'], ['--kube-version', '1.99']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^daemonlint: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('lists rules and explains one', () => {
    const r = runCli(['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^restart-policy\s+error\s+/m);
    const e = runCli(['explain', 'restart-policy'], { cwd: workdir({}) });
    expect(e.code).toBe(0);
    expect(e.stdout).toContain('# restart-policy');
    expect(e.stdout).toContain('Default severity: error');
    // The rest is docs/rules/restart-policy.md under its title.
    const doc = readFileSync(join(ROOT, 'docs/rules/restart-policy.md'), 'utf8');
    expect(e.stdout.endsWith(doc.replace(/^# restart-policy\n\n/, ''))).toBe(true);
    expect(e.stdout).toContain('### Invalid');
  });

  it('never writes files except --output', () => {
    const dir = workdir({ 'bad.yaml': BAD });
    runCli(['-f', 'sarif', 'bad.yaml'], { cwd: dir });
    expect(existsSync(join(dir, 'daemonlint.sarif'))).toBe(false);
  });

  it('names the uncovered nodes with --nodes and prints a coverage table', () => {
    const r = runCli(['-f', 'json', '--nodes', 'examples/cluster/nodes.yaml', 'examples/']);
    const gap = JSON.parse(r.stdout).findings.find((f: { ruleId: string }) => f.ruleId === 'local-traffic-gap');
    expect(gap.message).toMatch(/^Connections from cp-1, gpu-1 to Service logging\/log-agent are dropped/);
    expect(gap.message).not.toContain('worker-1');
    const cov = runCli(['coverage', '--nodes', 'examples/cluster/nodes.yaml', 'examples/']);
    expect(cov.code).toBe(0);
    // By pool: the two logging workers are one column; the totals follow the names.
    expect(cov.stdout).toMatch(/logging\/log-agent\s+2\/4\s+no\s+yes\s+no\n/);
    const byNode = runCli(['coverage', '--by', 'node', '--nodes', 'examples/cluster/nodes.yaml', 'examples/']);
    expect(byNode.stdout).toMatch(/logging\/log-agent\s+2\/4\s+no\s+yes\s+yes\s+no\n/);
    const html = runCli(['coverage', '-f', 'html', 'examples/']);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/i);
  });

  it('rejects an invalid node inventory in one line with exit 2', () => {
    const r = runCli(['--nodes', 'examples/network-agent.yaml', 'examples/']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('examples/network-agent.yaml');
  });

  it('escapes #, ? and % in SARIF artifact URIs', () => {
    const dir = workdir({ 'odd dir/a#b?%.yaml': BAD });
    const log = JSON.parse(runCli(['-f', 'sarif', '.'], { cwd: dir }).stdout);
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('odd%20dir/a%23b%3F%25.yaml');
  });
});
