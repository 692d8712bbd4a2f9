// Node groups: nodes that no DaemonSet tells apart, and their names.
import { describe, expect, it } from 'vitest';
import { nodeConstraints } from '../src/k8s/nodes.js';
import { excludingTaints, groupNodes, groupPhrase, listGroups, nodeReads, type NodeGroup } from '../src/k8s/nodes-pools.js';
import { podTemplate } from '../src/k8s/workloads.js';
import { parseSource } from '../src/load/parse.js';
import type { NodeInfo } from '../src/types.js';

/** Constraints of DaemonSets with the given Pod specs (YAML flow mappings). */
function constraints(...specs: string[]) {
  const text = specs
    .map((spec, i) => `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d${i}}\nspec:\n  selector: {matchLabels: {app: d${i}}}\n  template:\n    metadata: {labels: {app: d${i}}}\n    spec: ${spec}\n`)
    .join('---\n');
  return parseSource({ path: 'ds.yaml', text }).manifests.map((m) => nodeConstraints(podTemplate(m)!));
}

const node = (name: string, labels: Record<string, string> = {}, taints: NodeInfo['taints'] = []): NodeInfo => ({ name, labels, taints });
const names = (groups: NodeGroup[]) => groups.map((g) => [g.name, g.nodes.map((n) => n.name)]);

describe('nodeReads', () => {
  it('collects the labels and node names the templates read', () => {
    const reads = nodeReads(
      constraints(
        '{nodeSelector: {kubernetes.io/os: linux}, containers: []}',
        '{nodeName: node-7, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a]}], matchFields: [{key: metadata.name, operator: NotIn, values: [node-1, node-2]}]}]}}}, containers: []}',
      ),
    );
    expect(reads).toEqual({ labels: ['kubernetes.io/os', 'zone'], names: new Set(['node-7', 'node-1', 'node-2']), allNames: false });
  });
});

describe('excludingTaints', () => {
  it('keeps the taints that can keep some DaemonSet off a node', () => {
    const n = node('n', {}, [
      { key: 'gpu', effect: 'NoSchedule' },
      { key: 'soon', effect: 'PreferNoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, // every daemon Pod tolerates it
      { key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }, // only hostNetwork ones do
    ]);
    expect(excludingTaints(n)).toEqual([
      { key: 'gpu', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' },
    ]);
  });
});

describe('groupNodes', () => {
  const ds = constraints('{nodeSelector: {kubernetes.io/os: linux}, containers: []}');

  it('groups nodes by the labels read and the taints, ignoring everything else', () => {
    const nodes = [
      node('a-1', { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'a-1', zone: 'x' }),
      node('b-1', { 'kubernetes.io/os': 'windows' }),
      node('a-2', { 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'a-2', zone: 'y' }, [{ key: 'soon', effect: 'PreferNoSchedule' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]),
      node('c-1', { 'kubernetes.io/os': 'linux' }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]),
      node('c-2', { 'kubernetes.io/os': 'linux' }, [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }]),
    ];
    const groups = groupNodes(ds, nodes);
    expect(groups.map((g) => g.nodes.map((n) => n.name))).toEqual([['b-1'], ['c-1'], ['c-2'], ['a-1', 'a-2']]);
    const linux = groups.find((g) => g.nodes.length === 2)!;
    expect(linux).toMatchObject({ name: 'other nodes', naming: 'traits', count: 2, labels: { 'kubernetes.io/os': 'linux' }, taints: [], traits: [] });
    expect(groups.find((g) => g.name === 'c-1')!.traits).toEqual(['taint dedicated=db:NoSchedule']);
    expect(groups.find((g) => g.name === 'b-1')!.traits).toEqual(['kubernetes.io/os=windows']);
  });

  it('one group per node with byNode, in inventory order', () => {
    const nodes = [node('z'), node('a'), node('m')];
    expect(groupNodes(ds, nodes, { byNode: true }).map((g) => g.name)).toEqual(['z', 'a', 'm']);
  });

  it('sets apart the nodes a nodeName or matchFields term names, and only those', () => {
    const pinned = constraints('{nodeName: n2, containers: []}', '{affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [n4]}]}]}}}, containers: []}');
    const groups = groupNodes(pinned, ['n1', 'n2', 'n3', 'n4', 'n5'].map((n) => node(n)));
    expect(groups.map((g) => g.nodes.map((n) => n.name))).toEqual([['n2'], ['n4'], ['n1', 'n3', 'n5']]);
    // Gt/Lt on names compare whole names: every node is its own group.
    const numeric = constraints('{affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: Gt, values: ["5"]}]}]}}}, containers: []}');
    expect(groupNodes(numeric, ['1', '7', '9'].map((n) => node(n)))).toHaveLength(3);
  });

  it('keeps partitions apart and counts nodes that stand for many', () => {
    const a = node('a', { 'kubernetes.io/os': 'linux' });
    const t = node('pool (new node)', { 'kubernetes.io/os': 'linux' });
    const groups = groupNodes(ds, [a, node('b', { 'kubernetes.io/os': 'linux' }), t], { partition: (n) => (n === t ? 'added' : ''), count: (n) => (n === t ? 300 : 1) });
    expect(groups.map((g) => [g.partition, g.count, g.nodes.length])).toEqual([
      ['', 2, 2],
      ['added', 300, 1],
    ]);
  });

  it('many nodes in a few pools become a few groups: 20,000 nodes in 10 pools', () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) => node(`n-${i}`, { 'kubernetes.io/os': 'linux', 'example.com/pool': `p${i % 10}` }));
    const groups = groupNodes(constraints('{nodeSelector: {example.com/pool: p3}, containers: []}'), nodes);
    expect(groups.map((g) => g.count)).toEqual(Array(10).fill(2_000));
  });
});

describe('group names', () => {
  const reading = (key: string) => constraints(`{nodeSelector: {${key}: x}, containers: []}`);

  for (const [label, provider] of [
    ['eks.amazonaws.com/nodegroup', 'EKS'],
    ['cloud.google.com/gke-nodepool', 'GKE'],
    ['kubernetes.azure.com/agentpool', 'AKS'],
    ['karpenter.sh/nodepool', 'Karpenter'],
  ] as const) {
    it(`from the ${provider} pool label`, () => {
      const nodes = [node('n1', { [label]: 'gpu', t: '1' }), node('n2', { [label]: 'gpu', t: '1' }), node('n3', { [label]: 'web' }), node('n4', { [label]: 'web' })];
      const groups = groupNodes(reading('t'), nodes);
      expect(names(groups)).toEqual([
        ['gpu', ['n1', 'n2']],
        ['web', ['n3', 'n4']],
      ]);
      expect(groups[0]!.pool).toEqual({ key: label, values: ['gpu'] });
      expect(groupPhrase(groups[0]!)).toBe('the 2 nodes of pool gpu');
    });
  }

  it('from node roles and instance types, and from several pools merged', () => {
    const nodes = [
      node('cp-1', { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' }, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]),
      node('cp-2', { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' }, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]),
      node('w-1', { 'node.kubernetes.io/instance-type': 'm5.large' }),
      node('w-2', { 'node.kubernetes.io/instance-type': 'm5.large' }),
      node('g-1', { 'eks.amazonaws.com/nodegroup': 'gpu-b', gpu: 'true' }),
      node('g-2', { 'eks.amazonaws.com/nodegroup': 'gpu-a', gpu: 'true' }),
    ];
    const groups = groupNodes(reading('gpu'), nodes);
    expect(names(groups)).toEqual([
      ['control-plane+master', ['cp-1', 'cp-2']],
      ['gpu-a, gpu-b', ['g-1', 'g-2']],
      ['m5.large', ['w-1', 'w-2']],
    ]);
    expect(groups.map(groupPhrase)).toEqual(['the 2 control-plane+master nodes', 'the 2 nodes of pools gpu-a, gpu-b', 'the 2 m5.large nodes']);
  });

  it('from what sets a group apart, when no pool label names it', () => {
    const nodes = [node('w1', { 'kubernetes.io/os': 'windows' }), node('w2', { 'kubernetes.io/os': 'windows' }), node('l1', { 'kubernetes.io/os': 'linux' }), node('l2', { 'kubernetes.io/os': 'linux' }), node('l3', { 'kubernetes.io/os': 'linux' })];
    const groups = groupNodes(reading('kubernetes.io/os'), nodes);
    // One group each: neither value is the usual one, so each names its group.
    expect(names(groups)).toEqual([
      ['kubernetes.io/os=linux', ['l1', 'l2', 'l3']],
      ['kubernetes.io/os=windows', ['w1', 'w2']],
    ]);
    expect(groupPhrase(groups[1]!)).toBe('the 2 nodes with kubernetes.io/os=windows');
    const all = groupNodes(reading('kubernetes.io/os'), nodes.slice(2));
    expect(names(all)).toEqual([['all nodes', ['l1', 'l2', 'l3']]]);
    expect(groupPhrase(all[0]!)).toBe('all 3 nodes');
  });

  it('tells apart groups that share a pool name', () => {
    const nodes = [node('a1', { 'eks.amazonaws.com/nodegroup': 'mixed', 'kubernetes.io/arch': 'arm64' }), node('a2', { 'eks.amazonaws.com/nodegroup': 'mixed', 'kubernetes.io/arch': 'arm64' }), node('b1', { 'eks.amazonaws.com/nodegroup': 'mixed', 'kubernetes.io/arch': 'amd64' }), node('b2', { 'eks.amazonaws.com/nodegroup': 'mixed', 'kubernetes.io/arch': 'amd64' })];
    const groups = groupNodes(reading('kubernetes.io/arch'), nodes);
    expect(groups.map((g) => g.name).sort()).toEqual(['mixed (kubernetes.io/arch=amd64)', 'mixed (kubernetes.io/arch=arm64)']);
  });

  it('lists groups in a sentence, up to a limit', () => {
    const groups = groupNodes(reading('t'), ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => node(n, { t: n })));
    expect(listGroups(groups)).toBe('a, b, c, d, e and 2 more nodes');
    const pools = groupNodes(reading('t'), ['a', 'b', 'c'].flatMap((p) => [node(`${p}1`, { t: p, 'karpenter.sh/nodepool': p }), node(`${p}2`, { t: p, 'karpenter.sh/nodepool': p })]));
    expect(listGroups(pools, 1)).toBe('the 2 nodes of pool a and 2 more groups (4 nodes)');
    expect(listGroups(groups.slice(0, 2))).toBe('a, b');
  });
});
