/**
 * The GitHub Action's `runAction(io)` from the sources, in this process: inputs, report, annotations, SARIF file,
 * job summary, outputs and exit code. test/action.test.ts runs the committed bundle as the runner does; these tests
 * keep the action's own code in the coverage measurement.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAction } from '../src/action/run.js';
import { BAD_DAEMONSET_HOST_PID as AGENT, GOOD_SERVICE as GOOD, removeWorkdirs, workdir } from './helpers/manifests.js';
import { validateSarif } from './helpers/sarif.js';

afterAll(removeWorkdirs);

interface Result {
  code: number;
  stdout: string;
  outputs: string;
  summary: string;
}

async function run(files: Record<string, string>, inputs: Record<string, string>, runner = true): Promise<Result & { ws: string }> {
  const ws = workdir(files);
  const state = workdir({ output: '', summary: '' });
  const env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: ws, NO_COLOR: '1' };
  if (runner) Object.assign(env, { GITHUB_OUTPUT: join(state, 'output'), GITHUB_STEP_SUMMARY: join(state, 'summary') });
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  let stdout = '';
  const code = await runAction({ env, cwd: '/', stdout: (s) => void (stdout += s) });
  return { code, stdout, ws, outputs: readFileSync(join(state, 'output'), 'utf8'), summary: readFileSync(join(state, 'summary'), 'utf8') };
}

/** GITHUB_OUTPUT blocks as name → value. */
function outputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)) out[m[1]!] = m[3]!;
  return out;
}

describe('runAction', () => {
  it('annotates the exact lines, writes SARIF, the summary and the outputs, and fails on an error', async () => {
    const r = await run({ 'deploy/agent.yaml': AGENT, 'deploy/svc.yaml': GOOD }, { paths: 'deploy', format: 'text' });
    expect(r.code).toBe(1);
    // The findings are in the log once, as annotations; the text report adds its summary line.
    expect(r.stdout).not.toMatch(/^deploy\/agent\.yaml$/m);
    // svc.yaml selects Pods no linted workload has: an info (they may come from elsewhere), a notice annotation.
    expect(r.stdout).toMatch(/^✖ 3 problems \(1 error, 1 warning, 1 info\) in 2 files, 2 objects; failed: 1 error at or above --fail-on error$/m);
    expect(r.stdout).toMatch(/^::notice file=deploy\/svc\.yaml,line=6,col=3,[^:]*title=service-selects-nothing::/m);
    expect(r.stdout).toMatch(/^::error file=deploy\/agent\.yaml,line=13,col=7,endLine=13,endColumn=20,title=restart-policy::restartPolicy "Never"/m);
    expect(r.stdout).toMatch(/^::warning file=deploy\/agent\.yaml,line=12,col=7,[^:]*title=host-pid::/m);
    expect(r.stdout).toMatch(/^::error::daemonlint: failed: 1 error at or above --fail-on error$/m);
    expect(outputs(r.outputs)).toMatchObject({ errors: '1', 'sarif-file': 'daemonlint.sarif' });
    expect(Number(outputs(r.outputs).warnings)).toBeGreaterThanOrEqual(1);
    const sarif = JSON.parse(readFileSync(join(r.ws, 'daemonlint.sarif'), 'utf8'));
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(expect.arrayContaining(['host-pid', 'restart-policy']));
    expect(r.summary).toContain('restart-policy');
    expect(r.summary).toContain('deploy/agent.yaml');
  });

  it('fail-on none passes; annotations off and the json format print only the report', async () => {
    const r = await run({ 'agent.yaml': AGENT }, { 'fail-on': 'none', annotations: 'false', format: 'json', 'sarif-file': 'out/report.sarif' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^::(error|warning) file=/m);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['host-pid', 'restart-policy']);
    expect(outputs(r.outputs)['sarif-file']).toBe('out/report.sarif');
    expect(validateSarif(JSON.parse(readFileSync(join(r.ws, 'out/report.sarif'), 'utf8')))).toEqual([]);
  });

  it('fail-on from the config file, unless the input says otherwise', async () => {
    const files = { '.git/HEAD': '', '.daemonlint.yaml': 'failOn: warning\nrules: {restart-policy: off}\n', 'agent.yaml': AGENT };
    expect((await run(files, { format: 'none' })).code).toBe(1);
    expect((await run(files, { format: 'none', 'fail-on': 'error' })).code).toBe(0);
  });

  it('a bad input or a missing path is an error command and exit 2', async () => {
    const bad = await run({ 'agent.yaml': AGENT }, { 'fail-on': 'fatal' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('::error::daemonlint: input "fail-on" must be one of error, warning, info, none (got "fatal")\n');
    const flag = await run({ 'agent.yaml': AGENT }, { annotations: 'yes' });
    expect(flag.stdout).toBe('::error::daemonlint: input "annotations" must be true or false (got "yes")\n');
    const missing = await run({ 'agent.yaml': AGENT }, { paths: 'agent.yaml nowhere/', format: 'none' });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/^::error::daemonlint: [^\n]*nowhere[^\n]*\n$/);
    expect(missing.summary).toBe(''); // Stopped before linting: no summary of a run that did not happen.
  });

  it('outside a runner the outputs are legacy set-output commands', async () => {
    const r = await run({ 'svc.yaml': GOOD }, { format: 'github' }, false);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('::set-output name=errors::0\n');
    expect(r.stdout).toContain('::set-output name=sarif-file::daemonlint.sarif\n');
    expect(r.outputs).toBe('');
  });

  it('paths: one per line, so a path may hold spaces; one line is split at spaces', async () => {
    const files = { 'my charts/rendered/agent.yaml': AGENT, 'other dir/svc.yaml': GOOD, 'plain/agent.yaml': AGENT };
    const lines = await run(files, { paths: 'my charts/rendered\nother dir/svc.yaml\n', format: 'json', annotations: 'false' });
    expect(lines.code).toBe(1);
    expect(JSON.parse(lines.stdout.slice(0, lines.stdout.indexOf('\n}\n') + 2)).summary.files).toBe(2);
    // A YAML block with a single entry still ends in a newline: one path with a space, not two.
    const one = await run(files, { paths: 'my charts/rendered\n', format: 'json', annotations: 'false' });
    expect(JSON.parse(one.stdout.slice(0, one.stdout.indexOf('\n}\n') + 2)).summary.files).toBe(1);
    const spaced = await run(files, { paths: 'plain other\tdir/svc.yaml', format: 'none' });
    expect(spaced.code).toBe(2);
    expect(spaced.stdout).toMatch(/::error::daemonlint: [^\n]*other/);
  });

  it('fail-on: none never fails on findings, and the summaries say why the step passed or failed', async () => {
    const none = await run({ 'agent.yaml': AGENT }, { 'fail-on': 'none' });
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^✔ 2 problems \(1 error, 1 warning, 0 infos\) in 1 file, 1 object; passed \(--fail-on none\)$/m);
    expect(none.stdout).not.toContain('::error::daemonlint:');
    expect(none.summary).toMatch(/^⚠️ 2 problems: .* \(fails on: none\)\. Passed \(--fail-on none\)\.$/m);
    const warn = await run({ 'agent.yaml': AGENT.replace('restartPolicy: Never', 'restartPolicy: Always') }, { 'fail-on': 'warning' });
    expect(warn.code).toBe(1);
    expect(warn.summary).toMatch(/^❌ .*\. Failed: 1 warning at or above --fail-on warning\.$/m);
    // A named pipe is not read (one line, exit 2) while the rest is linted.
    const unread = await run({ 'agent.yaml': AGENT }, { format: 'none' });
    const ws = unread.ws;
    execFileSync('mkfifo', [join(ws, 'pipe.yaml')]);
    const env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: ws, NO_COLOR: '1', INPUT_PATHS: 'agent.yaml\npipe.yaml\n' };
    let stdout = '';
    expect(await runAction({ env, cwd: '/', stdout: (x) => void (stdout += x) })).toBe(2);
    expect(stdout).toMatch(/^::error::daemonlint: cannot read pipe\.yaml: it is a named pipe/m);
    expect(stdout).toMatch(/; failed: 1 error at or above --fail-on error; 1 path could not be read$/m);
  });
});
