/**
 * What is linted together: deployment units from the config, Kustomize and directories; alternatives (environment
 * and variant copies) never compared; real conflicts inside a unit still found, at the line that caused them.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintAsync } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { directoryUnits } from '../src/units/directories.js';
import { allRules } from '../rules/index.js';
import { runMain } from './helpers/cli.js';
import { workdir } from './helpers/manifests.js';
import { REPOS, planRepo } from './helpers/repos.js';

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  path: string;
  units?: string[];
  related?: { file: string; line: number; column: number; message: string }[];
}

/** A lint in this process (as the CLI runs it, and measured by coverage), as JSON findings. */
async function lintJson(args: string[], cwd: string): Promise<{ code: number; stderr: string; findings: JsonFinding[] }> {
  const r = await runMain(['-f', 'json', ...args], { cwd });
  return { code: r.code, stderr: r.stderr, findings: r.stdout ? JSON.parse(r.stdout).findings : [] };
}

const keys = (fs: JsonFinding[]) => fs.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`).sort();

const ds = (name: string, port: number, extra = '') => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: edge
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      priorityClassName: system-node-critical${extra}
      containers:
        - name: agent
          image: registry.example.com/${name}:1.0.0
          ports: [{containerPort: ${port}, hostPort: ${port}}]
`;

describe('a realistic multi-environment repository', () => {
  const root = join(REPOS, 'multi-env');

  it('lints with no false finding: no error, no warning, only the true notes', async () => {
    const r = await lintJson([], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(keys(r.findings)).toEqual([
      'base/daemonset.yaml:26:15 host-port',
      'charts/agent/Chart.yaml:2:1 unrendered-template',
      'components/metrics/exporter.yaml:23:15 host-port',
      'envs/production/edge-agent.yaml:27:15 host-port',
      'envs/staging/edge-agent.yaml:27:15 host-port',
      // The production patch moves the port: reported on the patch's line, once.
      'overlays/prod/hostport-patch.yaml:14:15 host-port',
      'platform/linux/agent.yaml:25:15 host-port',
      'platform/windows/agent.yaml:25:15 host-port',
      'variants/cni-ebpf.yaml:16:7 host-network',
      'variants/cni-iptables.yaml:16:7 host-network',
    ]);
  });

  it('honours the committed .gitignore; --no-ignore reads the ignored folder, whose copy is an alternative again', async () => {
    const ignored = await lintJson([], root);
    expect(ignored.findings.some((f) => f.file.startsWith('rendered/'))).toBe(false);
    const all = await lintJson(['--no-ignore'], root);
    expect(all.code).toBe(0);
    expect(all.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('splits the repository into the units a user deploys', async () => {
    const { plan } = planRepo('multi-env');
    const names = plan.units.map((u) => `${u.source} ${u.name}`).sort();
    expect(names).toEqual(
      [
        'kustomize overlays/dev',
        'kustomize overlays/prod',
        'directory envs/production',
        'directory envs/staging',
        'directory variants/cni-ebpf.yaml',
        'directory variants/cni-iptables.yaml',
      ].sort(),
    );
    // Shared objects (the platform twins, the CNI's account) are in every directory unit; patches are partial objects.
    const staging = plan.units.find((u) => u.name === 'envs/staging')!;
    expect(staging.manifests.map((m) => m.file.path)).toContain('platform/windows/agent.yaml');
    expect([...plan.partial].map((m) => m.file.path).sort()).toEqual(['overlays/dev/resources-patch.yaml', 'overlays/prod/hostport-patch.yaml']);
  });

  it('a patch named on its own (as pre-commit passes staged files) is still a patch of the kustomization beside it', async () => {
    const r = await lintJson(['overlays/dev/resources-patch.yaml'], root);
    expect(r.code).toBe(0);
    expect(r.findings).toEqual([]);
  });

  it('lints an overlay directory on its own, its base read from disk', async () => {
    const r = await lintJson(['overlays/prod'], root);
    expect(r.code).toBe(0);
    // The base's own findings are not this run's: only what the overlay's files hold.
    expect(keys(r.findings)).toEqual(['overlays/prod/hostport-patch.yaml:14:15 host-port']);
  });
});

describe('a base outside the linted paths', () => {
  it('completes the unit; its suppressions still apply and are never called unused', async () => {
    const dir = workdir({
      'base/kustomization.yaml': 'resources: [agents.yaml]\n',
      'base/agents.yaml': `${ds('agent', 8080)}---\n${ds('proxy', 8081)}`.replace(
        '          ports: [{containerPort: 8081, hostPort: 8081}]',
        '          # daemonlint-disable-next-line host-port -- the proxy is reached on the node\n          ports: [{containerPort: 8081, hostPort: 8081}]',
      ),
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\npatches: [{path: proxy.yaml}]\n',
      'overlays/prod/proxy.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: proxy, namespace: edge}\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          ports: [{containerPort: 8081, hostPort: 8080}]\n',
    });
    const r = await lintJson(['overlays/prod'], dir);
    expect(r.code).toBe(1);
    // The patch moved the proxy onto the agent's port: the collision is found (in the base, where the agent is) …
    // (each DaemonSet of the pair has its finding: the proxy's at the patch line that wrote its port).
    expect(keys(r.findings)).toEqual(['base/agents.yaml:17:41 host-port-conflict', 'overlays/prod/proxy.yaml:9:41 host-port', 'overlays/prod/proxy.yaml:9:41 host-port-conflict']);
    // … and the base's comment, about a finding only a lint of the base itself makes, is not reported as unused.
    expect(r.findings.some((f) => f.ruleId === 'unused-suppression')).toBe(false);
  });
});

describe('a kustomization reads only inside its repository', () => {
  const layout = () => {
    const dir = workdir({
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/overlays/prod/kustomization.yaml': 'resources:\n  - ../../../platform/base\n  - agent.yaml\npatches:\n  - path: ../../../platform/patch.yaml\n',
      'repo/overlays/prod/agent.yaml': ds('agent', 8080),
      'platform/base/kustomization.yaml': 'resources: [proxy.yaml]\n',
      'platform/base/proxy.yaml': ds('proxy', 8080),
      'platform/patch.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: proxy, namespace: edge}\nspec:\n  template:\n    spec:\n      hostPID: true\n',
    });
    return { dir, repo: join(dir, 'repo') };
  };

  it('a base or patch outside it is not read, and the kustomization says so', async () => {
    const { repo } = layout();
    const r = await lintJson(['overlays/prod'], repo);
    expect(r.code, r.stderr).toBe(0);
    const outside = r.findings.filter((f) => f.ruleId === 'kustomization');
    expect(outside.map((f) => `${f.line}:${f.column} ${f.severity}`)).toEqual(['2:5 warning', '5:5 warning']);
    expect(outside[0]!.message).toBe(
      `../../../platform/base is outside the repository of this kustomization (.) and was not read: its objects and changes are missing from this build. Name it on the command line to build it with this kustomization.`,
    );
    // Nothing of the files outside reached the run: no collision with the proxy, nothing about its patch.
    expect(r.findings.filter((f) => f.ruleId !== 'kustomization' && f.ruleId !== 'host-port')).toEqual([]);
    expect(r.findings.every((f) => !f.file.includes('platform'))).toBe(true);
  });

  it('a symbolic link out of the repository is outside too', async () => {
    const { dir, repo } = layout();
    symlinkSync(join(dir, 'platform/base'), join(repo, 'overlays/prod/base-link'));
    writeFileSync(join(repo, 'overlays/prod/kustomization.yaml'), 'resources:\n  - base-link\n  - agent.yaml\n');
    const r = await lintJson(['overlays/prod/kustomization.yaml', 'overlays/prod/agent.yaml'], repo);
    expect(r.findings.filter((f) => f.ruleId === 'kustomization').map((f) => `${f.line}:${f.column} ${f.message.split(' ')[0]}`)).toEqual(['2:5 base-link']);
  });

  it('what the run is given is used: named on the command line, the outside base is built with the overlay', async () => {
    const { repo } = layout();
    const r = await lintJson(['overlays/prod', '../platform'], repo);
    expect(r.findings.filter((f) => f.ruleId === 'kustomization')).toEqual([]);
    // The overlay's agent and the base's proxy (patched from outside too) claim the same host port in one unit.
    expect(keys(r.findings.filter((f) => f.ruleId === 'host-port-conflict' || f.ruleId === 'host-pid'))).toEqual([
      '../platform/base/proxy.yaml:17:41 host-port-conflict',
      '../platform/patch.yaml:7:7 host-pid',
      'overlays/prod/agent.yaml:17:41 host-port-conflict',
    ]);
  });
});

describe('CRDs and the target version apply to every unit', () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: probes.monitoring.example.com
spec:
  group: monitoring.example.com
  scope: Namespaced
  names: {kind: Probe, plural: probes}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                target: {type: string}
                interval: {type: string}
`;
  const layout = (extra: Record<string, string> = {}) =>
    workdir({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'crds/probe.yaml': crd,
      'base/kustomization.yaml': 'resources: [agent.yaml, probe.yaml]\n',
      'base/agent.yaml': ds('agent', 8080),
      'base/probe.yaml': 'apiVersion: monitoring.example.com/v1\nkind: Probe\nmetadata: {name: agent, namespace: edge}\nspec: {target: agent.edge.svc, interval: 30s}\n',
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\npatches: [{path: probe.yaml}, {path: surge.yaml}]\n',
      'overlays/prod/probe.yaml': 'apiVersion: monitoring.example.com/v1\nkind: Probe\nmetadata: {name: agent, namespace: edge}\nspec:\n  intervall: 1m\n',
      'overlays/prod/surge.yaml':
        'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: edge}\nspec:\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}\n',
      ...extra,
    });
  const expected = ['overlays/prod/probe.yaml:5:3 custom-resource-schema', 'overlays/prod/surge.yaml:7:40 field-availability'];
  const judged = (fs: JsonFinding[]) => keys(fs.filter((f) => f.ruleId === 'custom-resource-schema' || f.ruleId === 'field-availability'));

  it('--crd and --kube-version: a patch is checked against the CRD and the target version, at its own lines', async () => {
    const r = await lintJson(['--crd', 'crds', '--kube-version', '1.21', 'overlays/prod'], layout());
    expect(judged(r.findings)).toEqual(expected);
    // Without the older target, maxSurge is a field the version has.
    expect(judged((await lintJson(['--crd', 'crds', 'overlays/prod'], layout())).findings)).toEqual([expected[0]]);
  });

  it('crds and kubeVersion from a found config do the same', async () => {
    const r = await lintJson(['overlays/prod'], layout({ '.daemonlint.yaml': 'crds: [crds/]\nkubeVersion: "1.21"\n' }));
    expect(r.stderr).toBe('');
    expect(judged(r.findings)).toEqual(expected);
  });

  it('an object no API serves is left to api-version in every unit: cross-resource rules neither check it nor compare others with it', async () => {
    const dir = workdir({
      'a/agents.yaml': `${ds('agent', 8080)}---\n${ds('twin', 8080).replace('apps/v1', 'apps/v9')}`,
      'b/agents.yaml': ds('agent', 8081),
    });
    const r = await lintJson(['.'], dir);
    expect(keys(r.findings.filter((f) => f.severity === 'error'))).toEqual(['a/agents.yaml:19:13 api-version']);
  });
});

describe('real conflicts inside a unit', () => {
  const root = join(REPOS, 'in-unit-conflicts');

  it('are found, name their unit and point at the line that caused them', async () => {
    const r = await lintJson([], root);
    expect(r.code).toBe(1);
    const serious = r.findings.filter((f) => f.severity !== 'info');
    expect(keys(serious)).toEqual([
      'base/agents.yaml:20:15 host-port-conflict',
      'base/web.yaml:26:3 service-selects-nothing',
      'envs/dev/edge.yaml:21:15 host-port-conflict',
      'envs/dev/edge.yaml:45:15 host-port-conflict',
      'envs/dev/edge.yaml:62:3 duplicate-object',
      'envs/dev/edge.yaml:7:3 overlapping-selectors',
      'overlays/prod/log-port.yaml:13:15 host-port-conflict',
    ]);
    for (const f of serious) expect(f.units).toHaveLength(1);
    // The overlay's patch moved the log agent onto the metrics agent's port: the collision points at the patch.
    const hp = serious.find((f) => f.file === 'base/agents.yaml')!;
    expect(hp.units).toEqual(['overlays/prod']);
    expect(hp.message).toContain('DaemonSet monitoring/prod-metrics-agent and DaemonSet monitoring/prod-log-agent both claim host port 9100/TCP');
    expect(hp.message).toMatch(/\(deployment unit overlays\/prod\)$/);
    expect(hp.related).toEqual([expect.objectContaining({ file: 'overlays/prod/log-port.yaml', line: 13, column: 15 })]);
    // The overlay's label reaches the Service's selector and the template alike; the missing tier label is real.
    expect(serious.find((f) => f.ruleId === 'service-selects-nothing')!.message).toContain('selects app=web, tier=frontend, env=prod');
    // The duplicate names both definitions.
    const dup = serious.find((f) => f.ruleId === 'duplicate-object')!;
    expect(dup.related).toEqual([expect.objectContaining({ file: 'envs/dev/edge.yaml', line: 51 })]);
    // The production copy of the edge agent is not compared with the dev copy or the dev proxy.
    expect(serious.some((f) => f.file === 'envs/prod/edge.yaml')).toBe(false);
  });
});

describe('alternatives and identity', () => {
  it('are found by the command line too, whether files are read in this thread or by worker threads', async () => {
    // No kustomization and no clusters: the file-by-file pipeline reads the run first, sees copies of one object, and
    // the run is linted again per deployment unit.
    const dir = workdir({
      'dev/agent.yaml': ds('agent', 8080),
      'prod/agent.yaml': ds('agent', 8080, '\n      hostNetwork: false'),
      'shared/proxy.yaml': ds('proxy', 9090),
      'one/both.yaml': `${ds('twin', 7070)}---\n${ds('twin', 7071)}`,
    });
    for (const jobs of ['1', '2']) {
      const r = await lintJson(['--jobs', jobs], dir);
      expect(r.stderr).toBe('');
      expect(keys(r.findings.filter((f) => f.severity === 'error'))).toEqual(['one/both.yaml:22:3 duplicate-object']);
    }
    // One plain unit (every object once) stays in the pipeline and still compares across files.
    const plain = workdir({ 'a.yaml': ds('agent', 8080), 'b.yaml': ds('proxy', 8080) });
    for (const jobs of ['1', '2']) expect(keys((await lintJson(['--jobs', jobs], plain)).findings.filter((f) => f.severity === 'error'))).toEqual(['a.yaml:17:41 host-port-conflict', 'b.yaml:17:41 host-port-conflict']);
  });

  it('different copies of one object in different files are alternatives; in one file they are a duplicate', async () => {
    const lint = async (files: Record<string, string>) => {
      const parsed = Object.entries(files).map(([path, text]) => parseSource({ path, text }));
      return (await lintAsync(parsed, { rules: allRules })).findings.filter((f) => f.severity !== 'info').map((f) => `${f.file}:${f.line} ${f.ruleId}`);
    };
    // Two environment copies claiming the same port: not one cluster.
    expect(await lint({ 'dev/agent.yaml': ds('agent', 8080), 'prod/agent.yaml': ds('agent', 8080, '\n      hostNetwork: false') })).toEqual([]);
    // Variants side by side in one directory, sharing a Service.
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: agent, namespace: edge}\nspec:\n  selector: {app: agent}\n  ports: [{port: 8080}]\n';
    expect(await lint({ 'agent.yaml': ds('agent', 8080), 'agent-debug.yaml': ds('agent', 8080, '\n      hostPID: false'), 'service.yaml': svc })).toEqual([]);
    // The same object twice in one file.
    expect(await lint({ 'both.yaml': `${ds('agent', 8080)}---\n${ds('agent', 8081)}` })).toEqual(['both.yaml:22 duplicate-object']);
    // A real collision between two different objects across files of one unit is still found.
    expect(await lint({ 'a.yaml': ds('agent', 8080), 'b.yaml': ds('proxy', 8080) })).toEqual(['a.yaml:17 host-port-conflict', 'b.yaml:17 host-port-conflict']);
  });

  it('groups directories: alternatives split, what is above them is shared, unrelated trees stay together', async () => {
    const f = (path: string, text: string) => parseSource({ path, text });
    const groups = directoryUnits([
      f('common/rbac.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: agent, namespace: edge}\n'),
      f('envs/dev/agent.yaml', ds('agent', 8080)),
      f('envs/prod/agent.yaml', ds('agent', 9090)),
      f('envs/shared.yaml', ds('other', 7070)),
    ]);
    expect(groups.map((g) => [g.name, g.files.map((x) => x.path).sort()])).toEqual([
      ['envs/dev', ['common/rbac.yaml', 'envs/dev/agent.yaml', 'envs/shared.yaml']],
      ['envs/prod', ['common/rbac.yaml', 'envs/prod/agent.yaml', 'envs/shared.yaml']],
    ]);
  });
});

describe('config clusters', () => {
  it('a clusters entry is one unit, validated like the rest of the config', async () => {
    const dir = workdir({
      '.daemonlint.yaml': 'clusters:\n  edge: [dev/, shared/]\n',
      'dev/agent.yaml': ds('agent', 8080),
      'prod/agent.yaml': ds('agent', 9090),
      'shared/proxy.yaml': ds('proxy', 8080),
    });
    const r = await lintJson([], dir);
    expect(keys(r.findings.filter((f) => f.severity === 'error'))).toEqual(['dev/agent.yaml:17:41 host-port-conflict', 'shared/proxy.yaml:17:41 host-port-conflict']);
    expect(r.findings.find((f) => f.ruleId === 'host-port-conflict')!.units).toEqual(['edge']);
    const bad = workdir({ '.daemonlint.yaml': 'clusters:\n  edge: {files: dev}\n', 'a.yaml': ds('agent', 1) });
    const b = await runMain([], { cwd: bad });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/\.daemonlint\.yaml:2:9: clusters\.edge: must be a glob or a list of globs/);
  });
});

describe('what the user did not ask for', () => {
  it('an empty directory is an error unless --allow-empty; named files never are', async () => {
    const dir = workdir({ 'notes.yaml': 'title: not a manifest\n', 'sub/.keep': '' });
    const r = await runMain([], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'daemonlint: no Kubernetes objects found in the current directory (files ignored by .gitignore are skipped; --no-ignore reads them); name the directory or files holding your manifests, or pass --allow-empty\n',
    );
    expect((await runMain(['sub'], { cwd: dir })).stderr).toContain('no Kubernetes objects found in sub');
    expect((await runMain(['--allow-empty'], { cwd: dir })).code).toBe(0);
    expect((await runMain(['notes.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('.gitignore rules apply to directory walks and globs, never to what is named; --no-ignore turns them off', async () => {
    const dir = workdir({
      '.gitignore': 'out/\n*.generated.yaml\n!keep.generated.yaml\n',
      'deploy/agent.yaml': ds('agent', 8080),
      'deploy/agent.generated.yaml': ds('agent-copy', 9090),
      'deploy/keep.generated.yaml': ds('kept', 7070),
      'out/rendered.yaml': ds('rendered', 6060),
    });
    const files = async (args: string[]) => [...new Set((await lintJson(args, dir)).findings.map((f) => f.file))].sort();
    expect(await files([])).toEqual(['deploy/agent.yaml', 'deploy/keep.generated.yaml']);
    expect(await files(['deploy/*.yaml'])).toEqual(['deploy/agent.yaml', 'deploy/keep.generated.yaml']);
    expect(await files(['out'])).toEqual(['out/rendered.yaml']);
    expect(await files(['deploy/agent.generated.yaml'])).toEqual(['deploy/agent.generated.yaml']);
    expect(await files(['--no-ignore'])).toEqual(['deploy/agent.generated.yaml', 'deploy/agent.yaml', 'deploy/keep.generated.yaml', 'out/rendered.yaml']);
  });

  it('Jinja and Salt templates are one note, not a cascade of YAML errors', async () => {
    const dir = workdir({
      'salt.yaml': "{% set port = pillar['agent']['port'] %}\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ pillar['agent']['name'] }}\nspec:\n  ports: [{port: {{ port }}}]\n",
    });
    const r = await lintJson([], dir);
    expect(r.findings.map((f) => `${f.line} ${f.ruleId} ${f.severity}`)).toEqual(['1 unrendered-template info']);
    expect(r.findings[0]!.message).toContain('Jinja');
  });
});

describe('helm template output', () => {
  const rendered = `---
# Source: agent/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: r-agent
---
# Source: agent/templates/daemonset.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: r-agent
spec:
  selector:
    matchLabels: {app: r-agent}
  template:
    metadata:
      labels: {app: r-agent}
    spec:
      priorityClassName: system-node-critical
      containers:
        - name: agent
          image: registry.example.com/agent:1.0.0
          securityContext:
            privileged: true
`;
  const template = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ .Release.Name }}-agent
spec:
  template:
    spec:
      containers:
        - name: agent
          securityContext:
            privileged: {{ .Values.privileged }}
`;

  it('names the template, and its line when the chart source is linted too and the key is there once', async () => {
    const dir = workdir({ 'out/agent.yaml': rendered, 'charts/agent/Chart.yaml': 'apiVersion: v2\nname: agent\nversion: 1.0.0\n', 'charts/agent/templates/daemonset.yaml': template });
    const r = await lintJson([], dir);
    const f = r.findings.find((x) => x.ruleId === 'privileged-container')!;
    expect(f).toMatchObject({ file: 'out/agent.yaml', line: 25 });
    expect(f.related).toContainEqual({ file: 'charts/agent/templates/daemonset.yaml', line: 11, column: 13, endLine: 11, endColumn: 23, message: 'rendered from privileged in the template agent/templates/daemonset.yaml' });
    // From stdin, without the chart: the template is named.
    const s = await runMain(['-f', 'json', '--stdin-filename', 'rendered.yaml', '-'], { cwd: workdir(), input: rendered });
    const g = (JSON.parse(s.stdout).findings as JsonFinding[]).find((x) => x.ruleId === 'privileged-container')!;
    expect(g.related).toContainEqual(expect.objectContaining({ file: 'agent/templates/daemonset.yaml', line: 1, message: 'rendered from the template agent/templates/daemonset.yaml' }));
    // Text output shows it too.
    expect((await runMain([], { cwd: dir })).stdout).toContain('↳ charts/agent/templates/daemonset.yaml:11:13 rendered from privileged');
  });

  it('reads a template only inside its chart, whatever the # Source: comment says', async () => {
    const dir = workdir({
      'out/agent.yaml': rendered.replace('# Source: agent/templates/daemonset.yaml', '# Source: agent/templates/../../../private/daemonset.yaml'),
      'charts/agent/Chart.yaml': 'apiVersion: v2\nname: agent\nversion: 1.0.0\n',
      'charts/agent/templates/daemonset.yaml': template,
      'private/daemonset.yaml': template,
    });
    const f = (await lintJson(['out', 'charts'], dir)).findings.find((x) => x.ruleId === 'privileged-container')!;
    // Named as the comment says, but not opened: no line of it.
    expect(f.related).toContainEqual(expect.objectContaining({ line: 1, column: 1, message: 'rendered from the template agent/templates/../../../private/daemonset.yaml' }));
  });
});

describe('coverage per unit', () => {
  it('shows each DaemonSet as its unit deploys it, naming the units', async () => {
    const r = await runMain(['coverage', '-f', 'json'], { cwd: join(REPOS, 'multi-env') });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).daemonSets as { namespace: string; name: string; file: string; units?: string[] }[];
    expect(rows.map((d) => `${d.namespace}/${d.name} ${d.units!.join(',')}`)).toEqual([
      'agents-dev/dev-node-agent overlays/dev',
      'agents/node-agent overlays/prod',
      'agents/node-exporter overlays/prod',
      'edge/edge-agent envs/production',
      'edge/edge-agent envs/staging',
      'kube-system/cni-node variants/cni-ebpf.yaml',
      'kube-system/cni-node variants/cni-iptables.yaml',
      'logging/log-agent-linux envs/production,envs/staging,variants/cni-ebpf.yaml,variants/cni-iptables.yaml',
      'logging/log-agent-windows envs/production,envs/staging,variants/cni-ebpf.yaml,variants/cni-iptables.yaml',
    ]);
  });
});

describe('kustomizations kustomize would refuse', () => {
  it('are one finding each at the offending entry, never a crash', async () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {a: b}, ports: [{port: 1}]}\n';
    const dir = workdir({
      'a/kustomization.yaml': 'resources: agent.yaml\npatches: {path: x}\n',
      'c/kustomization.yaml': 'resources: [., ../c]\n',
      'd/kustomization.yaml': 'resources: [s.yaml]\npatches:\n  - target: {kind: "(", name: "["}\n    patch: "- op: remove\\n  path: /nope"\n  - target: {kind: Service}\n    patch: "[1, 2"\n  - path: .\n',
      'd/s.yaml': svc,
      'e/kustomization.yaml': 'resources: [../d/s.yaml]\npatchesJson6902:\n  - target: {kind: Service, name: s}\n    patch: "{op: add}"\n  - path: nope.yaml\npatchesStrategicMerge: [missing.yaml, 7]\ncommonLabels: [a]\n',
    });
    const r = await lintJson([], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual([
      'a/kustomization.yaml:1:1 `resources` must be a list of paths; kustomize cannot build this.',
      'a/kustomization.yaml:2:1 `patches` must be a list; kustomize cannot build this.',
      'c/kustomization.yaml:1:13 . is already being built (a cycle of kustomizations).',
      'c/kustomization.yaml:1:16 ../c is already being built (a cycle of kustomizations).',
      'd/kustomization.yaml:3:5 This patch matches no object of the build (( [); kustomize refuses it.',
      'd/kustomization.yaml:6:5 This inline patch is not valid YAML.',
      'd/kustomization.yaml:7:5 . is a directory, not a patch file; kustomize cannot build this.',
      'e/kustomization.yaml:3:5 This JSON patch cannot be applied to Service s: a JSON patch must be a list of operations.',
      'e/kustomization.yaml:5:5 A JSON patch needs a target.',
      'e/kustomization.yaml:6:25 missing.yaml does not exist; kustomize cannot build this.',
      'e/kustomization.yaml:6:39 This `patchesStrategicMerge` entry must be a path (a string); kustomize cannot build this.',
      'e/kustomization.yaml:7:1 `commonLabels` must be a mapping of names to values; kustomize cannot build this.',
    ]);
  });
});
