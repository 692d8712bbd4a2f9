/**
 * The CLI's `main(argv, io)` from the sources, in this process: every command and option, what it prints, writes and
 * returns. test/cli.test.ts runs the same CLI as users do (the built bundle in a child process); these tests keep the
 * command-line code itself in the coverage measurement and run in milliseconds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli.js';
import { BAD_DAEMONSET as BAD, BAD_DAEMONSET_HOST_PID, GOOD_SERVICE as GOOD, removeWorkdirs, workdir } from './helpers/manifests.js';
import { validateSarif } from './helpers/sarif.js';

afterAll(removeWorkdirs);

const NODES = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Node
    metadata: {name: worker-1, labels: {kubernetes.io/hostname: worker-1}}
  - apiVersion: v1
    kind: Node
    metadata: {name: cp-1, labels: {node-role.kubernetes.io/control-plane: ""}}
    spec:
      taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
`;

describe('main: commands', () => {
  it('prints help and the version, lists the rules and explains one', async () => {
    const help = await runMain(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^daemonlint \d+\.\d+\.\d+ — lint Kubernetes manifests/);
    expect(help.stdout).toContain('--fix-dry-run');
    const version = await runMain(['-v']);
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).version}\n`);

    const rules = await runMain(['rules']);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toMatch(/^restart-policy +error +\S/m);
    expect(rules.stdout).toMatch(/^host-pid +warning +\S/m);
    const explain = await runMain(['explain', 'restart-policy']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^# restart-policy\n\nDefault severity: error\. Applies to: [^\n]*DaemonSet[^\n]*\. Fixable\.\n/);
    expect(explain.stdout).toContain('\n## Why\n');
    expect(explain.stdout).toContain('\n## How to fix\n');
  });

  it('explain without a rule, or with an unknown one, is a usage error that suggests near ids', async () => {
    expect(await runMain(['explain'])).toEqual({ code: 2, stdout: '', stderr: 'daemonlint: explain needs a rule id: daemonlint explain RULE (see daemonlint rules)\n' });
    const near = await runMain(['explain', 'host-p']);
    expect(near.code).toBe(2);
    expect(near.stderr).toMatch(/^daemonlint: unknown rule "host-p"; did you mean host-pid, host-port, host-port-conflict, sensitive-host-path, surge-host-port\? \(see daemonlint rules\)\n$/);
  });

  it('lsp with an unknown option is one line and exit 2 (the server never starts)', async () => {
    expect(await runMain(['lsp', '--tcp'])).toEqual({ code: 2, stdout: '', stderr: 'daemonlint: unknown option --tcp for daemonlint lsp (see daemonlint lsp --help)\n' });
  });
});

describe('main: linting', () => {
  it('reports in text, json, sarif and github with the exit code of the worst finding', async () => {
    const dir = workdir({ 'bad.yaml': BAD, 'good.yaml': GOOD });
    const text = await runMain(['bad.yaml', 'good.yaml'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^bad\.yaml\n\s+12:7\s+error\s+restartPolicy "Never" is not allowed in a DaemonSet template/);
    expect(text.stdout).toMatch(/\n✖ 2 problems \(1 error, 0 warnings, 1 info\) in 2 files, 2 objects; failed: 1 error at or above --fail-on error\n$/);
    expect(text.stdout).not.toContain('\u001b[');

    const json = JSON.parse((await runMain(['-f', 'json', 'bad.yaml'], { cwd: dir })).stdout);
    expect(json.findings).toHaveLength(1);
    expect(json.findings[0]).toMatchObject({ ruleId: 'restart-policy', severity: 'error', file: 'bad.yaml', line: 12, column: 7, endLine: 12, endColumn: 20 });
    expect(json.summary).toMatchObject({ files: 1, objects: 1, errors: 1, warnings: 0 });

    const sarif = JSON.parse((await runMain(['-f', 'sarif', 'bad.yaml'], { cwd: dir })).stdout);
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'bad.yaml' }, region: { startLine: 12, startColumn: 7 } });

    const github = await runMain(['-f', 'github', 'bad.yaml'], { cwd: dir });
    expect(github.stdout).toMatch(/^::error file=bad\.yaml,line=12,col=7,endLine=12,endColumn=20,title=restart-policy::restartPolicy "Never"/);

    expect(await runMain(['good.yaml'], { cwd: dir })).toMatchObject({ code: 0, stderr: '' });
  });

  it('--fail-on, --quiet, --color and NO_COLOR', async () => {
    const dir = workdir({ 'agent.yaml': BAD_DAEMONSET_HOST_PID, 'pid.yaml': BAD_DAEMONSET_HOST_PID.replace('      restartPolicy: Never\n', '') });
    expect((await runMain(['pid.yaml'], { cwd: dir })).code).toBe(0);
    expect((await runMain(['--fail-on', 'warning', 'pid.yaml'], { cwd: dir })).code).toBe(1);
    expect((await runMain(['--fail-on', 'info', 'pid.yaml'], { cwd: dir })).code).toBe(1);
    const all = await runMain(['agent.yaml'], { cwd: dir });
    expect(all.stdout).toContain('host-pid');
    const quiet = await runMain(['--quiet', 'agent.yaml'], { cwd: dir });
    expect(quiet.stdout).not.toContain('host-pid');
    expect(quiet.stdout).toContain('restart-policy');
    expect((await runMain(['--color', 'agent.yaml'], { cwd: dir })).stdout).toContain('\u001b[');
    expect((await runMain(['--color', 'agent.yaml'], { cwd: dir, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await runMain(['--color', '--no-color', 'agent.yaml'], { cwd: dir })).stdout).not.toContain('\u001b[');
  });

  it('--output writes the report (relative to the working directory) and nothing to stdout; an unwritable one is exit 2', async () => {
    const dir = workdir({ 'bad.yaml': BAD });
    const r = await runMain(['-f', 'json', '-o', 'out/report.json', 'bad.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('daemonlint: cannot write out/report.json: no such file or directory\n');
    const ok = await runMain(['--color', '-f', 'text', '-o', 'report.txt', 'bad.yaml'], { cwd: dir });
    expect(ok).toMatchObject({ code: 1, stdout: '', stderr: '' });
    const written = readFileSync(join(dir, 'report.txt'), 'utf8');
    expect(written).toContain('restart-policy');
    expect(written).not.toContain('\u001b['); // A file never gets colours.
  });

  it('reads stdin with -, named by --stdin-filename (which implies -)', async () => {
    const r = await runMain(['-f', 'json', '--stdin-filename', 'deploy/agent.yaml'], { input: BAD });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ file: 'deploy/agent.yaml', line: 12 });
    const anon = await runMain(['-f', 'json', '-'], { input: GOOD });
    expect(JSON.parse(anon.stdout).summary).toMatchObject({ files: 1, objects: 1, errors: 0 });
  });

  it('usage errors are one line and exit 2; --debug adds the stack', async () => {
    const cases: [string[], string][] = [
      [['--format', 'xml', '.'], '--format must be one of text, json, sarif, github (got "xml")'],
      [['--fail-on', 'fatal', '.'], '--fail-on must be one of error, warning, info, none (got "fatal")'],
      [['--config', 'a.yaml', '--no-config', '.'], '--config and --no-config cannot be used together'],
      [['--fix', '--fix-dry-run', '.'], '--fix and --fix-dry-run cannot be used together'],
      [['--write-baseline', 'b.json', '--baseline', 'b.json', '.'], '--write-baseline records every current finding; drop --baseline'],
      [['--timeout', '0', '.'], '--timeout must be a number of seconds above 0 (got "0")'],
      [['--timeout', '1e3', '.'], '--timeout must be a number of seconds above 0 (got "1e3")'],
      [['--kube-version', '1.99', '.'], ''],
      [['--bogus'], ''],
      [['no-such-file.yaml'], ''],
    ];
    const dir = workdir({ 'good.yaml': GOOD });
    for (const [args, message] of cases) {
      const r = await runMain(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(/^daemonlint: [^\n]+\n$/);
      if (message) expect(r.stderr).toBe(`daemonlint: ${message}\n`);
    }
    const debug = await runMain(['--debug', '--format', 'xml', '.'], { cwd: dir });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^daemonlint: --format must be one of [^\n]+\n\w*Error: [^\n]+\n\s+at /);
  });

  it('a generous --timeout lints everything', async () => {
    const dir = workdir({ 'bad.yaml': BAD });
    expect((await runMain(['--timeout', '120', 'bad.yaml'], { cwd: dir })).code).toBe(1);
  });
});

describe('main: fixes and baselines', () => {
  it('--fix-dry-run prints a diff and writes nothing; --fix rewrites the file', async () => {
    const dir = workdir({ 'bad.yaml': BAD });
    const dry = await runMain(['--fix-dry-run', 'bad.yaml'], { cwd: dir });
    // Nothing was written: the error is still in the file, so the run fails like a lint run.
    expect(dry.code).toBe(1);
    expect(dry.stdout).toBe(
      '--- a/bad.yaml\n+++ b/bad.yaml\n@@ -9,7 +9,7 @@\n     metadata:\n       labels: {app: agent}\n     spec:\n-      restartPolicy: Never\n+      restartPolicy: Always\n       containers:\n         - name: agent\n           image: example/agent:1.0\n',
    );
    expect(dry.stderr).toBe('daemonlint: 1 fix would change 1 file; failed: 1 error at or above --fail-on error\n');
    expect(readFileSync(join(dir, 'bad.yaml'), 'utf8')).toBe(BAD);

    const fix = await runMain(['--fix', 'bad.yaml'], { cwd: dir });
    expect(fix.code).toBe(0);
    expect(fix.stdout).toContain('no problems');
    expect(readFileSync(join(dir, 'bad.yaml'), 'utf8')).toBe(BAD.replace('restartPolicy: Never', 'restartPolicy: Always'));
  });

  it('--fix on stdin prints the fixed text and sends the report to stderr', async () => {
    const r = await runMain(['--fix', '-f', 'json', '-'], { input: BAD_DAEMONSET_HOST_PID });
    expect(r.stdout).toBe(BAD_DAEMONSET_HOST_PID.replace('restartPolicy: Never', 'restartPolicy: Always'));
    const report = JSON.parse(r.stderr);
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['host-pid']);
    expect(r.code).toBe(0);
  });

  it('--write-baseline records the findings; --baseline then hides them', async () => {
    const dir = workdir({ 'agent.yaml': BAD_DAEMONSET_HOST_PID, '.git/HEAD': '' });
    const w = await runMain(['--write-baseline', 'base.json', '.'], { cwd: dir });
    expect(w).toEqual({ code: 0, stdout: '', stderr: 'daemonlint: recorded 2 findings in base.json; lint with --baseline base.json to see only new ones\n' });
    expect(JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')).findings).toHaveLength(2);
    const r = await runMain(['-f', 'json', '--baseline', 'base.json', '.'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [], summary: { suppressed: 2 } });
    const unwritable = await runMain(['--write-baseline', 'no/such/dir/base.json', '.'], { cwd: dir });
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toBe('daemonlint: cannot write no/such/dir/base.json: no such file or directory\n');
  });
});

describe('main: node coverage', () => {
  it('names the nodes a DaemonSet skips, as text, json and html', async () => {
    const tolerant = BAD.replace('      restartPolicy: Never\n', '      tolerations: [{operator: Exists}]\n');
    const dir = workdir({ 'nodes.yaml': NODES, 'agent.yaml': BAD.replace('      restartPolicy: Never\n', ''), 'everywhere.yaml': tolerant.replace('name: agent', 'name: everywhere') });
    const text = await runMain(['coverage', '--nodes', 'nodes.yaml', 'agent.yaml', 'everywhere.yaml'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    // Totals next to the names, then one column per group (here one node each, sorted by name).
    expect(text.stdout).toMatch(/^DaemonSet\s+runs on\s+cp-1\s+worker-1$/m);
    expect(text.stdout).toMatch(/default\/agent\s+1\/2\s+no\s+yes/);
    expect(text.stdout).toMatch(/default\/everywhere\s+2\/2\s+yes\s+yes/);
    expect(text.stdout).toContain('    cp-1: taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated\n');

    const json = JSON.parse((await runMain(['coverage', '-f', 'json', '--by', 'node', '--nodes', 'nodes.yaml', 'agent.yaml'], { cwd: dir })).stdout);
    expect(json.inventory).toBe(true);
    expect(json.nodes).toBe(2);
    expect(json.groups.map((g: { name: string }) => g.name)).toEqual(['worker-1', 'cp-1']); // --by node: in inventory order.
    expect(json.daemonSets[0]).toMatchObject({ namespace: 'default', name: 'agent', file: 'agent.yaml', line: 4, runsOn: 1 });

    const html = await runMain(['coverage', '-f', 'html', '-o', 'coverage.html', 'agent.yaml'], { cwd: dir });
    expect(html).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'coverage.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);

    const badFormat = await runMain(['coverage', '-f', 'sarif', 'agent.yaml'], { cwd: dir });
    expect(badFormat).toEqual({ code: 2, stdout: '', stderr: 'daemonlint: --format must be one of text, json, html (got "sarif")\n' });
    const missing = await runMain(['coverage', 'agent.yaml', 'missing.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^daemonlint: [^\n]*missing\.yaml[^\n]*\n$/);
    expect(existsSync(join(dir, 'daemonlint.sarif'))).toBe(false);
  });

  it('uses an inventory for the lint rules too', async () => {
    const svc = `apiVersion: v1\nkind: Service\nmetadata: {name: agent}\nspec:\n  selector: {app: agent}\n  internalTrafficPolicy: Local\n  ports: [{port: 80}]\n`;
    const dir = workdir({ 'nodes.yaml': NODES, 'agent.yaml': `${BAD.replace('      restartPolicy: Never\n', '')}---\n${svc}` });
    const r = await runMain(['-f', 'json', '--nodes', 'nodes.yaml', 'agent.yaml'], { cwd: dir });
    const gap = JSON.parse(r.stdout).findings.find((f: { ruleId: string }) => f.ruleId === 'local-traffic-gap');
    expect(gap.message).toMatch(/^Connections from cp-1 to Service agent are dropped: DaemonSet agent does not run there \(taint node-role\.kubernetes\.io\/control-plane:NoSchedule not tolerated\)/);
    const notAnInventory = await runMain(['--nodes', 'agent.yaml', 'agent.yaml'], { cwd: dir });
    expect(notAnInventory.code).toBe(2);
    expect(notAnInventory.stderr).toMatch(/^daemonlint: [^\n]*agent\.yaml[^\n]*\n$/);
  });
});
