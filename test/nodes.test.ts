import { describe, expect, it } from 'vitest';
import {
  analyzeTemplate,
  describeReason,
  describeReasonShort,
  nodeConstraints,
  onlyLinuxRestricted,
  placeOnNode,
  templatesMayShareNode,
  tolerates,
  type Toleration,
} from '../src/k8s/nodes.js';
import type { PodTemplate } from '../src/k8s/workloads.js';
import type { NodeInfo } from '../src/types.js';

function template(spec: Record<string, unknown>): PodTemplate {
  return { spec, specPath: ['spec', 'template', 'spec'], metadata: {}, metadataPath: ['spec', 'template', 'metadata'] };
}

function node(name: string, labels: Record<string, string> = {}, taints: NodeInfo['taints'] = []): NodeInfo {
  return { name, labels, taints };
}

const linux = node('worker-1', { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'example.com/cores': '16' });
const windows = node('win-1', { 'kubernetes.io/os': 'windows', 'kubernetes.io/arch': 'amd64' });
const controlPlane = node('cp-1', { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '' }, [
  { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
]);

function runs(spec: Record<string, unknown>, n: NodeInfo, daemon = true): boolean {
  return placeOnNode(nodeConstraints(template(spec)), n, daemon).runs;
}

function affinity(...terms: unknown[]): Record<string, unknown> {
  return { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } };
}

function expr(key: string, operator: string, values?: string[]): Record<string, unknown> {
  return { matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] };
}

describe('nodeSelector', () => {
  it('requires every label to match', () => {
    expect(runs({ nodeSelector: { 'kubernetes.io/os': 'linux' } }, linux)).toBe(true);
    expect(runs({ nodeSelector: { 'kubernetes.io/os': 'linux' } }, windows)).toBe(false);
    expect(runs({ nodeSelector: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64' } }, linux)).toBe(false);
  });
  it('explains which entry failed and what the node has', () => {
    const p = placeOnNode(nodeConstraints(template({ nodeSelector: { 'kubernetes.io/os': 'linux', gpu: 'true' } })), windows);
    expect(p.reasons.map(describeReason)).toEqual([
      'nodeSelector kubernetes.io/os=linux: the node has kubernetes.io/os=windows',
      'nodeSelector gpu=true: the node has no gpu label',
    ]);
    expect(p.reasons[0]).toMatchObject({ kind: 'nodeSelector', path: ['spec', 'template', 'spec', 'nodeSelector', 'kubernetes.io/os'] });
  });
  it('compares YAML 1.1 booleans and numbers as their string form', () => {
    expect(runs({ nodeSelector: { 'example.com/cores': 16 } }, linux)).toBe(true);
  });
});

describe('required node affinity operators', () => {
  it('In / NotIn', () => {
    expect(runs(affinity(expr('kubernetes.io/os', 'In', ['linux', 'darwin'])), linux)).toBe(true);
    expect(runs(affinity(expr('kubernetes.io/os', 'In', ['linux'])), windows)).toBe(false);
    expect(runs(affinity(expr('kubernetes.io/os', 'NotIn', ['windows'])), linux)).toBe(true);
    expect(runs(affinity(expr('kubernetes.io/os', 'NotIn', ['windows'])), windows)).toBe(false);
    // NotIn holds when the label is missing.
    expect(runs(affinity(expr('example.com/pool', 'NotIn', ['spot'])), linux)).toBe(true);
  });
  it('Exists / DoesNotExist', () => {
    expect(runs(affinity(expr('node-role.kubernetes.io/control-plane', 'Exists')), controlPlane)).toBe(false); // taint still applies
    expect(runs({ ...affinity(expr('node-role.kubernetes.io/control-plane', 'Exists')), tolerations: [{ operator: 'Exists' }] }, controlPlane)).toBe(true);
    expect(runs(affinity(expr('node-role.kubernetes.io/control-plane', 'Exists')), linux)).toBe(false);
    expect(runs(affinity(expr('node-role.kubernetes.io/control-plane', 'DoesNotExist')), linux)).toBe(true);
  });
  it('Gt / Lt compare integers and fail on missing or non-numeric labels', () => {
    expect(runs(affinity(expr('example.com/cores', 'Gt', ['8'])), linux)).toBe(true);
    expect(runs(affinity(expr('example.com/cores', 'Gt', ['16'])), linux)).toBe(false);
    expect(runs(affinity(expr('example.com/cores', 'Lt', ['32'])), linux)).toBe(true);
    expect(runs(affinity(expr('example.com/cores', 'Lt', ['16'])), linux)).toBe(false);
    expect(runs(affinity(expr('example.com/cores', 'Gt', ['8'])), windows)).toBe(false);
    expect(runs(affinity(expr('kubernetes.io/os', 'Gt', ['1'])), linux)).toBe(false);
  });
  it('an unknown operator matches no node', () => {
    expect(runs(affinity(expr('kubernetes.io/os', 'Equals', ['linux'])), linux)).toBe(false);
  });
  it('ANDs expressions inside a term and ORs terms', () => {
    const and = affinity({
      matchExpressions: [
        { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
        { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
      ],
    });
    expect(runs(and, linux)).toBe(false);
    const or = affinity(expr('kubernetes.io/arch', 'In', ['arm64']), expr('kubernetes.io/os', 'In', ['windows']));
    expect(runs(or, linux)).toBe(false);
    expect(runs(or, windows)).toBe(true);
    const reasons = placeOnNode(nodeConstraints(template(or)), linux).reasons;
    expect(reasons).toHaveLength(1);
    expect(describeReason(reasons[0]!)).toBe(
      'required node affinity: term 0: kubernetes.io/arch=arm64 fails (the node has kubernetes.io/arch=amd64); term 1: kubernetes.io/os=windows fails (the node has kubernetes.io/os=linux)',
    );
    expect(describeReasonShort(reasons[0]!)).toBe('required node affinity (none of 2 terms)');
  });
  it('matchFields on metadata.name', () => {
    const pinned = affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['win-1'] }] });
    expect(runs(pinned, windows)).toBe(true);
    expect(runs(pinned, linux)).toBe(false);
    const notThere = affinity({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['win-1'] }] });
    expect(runs(notThere, linux)).toBe(true);
    expect(runs(notThere, windows)).toBe(false);
  });
  it('an empty term, or no terms at all, matches no node', () => {
    expect(runs(affinity({}), linux)).toBe(false);
    expect(runs(affinity(), linux)).toBe(false);
  });
  it('preferred affinity never excludes a node', () => {
    const preferred = {
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: expr('kubernetes.io/os', 'In', ['windows']) }] } },
    };
    expect(runs(preferred, linux)).toBe(true);
  });
});

describe('nodeName', () => {
  it('pins the Pod to one node', () => {
    expect(runs({ nodeName: 'worker-1' }, linux)).toBe(true);
    expect(runs({ nodeName: 'worker-1' }, windows)).toBe(false);
    expect(describeReason(placeOnNode(nodeConstraints(template({ nodeName: 'worker-1' })), windows).reasons[0]!)).toBe('nodeName pins the Pods to worker-1');
  });
});

describe('taints and tolerations', () => {
  const tol = (t: Partial<Toleration>): Toleration => ({ key: '', operator: 'Equal', value: '', effect: '', source: 'template', ...t });
  it('NoSchedule and NoExecute exclude, PreferNoSchedule does not', () => {
    expect(runs({}, node('a', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]))).toBe(false);
    expect(runs({}, node('b', {}, [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]))).toBe(false);
    expect(runs({}, node('c', {}, [{ key: 'dedicated', value: 'db', effect: 'PreferNoSchedule' }]))).toBe(true);
  });
  it('Equal compares the value; Exists ignores it', () => {
    const taint = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };
    expect(tolerates(tol({ key: 'dedicated', value: 'db' }), taint)).toBe(true);
    expect(tolerates(tol({ key: 'dedicated', value: 'web' }), taint)).toBe(false);
    expect(tolerates(tol({ key: 'dedicated', operator: 'Exists' }), taint)).toBe(true);
    expect(tolerates(tol({ key: 'other', operator: 'Exists' }), taint)).toBe(false);
    // A taint without a value is tolerated by Equal with an empty value.
    expect(tolerates(tol({ key: 'node-role.kubernetes.io/control-plane' }), { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' })).toBe(true);
  });
  it('an empty key with Exists tolerates every key', () => {
    expect(tolerates(tol({ operator: 'Exists' }), { key: 'anything', value: 'x', effect: 'NoExecute' })).toBe(true);
    // Empty key with Equal is invalid and tolerates nothing.
    expect(tolerates(tol({}), { key: 'anything', effect: 'NoSchedule' })).toBe(false);
  });
  it('the effect must match unless the toleration leaves it empty', () => {
    const taint = { key: 'dedicated', effect: 'NoExecute' };
    expect(tolerates(tol({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }), taint)).toBe(false);
    expect(tolerates(tol({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }), taint)).toBe(true);
    expect(tolerates(tol({ key: 'dedicated', operator: 'Exists' }), taint)).toBe(true);
    expect(runs({ tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }] }, node('n', {}, [taint]))).toBe(false);
  });
  it('reads tolerations from the template (operator defaults to Equal)', () => {
    const spec = { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] };
    expect(runs(spec, controlPlane)).toBe(true);
    expect(describeReason(placeOnNode(nodeConstraints(template({})), controlPlane).reasons[0]!)).toBe(
      'taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated',
    );
  });
});

describe('tolerations the DaemonSet controller adds', () => {
  const cases: [string, string][] = [
    ['node.kubernetes.io/not-ready', 'NoExecute'],
    ['node.kubernetes.io/unreachable', 'NoExecute'],
    ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
    ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
    ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
    ['node.kubernetes.io/unschedulable', 'NoSchedule'],
  ];
  for (const [key, effect] of cases) {
    it(`${key}:${effect} is tolerated by daemon Pods only`, () => {
      const n = node('n', {}, [{ key, effect }]);
      expect(runs({}, n, true)).toBe(true);
      expect(runs({}, n, false)).toBe(false);
    });
  }
  it('only the effect in Table 2 is tolerated', () => {
    expect(runs({}, node('n', {}, [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoExecute' }]))).toBe(false);
  });
  it('network-unavailable is tolerated only with hostNetwork', () => {
    const n = node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]);
    expect(runs({}, n)).toBe(false);
    expect(runs({ hostNetwork: true }, n)).toBe(true);
    expect(runs({ hostNetwork: true }, n, false)).toBe(false);
  });
});

describe('malformed templates', () => {
  it('never throws and ignores what it cannot read', () => {
    const weird = { nodeSelector: 'linux', affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: 'x' } }, tolerations: [null, 3, { operator: 'Sometimes' }], nodeName: 7 };
    expect(runs(weird, linux)).toBe(true);
    expect(runs(affinity(null, { matchExpressions: [null, { operator: 'In' }] }), linux)).toBe(false);
  });
});

describe('template-only analysis', () => {
  it('reports no restriction and tolerance of everything', () => {
    const a = analyzeTemplate(template({ tolerations: [{ operator: 'Exists' }] }));
    expect(a).toMatchObject({ restricted: false, toleratesEverything: true, toleratesControlPlane: true, summary: 'every node', tolerationSummary: 'every taint' });
  });
  it('needs both effects for "tolerates everything"', () => {
    expect(analyzeTemplate(template({ tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }] })).toleratesEverything).toBe(false);
    expect(analyzeTemplate(template({ tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists', effect: 'NoExecute' }] })).toleratesEverything).toBe(true);
  });
  it('summarises nodeSelector, affinity and nodeName', () => {
    const a = analyzeTemplate(
      template({
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        ...affinity(expr('example.com/cores', 'Gt', ['4']), { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }),
        nodeName: 'worker-1',
      }),
    );
    expect(a.restricted).toBe(true);
    expect(a.restrictions.map((r) => r.kind)).toEqual(['nodeSelector', 'affinity', 'nodeName']);
    expect(a.summary).toBe('nodeSelector kubernetes.io/os=linux; required node affinity (example.com/cores > 4) or (gpu exists); nodeName worker-1');
    expect(a.toleratesControlPlane).toBe(false);
  });
});

describe('onlyLinuxRestricted', () => {
  const only = (spec: Record<string, unknown>) => onlyLinuxRestricted(analyzeTemplate(template(spec)));
  it('is true when the only restriction keeps the Pods off Windows nodes', () => {
    expect(only({ nodeSelector: { 'kubernetes.io/os': 'linux' } })).toBe(true);
    expect(only({ nodeSelector: { 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/os': 'linux' } })).toBe(true);
    expect(only(affinity(expr('kubernetes.io/os', 'In', ['linux'])))).toBe(true);
    expect(only(affinity(expr('kubernetes.io/os', 'NotIn', ['windows'])))).toBe(true);
    expect(only({ nodeSelector: { 'kubernetes.io/os': 'linux' }, ...affinity(expr('kubernetes.io/os', 'In', ['linux'])) })).toBe(true);
  });
  it('is false without a restriction, or with any other one', () => {
    expect(only({})).toBe(false);
    expect(only({ nodeSelector: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } })).toBe(false);
    expect(only({ nodeSelector: { 'kubernetes.io/os': 'windows' } })).toBe(false);
    expect(only({ nodeSelector: { 'kubernetes.io/os': 'linux' }, nodeName: 'worker-1' })).toBe(false);
    expect(only(affinity(expr('kubernetes.io/os', 'In', ['linux', 'windows'])))).toBe(false);
    expect(only(affinity(expr('kubernetes.io/os', 'In', ['linux']), expr('gpu', 'Exists', [])))).toBe(false);
    expect(only(affinity(expr('kubernetes.io/os', 'NotIn', ['linux'])))).toBe(false);
    expect(only(affinity({ matchExpressions: [] }))).toBe(false);
  });
});

describe('templatesMayShareNode', () => {
  const sel = (labels: Record<string, string>) => template({ nodeSelector: labels });
  it('disjoint nodeSelectors never share a node', () => {
    expect(templatesMayShareNode(sel({ 'kubernetes.io/os': 'linux' }), sel({ 'kubernetes.io/os': 'windows' }))).toBe(false);
    expect(templatesMayShareNode(sel({ 'kubernetes.io/os': 'linux' }), sel({ 'kubernetes.io/arch': 'arm64' }))).toBe(true);
  });
  it('compares nodeSelector against affinity terms', () => {
    expect(templatesMayShareNode(sel({ 'kubernetes.io/os': 'linux' }), template(affinity(expr('kubernetes.io/os', 'NotIn', ['linux']))))).toBe(false);
    expect(templatesMayShareNode(sel({ 'kubernetes.io/os': 'linux' }), template(affinity(expr('kubernetes.io/os', 'DoesNotExist'))))).toBe(false);
    expect(templatesMayShareNode(sel({ 'kubernetes.io/os': 'linux' }), template(affinity(expr('kubernetes.io/os', 'In', ['windows']), expr('gpu', 'Exists'))))).toBe(true);
    expect(templatesMayShareNode(template(affinity(expr('cores', 'Gt', ['8']))), template(affinity(expr('cores', 'Lt', ['9']))))).toBe(false);
    expect(templatesMayShareNode(template(affinity(expr('cores', 'Gt', ['8']))), template(affinity(expr('cores', 'Lt', ['10']))))).toBe(true);
  });
  it('different nodeNames never share a node', () => {
    expect(templatesMayShareNode(template({ nodeName: 'a' }), template({ nodeName: 'b' }))).toBe(false);
    expect(templatesMayShareNode(template({ nodeName: 'a' }), template({}))).toBe(true);
  });
});
