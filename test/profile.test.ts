// Severity profiles: the expected posture of an agent that needs it is info by default and at its rule's severity with
// `profile: strict` (config) or `--profile strict`; a severity the user configured wins in both.
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli.js';
import { removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

const CALICO = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: calico-node
  namespace: kube-system
spec:
  selector:
    matchLabels: {k8s-app: calico-node}
  template:
    metadata:
      labels: {k8s-app: calico-node}
    spec:
      hostNetwork: true
      priorityClassName: system-node-critical
      containers:
        - name: calico-node
          image: quay.io/calico/node:v3.31.0
          securityContext:
            privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: debug
      image: busybox:1.36
      securityContext:
        privileged: true
`;

type Json = { findings: { ruleId: string; severity: string; messageId: string; line: number }[] };

async function lint(files: Record<string, string>, args: string[] = []): Promise<{ code: number; stderr: string; out?: Json }> {
  const dir = workdir({ 'ds.yaml': CALICO, ...files });
  const r = await runMain(['-f', 'json', ...args, 'ds.yaml'], { cwd: dir });
  return { code: r.code, stderr: r.stderr, out: r.stdout ? (JSON.parse(r.stdout) as Json) : undefined };
}

const severities = (out: Json | undefined) =>
  out!.findings.filter((f) => f.ruleId === 'privileged-container' || f.ruleId === 'host-network').map((f) => `${f.line} ${f.ruleId} ${f.severity} ${f.messageId}`);

describe('severity profiles', () => {
  it('default: the expected posture of a network agent is info; an unknown container keeps its warning', async () => {
    const r = await lint({});
    expect(r.code).toBe(0);
    expect(severities(r.out)).toEqual(['13 host-network info networkAgent', '19 privileged-container info networkAgent', '30 privileged-container warning generic']);
  });

  it('--profile strict reports every finding at its rule severity', async () => {
    const r = await lint({}, ['--profile', 'strict']);
    expect(severities(r.out)).toEqual(['13 host-network warning networkAgent', '19 privileged-container warning networkAgent', '30 privileged-container warning generic']);
  });

  it('profile: strict in the config does the same, and --profile default overrides it', async () => {
    const strict = await lint({ '.daemonlint.yaml': 'profile: strict\n' });
    expect(severities(strict.out)).toContain('19 privileged-container warning networkAgent');
    const back = await lint({ '.daemonlint.yaml': 'profile: strict\n' }, ['--profile', 'default']);
    expect(severities(back.out)).toContain('19 privileged-container info networkAgent');
  });

  it('a severity configured for the rule wins in both profiles', async () => {
    for (const profile of ['default', 'strict']) {
      const r = await lint({ '.daemonlint.yaml': `profile: ${profile}\nrules:\n  privileged-container: error\n` });
      expect(severities(r.out)).toEqual([
        `13 host-network ${profile === 'strict' ? 'warning' : 'info'} networkAgent`,
        '19 privileged-container error networkAgent',
        '30 privileged-container error generic',
      ]);
    }
  });

  it('an unknown profile is a one-line usage error (exit 2), on the command line and in a config', async () => {
    const cli = await lint({}, ['--profile', 'loud']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe('daemonlint: --profile must be one of default, strict (got "loud")\n');
    const cfg = await lint({ '.daemonlint.yaml': 'profile: loud\n' });
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/^daemonlint: \.daemonlint\.yaml:1:10: profile: must be one of default, strict \(got "loud"\)\n$/);
  });
});
