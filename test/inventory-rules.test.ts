// Cross-resource node-coverage rules run with and without a node inventory.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { loadInventory } from '../src/load/inventory.js';
import { parseSource } from '../src/load/parse.js';
import type { NodeInfo } from '../src/types.js';
import { FIXTURES } from './helpers/fixtures.js';

const COVERAGE_RULES = [
  'local-traffic-gap',
  'daemonset-no-nodes',
  'service-selects-nothing',
  'service-target-port',
  'surge-host-port',
  'host-port-conflict',
  'overlapping-selectors',
  'node-name-pinned',
  'missing-priority-class',
];
const rules = allRules.filter((r) => COVERAGE_RULES.includes(r.meta.id));
const mixed = () => loadInventory(['mixed.yaml'], join(FIXTURES, 'inventories'));

async function lintTexts(texts: Record<string, string>, nodes?: NodeInfo[]) {
  const files = Object.entries(texts).map(([path, text]) => parseSource({ path, text }));
  const { findings, internalErrors } = await lintAsync(files, { rules, nodes });
  expect(internalErrors).toEqual([]);
  return findings;
}

const LINUX_AGENT = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: agents
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
        - name: agent
          image: example/node-agent:2.1.0
`;

const LOCAL_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: node-agent
  namespace: agents
spec:
  selector: {app: node-agent}
  internalTrafficPolicy: Local
  ports:
    - port: 4317
`;

describe('rules were generated into the index', () => {
  it('has all nine node-coverage rules', () => {
    expect(rules.map((r) => r.meta.id).sort()).toEqual([...COVERAGE_RULES].sort());
  });
});

describe('local-traffic-gap with an inventory (the done criterion)', () => {
  it('names the control-plane and Windows nodes, not the Linux worker', async () => {
    const findings = await lintTexts({ 'agent.yaml': LINUX_AGENT, 'service.yaml': LOCAL_SERVICE }, mixed());
    const gap = findings.filter((f) => f.ruleId === 'local-traffic-gap');
    expect(gap).toHaveLength(1);
    const f = gap[0]!;
    expect(f).toMatchObject({ file: 'service.yaml', line: 8, severity: 'warning', path: 'spec.internalTrafficPolicy' });
    expect(f.message).toContain('cp-1');
    expect(f.message).toContain('win-1');
    expect(f.message).not.toContain('worker-1');
    expect(f.message).toMatch(/^Connections from cp-1, win-1 to Service agents\/node-agent are dropped: DaemonSet node-agent does not run there \(/);
    expect(f.message).toContain('taint node-role.kubernetes.io/control-plane:NoSchedule not tolerated');
    expect(f.message).toContain('nodeSelector kubernetes.io/os=linux');
    // Related locations: the template spec (no tolerations) and the nodeSelector entry.
    expect(f.related?.map((r) => `${r.file}:${r.line}`)).toEqual(['agent.yaml:12', 'agent.yaml:14']);
  });

  it('is silent once the DaemonSet covers every node', async () => {
    const everywhere = LINUX_AGENT.replace("      nodeSelector:\n        kubernetes.io/os: linux\n", '      tolerations:\n        - operator: Exists\n');
    const findings = await lintTexts({ 'agent.yaml': everywhere, 'service.yaml': LOCAL_SERVICE }, mixed());
    expect(findings.filter((f) => f.ruleId === 'local-traffic-gap')).toEqual([]);
  });

  it('names up to five nodes; more, by the groups they form', async () => {
    const few: NodeInfo[] = Array.from({ length: 5 }, (_, i) => ({ name: `win-${i + 1}`, labels: { 'kubernetes.io/os': 'windows' }, taints: [] }));
    few.push({ name: 'worker-1', labels: { 'kubernetes.io/os': 'linux' }, taints: [] });
    const named = (await lintTexts({ 'all.yaml': `${LINUX_AGENT}---\n${LOCAL_SERVICE}` }, few)).find((x) => x.ruleId === 'local-traffic-gap')!;
    expect(named.message).toContain('Connections from win-1, win-2, win-3, win-4, win-5 to Service');
    const many: NodeInfo[] = Array.from({ length: 9 }, (_, i) => ({ name: `win-${i + 1}`, labels: { 'kubernetes.io/os': 'windows' }, taints: [] }));
    many.push({ name: 'worker-1', labels: { 'kubernetes.io/os': 'linux' }, taints: [] });
    const f = (await lintTexts({ 'all.yaml': `${LINUX_AGENT}---\n${LOCAL_SERVICE}` }, many)).find((x) => x.ruleId === 'local-traffic-gap')!;
    expect(f.message).toContain('Connections from the 9 nodes with kubernetes.io/os=windows to Service agents/node-agent are dropped');
    expect(f.related!.map((r) => r.message)).toEqual(['DaemonSet node-agent: nodeSelector kubernetes.io/os=linux (the 9 nodes with kubernetes.io/os=windows)']);
  });

  it('names the pool: "the 300 nodes of pool gpu-a100", not 300 node names', async () => {
    const nodes: NodeInfo[] = [
      ...Array.from({ length: 300 }, (_, i): NodeInfo => ({
        name: `ip-10-1-${i >> 8}-${i & 255}.eu-west-1.compute.internal`,
        labels: { 'kubernetes.io/os': 'linux', 'eks.amazonaws.com/nodegroup': 'gpu-a100' },
        taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      })),
      ...Array.from({ length: 40 }, (_, i): NodeInfo => ({ name: `ip-10-0-0-${i}.eu-west-1.compute.internal`, labels: { 'kubernetes.io/os': 'linux', 'eks.amazonaws.com/nodegroup': 'general' }, taints: [] })),
      { name: 'win-1', labels: { 'kubernetes.io/os': 'windows', 'eks.amazonaws.com/nodegroup': 'windows' }, taints: [] },
    ];
    const f = (await lintTexts({ 'agent.yaml': LINUX_AGENT, 'service.yaml': LOCAL_SERVICE }, nodes)).find((x) => x.ruleId === 'local-traffic-gap')!;
    expect(f.message).toMatch(/^Connections from the 300 nodes of pool gpu-a100, win-1 to Service agents\/node-agent are dropped: DaemonSet node-agent does not run there \(taint nvidia\.com\/gpu=present:NoSchedule not tolerated; nodeSelector kubernetes\.io\/os=linux\)/);
    expect(f.message).not.toContain('compute.internal');
    expect(f.related!.map((r) => r.message)).toEqual([
      'DaemonSet node-agent: taint nvidia.com/gpu=present:NoSchedule not tolerated (the 300 nodes of pool gpu-a100)',
      'DaemonSet node-agent: nodeSelector kubernetes.io/os=linux (win-1)',
    ]);
  });

  it('without an inventory, reasons from the template and says so', async () => {
    const pooled = LINUX_AGENT.replace('kubernetes.io/os: linux', 'kubernetes.io/os: linux\n        example.com/pool: agents');
    const findings = await lintTexts({ 'agent.yaml': pooled, 'service.yaml': LOCAL_SERVICE });
    const f = findings.find((x) => x.ruleId === 'local-traffic-gap')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('judging from the template alone (no node inventory)');
    expect(f.message).toContain('nodeSelector kubernetes.io/os=linux, example.com/pool=agents');
  });

  it('without an inventory, a Linux-only DaemonSet is an info that names the condition (Windows nodes)', async () => {
    const findings = await lintTexts({ 'agent.yaml': LINUX_AGENT, 'service.yaml': LOCAL_SERVICE });
    const f = findings.find((x) => x.ruleId === 'local-traffic-gap')!;
    expect(f.severity).toBe('info');
    expect(f.message).toContain('nodeSelector kubernetes.io/os=linux');
    expect(f.message).toContain('a gap only if the cluster has Windows nodes');
    expect(f.message).toContain('Without a node inventory this cannot be told');
  });
});

describe('a clean DaemonSet + Service pair', () => {
  const clean = {
    'daemonset.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: agents
spec:
  selector:
    matchLabels: {app: node-agent}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      priorityClassName: system-node-critical
      tolerations:
        - operator: Exists
      containers:
        - name: agent
          image: example/node-agent:2.1.0
          ports:
            - name: otlp
              containerPort: 4317
              hostPort: 4317
`,
    'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: node-agent
  namespace: agents
spec:
  selector: {app: node-agent}
  internalTrafficPolicy: Local
  ports:
    - name: otlp
      port: 4317
      targetPort: otlp
`,
  };
  it('produces no finding without an inventory', async () => {
    expect(await lintTexts(clean)).toEqual([]);
  });
  it('produces no finding with an inventory', async () => {
    expect(await lintTexts(clean, mixed())).toEqual([]);
  });
});

describe('malformed input', () => {
  it('never makes a rule throw', async () => {
    const weird = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: weird, namespace: [x]}
spec:
  selector: {matchLabels: [a], matchExpressions: {key: a}}
  updateStrategy: {rollingUpdate: {maxSurge: [1]}}
  template:
    metadata: {labels: {app: [weird]}}
    spec:
      nodeSelector: [linux]
      nodeName: {a: b}
      hostNetwork: "yes"
      priorityClassName: 7
      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [null, 3, {matchExpressions: [null, {key: 1}]}, {matchFields: "x"}]}}}
      tolerations: {key: a}
      containers:
        - null
        - name: c
          ports: [null, {containerPort: "abc", hostPort: -1}, {containerPort: 10250, hostPort: 10250, protocol: 5}]
---
apiVersion: v1
kind: Service
metadata: {name: weird}
spec:
  selector: {app: {nested: true}}
  internalTrafficPolicy: Local
  ports: [null, {port: "x", targetPort: [1]}, {port: 80, targetPort: -3}]
---
apiVersion: v1
kind: Service
metadata: {name: weird2}
spec: [1, 2]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: "nothing"
`;
    const nodes: NodeInfo[] = [{ name: 'n', labels: {}, taints: [{ key: 'k', effect: 'NoSchedule' }] }];
    const findings = await lintTexts({ 'weird.yaml': weird }, nodes);
    // The kubelet port is still recognised.
    expect(findings.some((f) => f.ruleId === 'host-port-conflict' && f.message.includes('10250'))).toBe(true);
  });
});

describe('one finding per object, never one per pair', () => {
  it('host-port-conflict reports each colliding DaemonSet once, overlapping-selectors each overlap on the first controller', async () => {
    const ds = (name: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: shared}}
  template:
    metadata: {labels: {app: shared}}
    spec:
      containers:
        - name: c
          image: example/c:1
          ports: [{containerPort: 9100, hostPort: 9100}]
`;
    const findings = await lintTexts({ 'a.yaml': ds('a'), 'b.yaml': ds('b'), 'c.yaml': ds('c') });
    const keys = (id: string) => findings.filter((f) => f.ruleId === id).map((f) => `${f.file} ${f.related!.map((r) => r.file).join(',')}`);
    // Three DaemonSets on one port: one finding on each, naming the two others (output grows with the objects, not with
    // the pairs); overlapping selectors are reported once per controller, naming every later controller it overlaps.
    expect(keys('host-port-conflict')).toEqual(['a.yaml b.yaml,c.yaml', 'b.yaml a.yaml,c.yaml', 'c.yaml a.yaml,b.yaml']);
    expect(findings.find((f) => f.ruleId === 'host-port-conflict')!.message).toContain('and so do 2 other workloads');
    expect(keys('overlapping-selectors')).toEqual(['a.yaml b.yaml,c.yaml', 'b.yaml c.yaml']);
  });
});
