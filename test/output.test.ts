/**
 * The text report as people read it: the summary line agrees with the exit code and says why, messages wrap to the
 * terminal with a hanging indent, counts are singular or plural, FORCE_COLOR and NO_COLOR are honoured.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verdictOf } from '../src/app/verdict.js';
import { formatText, wrapWords } from '../src/report/text.js';
import type { Finding } from '../src/types.js';
import { runMain } from './helpers/cli.js';
import { BAD_DAEMONSET, BAD_DAEMONSET_HOST_PID, removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)!;
const WARNING_ONLY = BAD_DAEMONSET_HOST_PID.replace('restartPolicy: Never', 'restartPolicy: Always');

describe('the summary line agrees with the exit code', () => {
  it('a failing run says what fails it; a passing run with findings says why it passes', async () => {
    const dir = workdir({ 'a.yaml': BAD_DAEMONSET_HOST_PID });
    const failing = await runMain(['--no-config', 'a.yaml'], { cwd: dir });
    expect(failing.code).toBe(1);
    expect(lastLine(failing.stdout)).toBe('✖ 2 problems (1 error, 1 warning, 0 infos) in 1 file, 1 object; failed: 1 error at or above --fail-on error');
    const warn = workdir({ 'a.yaml': WARNING_ONLY });
    const passing = await runMain(['--no-config', 'a.yaml'], { cwd: warn });
    expect(passing.code).toBe(0);
    expect(lastLine(passing.stdout)).toBe('✔ 1 problem (0 errors, 1 warning, 0 infos) in 1 file, 1 object; passed: none at or above --fail-on error');
    const strict = await runMain(['--no-config', '--fail-on', 'warning', 'a.yaml'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(lastLine(strict.stdout)).toBe('✖ 2 problems (1 error, 1 warning, 0 infos) in 1 file, 1 object; failed: 1 error and 1 warning at or above --fail-on warning');
  });

  it('--quiet --fail-on warning: the hidden warnings still fail the run, and the summary says so', async () => {
    const dir = workdir({ 'a.yaml': WARNING_ONLY });
    const r = await runMain(['--no-config', '--quiet', '--fail-on', 'warning', 'a.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('✖ no problems shown (1 file, 1 object); failed: 1 warning at or above --fail-on warning (1 hidden by --quiet)\n');
  });

  it('--timeout: the files not linted fail the run, and the summary says so', async () => {
    const dir = workdir({ 'a.yaml': WARNING_ONLY });
    // stdin whose writer never closes it: given up at the deadline.
    const r = await runMain(['--no-config', '--timeout', '0.3', '-', 'a.yaml'], { cwd: dir, readStdin: () => new Promise<Buffer>(() => undefined) });
    expect(r.code).toBe(2);
    // stdin comes first and holds the run up until the deadline: neither input was linted.
    expect(lastLine(r.stdout)).toBe('✖ no problems found (0 files, 0 objects); failed: 2 files not linted (the time budget of 0.3 s ran out)');
    expect(r.stderr).toMatch(/not linted: <stdin>, a\.yaml;/);
  });

  it('an unreadable path fails the run, and the summary says so', async () => {
    const dir = workdir({ 'a.yaml': WARNING_ONLY });
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const r = await runMain(['--no-config', 'a.yaml', 'pipe.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(lastLine(r.stdout)).toBe('✖ 1 problem (0 errors, 1 warning, 0 infos) in 1 file, 1 object; failed: 1 path could not be read');
  });

  it('internal errors and files not written are reasons too; a clean pass says only that', () => {
    const v = verdictOf({ findings: [], failOn: 'error', internalErrors: 1, writeErrors: 2 });
    expect(v.exitCode).toBe(2);
    expect(formatText([], { files: 3, objects: 4, verdict: v })).toBe('✖ no problems found (3 files, 4 objects); failed: 2 files could not be written; 1 internal error (a rule crashed)\n');
    expect(formatText([], { files: 1, objects: 1, verdict: verdictOf({ findings: [], failOn: 'error' }) })).toBe('✔ no problems (1 file, 1 object)\n');
  });

  it('fail-on none: the same value on the command line and in a config file', async () => {
    const dir = workdir({ 'a.yaml': BAD_DAEMONSET });
    const cli = await runMain(['--no-config', '--fail-on', 'none', 'a.yaml'], { cwd: dir });
    expect(cli.code).toBe(0);
    expect(lastLine(cli.stdout)).toBe('✔ 1 problem (1 error, 0 warnings, 0 infos) in 1 file, 1 object; passed (--fail-on none)');
    const cfg = workdir({ '.git/HEAD': '', '.daemonlint.yaml': 'failOn: none\n', 'a.yaml': BAD_DAEMONSET });
    expect((await runMain(['a.yaml'], { cwd: cfg })).code).toBe(0);
    // The flag wins over the config.
    expect((await runMain(['--fail-on', 'error', 'a.yaml'], { cwd: cfg })).code).toBe(1);
  });
});

describe('text on a terminal', () => {
  const finding = (message: string, related = false): Finding => ({
    ruleId: 'local-traffic-gap',
    severity: 'warning',
    message,
    file: 'svc.yaml',
    line: 42,
    column: 3,
    endLine: 42,
    endColumn: 9,
    path: '',
    ...(related ? { related: [{ file: 'ds.yaml', line: 7, column: 5, message: 'the DaemonSet whose Pods the Service selects, with a long explanation that wraps too' }] } : {}),
  });
  const long = 'Connections from cp-1, gpu-1 to Service logging/log-agent are dropped: DaemonSet log-agent does not run there (nodeSelector example.com/logging=enabled).';

  it('wraps messages to the width with a hanging indent under the message column, the rule id at the end', () => {
    const out = formatText([finding(long, true)], { files: 1, objects: 1, width: 60 });
    const lines = out.split('\n');
    // Every line but the summary (the last, not wrapped) fits.
    for (const l of lines.slice(0, -2)) expect([...l].length, l).toBeLessThanOrEqual(60);
    expect(lines[1]).toMatch(/^ {2}42:3 {2}warning {2}Connections from/);
    const indent = '  42:3  warning  '.length;
    const body = lines.slice(2, lines.findIndex((l) => l.includes('↳')));
    for (const l of body) expect(l.slice(0, indent).trim(), l).toBe('');
    expect(body.at(-1)).toMatch(/(^| {2})local-traffic-gap$/);
    // The words are all there, in order.
    expect(lines.slice(1, 1 + 1 + body.length).map((l) => l.trim()).join(' ').replace(/ +local-traffic-gap$/, '')).toBe(`42:3  warning  ${long}`);
    const related = lines.filter((l) => l.includes('↳') || /^ {19}\S/.test(l));
    expect(related[0]).toMatch(/^ {17}↳ ds\.yaml:7:5 the DaemonSet/);
    expect(related.length).toBeGreaterThan(1);
  });

  it('the CLI wraps only on a terminal, to its width', async () => {
    const dir = workdir({ 'a.yaml': BAD_DAEMONSET });
    const tty = await runMain(['--no-config', 'a.yaml'], { cwd: dir, tty: { columns: 70 } });
    for (const l of tty.stdout.split('\n').slice(0, -2)) expect([...l.replace(/\u001b\[\d+m/g, '')].length).toBeLessThanOrEqual(70);
    const pipe = await runMain(['--no-config', 'a.yaml'], { cwd: dir });
    expect(pipe.stdout.split('\n')[1]!.length).toBeGreaterThan(100);
  });

  it('a narrow terminal or a long word does not break words', () => {
    expect(wrapWords(['a', 'bb', 'ccc'], 4)).toEqual(['a bb', 'ccc']);
    expect(wrapWords(['averyveryverylongword', 'x'], 5)).toEqual(['averyveryverylongword', 'x']);
    const narrow = formatText([finding(long)], { files: 1, objects: 1, width: 20 });
    expect(narrow.split('\n')[1]).toContain(long);
  });
});

describe('colour', () => {
  it('FORCE_COLOR forces it off a terminal and wins over NO_COLOR; FORCE_COLOR=0 and --no-color turn it off', async () => {
    const dir = workdir({ 'a.yaml': BAD_DAEMONSET });
    const esc = /\u001b\[/;
    expect((await runMain(['--no-config', 'a.yaml'], { cwd: dir })).stdout).not.toMatch(esc);
    expect((await runMain(['--no-config', 'a.yaml'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout).toMatch(esc);
    expect((await runMain(['--no-config', 'a.yaml'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).toMatch(esc);
    expect((await runMain(['--no-config', 'a.yaml'], { cwd: dir, env: { FORCE_COLOR: '0' }, tty: { columns: 200 } })).stdout).not.toMatch(esc);
    expect((await runMain(['--no-config', 'a.yaml'], { cwd: dir, tty: { columns: 200 } })).stdout).toMatch(esc);
    expect((await runMain(['--no-config', 'a.yaml'], { cwd: dir, env: { NO_COLOR: '1' }, tty: { columns: 200 } })).stdout).not.toMatch(esc);
    expect((await runMain(['--no-config', '--no-color', 'a.yaml'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(esc);
  });
});

describe('the README shows what the tool prints', () => {
  it('the sample output is the real output on a 118-column terminal, related locations included', async () => {
    const { readFileSync } = await import('node:fs');
    const { ROOT } = await import('./helpers/cli.js');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const m = /[Oo]n a bundled example \(`\.\/bin\/daemonlint\.js ([^`]+)`\nin a terminal (\d+) columns wide; it exits (\d)[^\n]*\n\n```\n([\s\S]*?)```/.exec(readme);
    expect(m).not.toBeNull();
    const r = await runMain(m![1]!.split(' '), { cwd: ROOT, tty: { columns: Number(m![2]) }, env: { NO_COLOR: '1' } });
    expect(r.stdout).toBe(m![4]);
    expect(r.stdout).toContain('↳ ');
    expect(String(r.code)).toBe(m![3]);
  });

  it('the quick start tells the truth about linting the examples', async () => {
    const { readFileSync } = await import('node:fs');
    const { ROOT } = await import('./helpers/cli.js');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const r = await runMain(['examples/'], { cwd: ROOT });
    expect(r.code).toBe(1);
    const said = /last line says why \(`([^`]+)`\)/.exec(readme.replace(/\n/g, ' ').replace(/ {2,}/g, ' '));
    expect(said?.[1]).toBe(lastLine(r.stdout));
    expect(readme).toMatch(/exits 1/);
  });
});
