/**
 * `daemonlint coverage` per deployment unit: each unit's DaemonSets as that unit deploys them (a Kustomize overlay's
 * with its patches), one row per distinct result naming its units, and added nodes judged with each unit's Services.
 */
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli.js';
import { workdir } from './helpers/manifests.js';

const agent = (nodeSelector = '') => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: edge
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:${nodeSelector}
      containers:
        - name: agent
          image: registry.example.com/agent:1.0.0
---
apiVersion: v1
kind: Service
metadata:
  name: agent
  namespace: edge
spec:
  selector: {app: agent}
  internalTrafficPolicy: Local
  ports:
    - port: 8080
`;

const LINUX_ONLY = '\n      nodeSelector: {kubernetes.io/os: linux}';
const WINDOWS_NODE = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: win-1\n  labels: {kubernetes.io/os: windows}\n';

async function coverageJson(args: string[], cwd: string) {
  const r = await runMain(['coverage', '-f', 'json', ...args], { cwd });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('coverage per deployment unit', () => {
  it('environment copies are rows of their own, named by unit; added nodes are judged in each unit', async () => {
    const dir = workdir({ 'envs/dev/agent.yaml': agent(LINUX_ONLY), 'envs/prod/agent.yaml': agent(), 'win.yaml': WINDOWS_NODE });
    const report = await coverageJson(['--add-node', 'win.yaml', 'envs'], dir);
    expect(report.daemonSets.map((d: any) => [d.file, d.units, d.restriction, d.runsOn])).toEqual([
      ['envs/dev/agent.yaml', ['envs/dev'], 'nodeSelector kubernetes.io/os=linux', 0],
      ['envs/prod/agent.yaml', ['envs/prod'], 'every node', 1],
    ]);
    const [w] = report.whatIf;
    expect(w.runs).toEqual(['edge/agent (envs/prod)']);
    expect(w.skips.map((s: any) => s.daemonSet)).toEqual(['edge/agent (envs/dev)']);
    // Only dev's Service loses its local endpoint: prod's agent runs on the new node.
    expect(w.services.map((s: any) => [s.file, s.daemonSets])).toEqual([['envs/dev/agent.yaml', ['edge/agent (envs/dev)']]]);

    const text = (await runMain(['coverage', '--add-node', 'win.yaml', 'envs'], { cwd: dir })).stdout;
    expect(text).toContain('edge/agent (envs/dev)');
    expect(text).toContain('edge/agent (envs/prod)');
    const html = (await runMain(['coverage', '-f', 'html', 'envs'], { cwd: dir })).stdout;
    expect(html).toContain('edge/agent (envs/dev)');
  });

  it('a DaemonSet shared by units is one row naming them all', async () => {
    const dir = workdir({
      'shared/agent.yaml': agent().split('---\n')[0]!,
      'envs/dev/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: edge}\ndata: {env: dev}\n',
      'envs/prod/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: edge}\ndata: {env: prod}\n',
    });
    const report = await coverageJson(['.'], dir);
    expect(report.daemonSets.map((d: any) => [d.file, d.units])).toEqual([['shared/agent.yaml', ['envs/dev', 'envs/prod']]]);
  });

  it('an overlay is covered as it deploys the DaemonSet: its patch applied (the name is where the build last wrote it: the patch)', async () => {
    const dir = workdir({
      'base/kustomization.yaml': 'resources: [agent.yaml]\n',
      'base/agent.yaml': agent().split('---\n')[0]!,
      'overlays/linux/kustomization.yaml': 'resources: [../../base]\npatches: [{path: linux.yaml}]\n',
      'overlays/linux/linux.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: edge}\nspec:\n  template:\n    spec:\n      nodeSelector: {kubernetes.io/os: linux}\n',
    });
    const report = await coverageJson(['overlays/linux'], dir);
    expect(report.daemonSets.map((d: any) => [d.file, d.line, d.units, d.restriction])).toEqual([['overlays/linux/linux.yaml', 3, undefined, 'nodeSelector kubernetes.io/os=linux']]);
  });
});
