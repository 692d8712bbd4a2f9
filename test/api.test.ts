/** The programmatic API (src/api.ts) in-process: what `lint()` returns for findings, suppressions, errors and options. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LintError, lint, version } from '../src/api.js';
import { BAD_DAEMONSET, BAD_DAEMONSET_HOST_PID, removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

describe('lint()', () => {
  it('returns the findings the command line reports, with its exit code and reason', async () => {
    const dir = workdir({ 'a.yaml': BAD_DAEMONSET_HOST_PID.replace('      hostPID: true\n', '      hostPID: true # daemonlint-disable-line host-pid -- reads /proc\n') });
    const r = await lint(['.'], { cwd: dir, noConfig: true });
    expect(r.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}`)).toEqual(['restart-policy@13:7']);
    expect(r.findings[0]).toMatchObject({ severity: 'error', file: 'a.yaml', messageId: 'restartPolicy', object: { kind: 'DaemonSet', name: 'agent' }, fix: { safe: true } });
    expect(r.suppressed.map((f) => [f.ruleId, f.suppressions?.[0]?.justification])).toEqual([['host-pid', 'reads /proc']]);
    expect(r).toMatchObject({ files: 1, objects: 1, errors: [], exitCode: 1, reason: 'failed: 1 error at or above --fail-on error' });
    expect((await lint(['a.yaml'], { cwd: dir, noConfig: true, failOn: 'none' })).exitCode).toBe(0);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unreadable path is an error of the run (exit code 2), not an exception', async () => {
    const dir = workdir({ 'a.yaml': BAD_DAEMONSET });
    execFileSync('mkfifo', [join(dir, 'p.yaml')]);
    const r = await lint(['a.yaml', 'p.yaml'], { cwd: dir, noConfig: true });
    expect(r.exitCode).toBe(2);
    expect(r.errors).toEqual([expect.stringMatching(/^cannot read p\.yaml: it is a named pipe/)]);
    expect(r.reason).toBe('failed: 1 error at or above --fail-on error; 1 path could not be read');
  });

  it('bad options, configs and paths reject with a LintError carrying the one-line message', async () => {
    const dir = workdir({ 'a.yaml': BAD_DAEMONSET, '.git/HEAD': '', '.daemonlint.yaml': 'rules:\n  restart-polcy: off\n' });
    await expect(lint(['a.yaml'], { cwd: dir })).rejects.toThrow(/did you mean "restart-policy"/);
    await expect(lint(['nowhere/'], { cwd: dir, noConfig: true })).rejects.toBeInstanceOf(LintError);
    await expect(lint(['-'], { cwd: dir })).rejects.toThrow(/stdin/);
    await expect(lint(['a.yaml'], { cwd: dir, failOn: 'fatal' as never })).rejects.toThrow('failOn must be one of error, warning, info, none (got "fatal")');
    await expect(lint(['a.yaml'], { cwd: dir, timeout: -1 })).rejects.toThrow(/timeout must be a number of seconds above 0/);
    await expect(lint(['a.yaml'], { cwd: dir, profile: 'lenient' as never })).rejects.toThrow('profile must be one of default, strict (got "lenient")');
  });

  it('profile: strict reports an agent\'s expected posture at the rule\'s severity', async () => {
    const cni = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: calico-node, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: calico-node}}
  template:
    metadata: {labels: {k8s-app: calico-node}}
    spec:
      hostNetwork: true
      priorityClassName: system-node-critical
      containers:
        - name: calico-node
          image: quay.io/calico/node:v3.28.0
          securityContext: {privileged: true}
`;
    const dir = workdir({ 'cni.yaml': cni });
    const severity = async (profile?: 'default' | 'strict') =>
      (await lint(['cni.yaml'], { cwd: dir, noConfig: true, profile })).findings.find((f) => f.ruleId === 'privileged-container')!.severity;
    expect(await severity()).toBe('info');
    expect(await severity('strict')).toBe('warning');
  });

  it('lints per deployment unit (findings name their units); an empty directory rejects unless allowEmpty; noIgnore reads ignored files', async () => {
    const cm = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: agent, namespace: edge}\ndata: {level: ${level}}\n`;
    const dir = workdir({ 'empty/notes.txt': 'not yaml', 'envs/a/x.yaml': `${cm('info')}---\n${cm('debug')}`, 'envs/b/x.yaml': cm('warn') });
    // The two environments are alternatives; the ConfigMap defined twice in one of them is a duplicate there.
    const r = await lint(['envs'], { cwd: dir, noConfig: true });
    expect(r.findings.map((f) => [f.ruleId, f.file, f.line, f.units])).toEqual([['duplicate-object', 'envs/a/x.yaml', 8, ['envs/a']]]);
    await expect(lint(['empty'], { cwd: dir, noConfig: true })).rejects.toThrow(/no Kubernetes objects found in empty/);
    expect((await lint(['empty'], { cwd: dir, noConfig: true, allowEmpty: true })).exitCode).toBe(0);
    const ignored = workdir({ '.gitignore': 'out/\n', 'out/a.yaml': BAD_DAEMONSET, 'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' });
    expect((await lint(['.'], { cwd: ignored, noConfig: true })).findings).toEqual([]);
    expect((await lint(['.'], { cwd: ignored, noConfig: true, noIgnore: true })).findings.map((f) => f.file)).toContain('out/a.yaml');
  });
});
