/**
 * The node model: on which nodes a Pod template can run, and why not elsewhere.
 * Reads nodeSelector, required node affinity, nodeName and tolerations from a template, and evaluates them against
 * a node the way the scheduler and the DaemonSet controller do (NoSchedule/NoExecute taints against the template's
 * tolerations plus the controller's own), with structured reasons for messages.
 */
import type { NodeInfo, Path } from '../types.js';
import { isRecord, type PodTemplate } from './workloads.js';

/** One requirement of a node selector term (an affinity expression, a field, a nodeSelector entry or nodeName). */
export interface NodeRequirement {
  /** Label key, or the field name (`metadata.name`) when `field` is true. */
  key: string;
  operator: string;
  values: string[];
  field: boolean;
  /** Path of the requirement inside the object. */
  path: Path;
}

export interface NodeSelectorTerm {
  index: number;
  requirements: NodeRequirement[];
  /** Problems that make the term match nothing (unknown operator, empty term). */
  errors: string[];
  path: Path;
}

export interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value: string;
  /** Empty: every effect. */
  effect: string;
  /** Where it comes from: the template, or added by the DaemonSet controller. */
  source: 'template' | 'controller';
  path?: Path;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** Why a template does not run on a node. */
export type ExclusionReason =
  | { kind: 'nodeSelector'; key: string; expected: string; actual?: string; path: Path }
  | { kind: 'affinity'; terms: { index: number; failed: { requirement: NodeRequirement; actual?: string }[]; errors: string[] }[]; noTerms: boolean; path: Path }
  | { kind: 'nodeName'; expected: string; path: Path }
  | { kind: 'taint'; taint: Taint; path: Path };

export interface Placement {
  node: NodeInfo;
  runs: boolean;
  reasons: ExclusionReason[];
}

/** The restrictions a template places on nodes, read once. */
export interface NodeConstraints {
  template: PodTemplate;
  nodeSelector?: { labels: Record<string, string>; path: Path };
  /** Required node affinity terms (OR-ed); undefined when there is no required affinity. */
  affinity?: { terms: NodeSelectorTerm[]; path: Path };
  nodeName?: { name: string; path: Path };
  tolerations: Toleration[];
  tolerationsPath: Path;
  hostNetwork: boolean;
}

/** Tolerations the DaemonSet controller adds to every daemon Pod (API-VALIDATION.md, Table 2). */
export const CONTROLLER_TOLERATIONS: readonly { key: string; effect: string; hostNetworkOnly?: boolean }[] = [
  { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule', hostNetworkOnly: true },
];

export const CONTROL_PLANE_TAINTS: readonly Taint[] = [
  { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' },
];

/** Taint effects that keep a Pod off a node (PreferNoSchedule is only a preference). */
export const EXCLUDING_EFFECTS = new Set(['NoSchedule', 'NoExecute']);

function scalarString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function parseTerm(term: unknown, index: number, path: Path): NodeSelectorTerm {
  const out: NodeSelectorTerm = { index, requirements: [], errors: [], path };
  if (!isRecord(term)) {
    out.errors.push('the term is not a mapping');
    return out;
  }
  for (const field of ['matchExpressions', 'matchFields'] as const) {
    const list = term[field];
    if (!Array.isArray(list)) continue;
    list.forEach((e: unknown, i: number) => {
      const p = [...path, field, i];
      if (!isRecord(e) || typeof e.key !== 'string') {
        out.errors.push(`${field}[${i}] has no key`);
        return;
      }
      const values = Array.isArray(e.values) ? e.values.map((v: unknown) => scalarString(v) ?? String(v)) : [];
      out.requirements.push({ key: e.key, operator: typeof e.operator === 'string' ? e.operator : String(e.operator), values, field: field === 'matchFields', path: p });
    });
  }
  // A term with no requirements matches no node.
  if (out.requirements.length === 0 && out.errors.length === 0) out.errors.push('the term is empty and matches no node');
  return out;
}

/** Read the node restrictions and tolerations of a Pod template. Never throws. */
export function nodeConstraints(t: PodTemplate): NodeConstraints {
  const spec = t.spec;
  const c: NodeConstraints = {
    template: t,
    tolerations: [],
    tolerationsPath: [...t.specPath, 'tolerations'],
    hostNetwork: spec.hostNetwork === true,
  };
  if (isRecord(spec.nodeSelector)) {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.nodeSelector)) {
      const s = scalarString(v);
      if (s !== undefined) labels[k] = s;
      else if (v === null) labels[k] = '';
    }
    if (Object.keys(labels).length) c.nodeSelector = { labels, path: [...t.specPath, 'nodeSelector'] };
  }
  const reqPath: Path = [...t.specPath, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'];
  const required = isRecord(spec.affinity) && isRecord(spec.affinity.nodeAffinity) ? spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution : undefined;
  if (isRecord(required) && Array.isArray(required.nodeSelectorTerms)) {
    const termsPath = [...reqPath, 'nodeSelectorTerms'];
    c.affinity = { terms: required.nodeSelectorTerms.map((term: unknown, i: number) => parseTerm(term, i, [...termsPath, i])), path: reqPath };
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') c.nodeName = { name: spec.nodeName, path: [...t.specPath, 'nodeName'] };
  if (Array.isArray(spec.tolerations)) {
    spec.tolerations.forEach((tol: unknown, i: number) => {
      if (!isRecord(tol)) return;
      const operator = tol.operator === 'Exists' ? 'Exists' : tol.operator === undefined || tol.operator === null || tol.operator === 'Equal' ? 'Equal' : undefined;
      if (!operator) return; // An unknown operator tolerates nothing (and the API rejects it).
      c.tolerations.push({
        key: scalarString(tol.key) ?? '',
        operator,
        value: scalarString(tol.value) ?? '',
        effect: scalarString(tol.effect) ?? '',
        source: 'template',
        path: [...t.specPath, 'tolerations', i],
      });
    });
  }
  return c;
}

/** The template's tolerations plus, for a DaemonSet, the ones its controller adds. */
export function effectiveTolerations(c: NodeConstraints, daemon: boolean): Toleration[] {
  if (!daemon) return c.tolerations;
  const added = CONTROLLER_TOLERATIONS.filter((t) => !t.hostNetworkOnly || c.hostNetwork).map(
    (t): Toleration => ({ key: t.key, operator: 'Exists', value: '', effect: t.effect, source: 'controller' }),
  );
  return [...c.tolerations, ...added];
}

/** Whether one toleration tolerates one taint. */
export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect !== '' && tol.effect !== taint.effect) return false;
  if (tol.key === '') return tol.operator === 'Exists'; // Empty key with Exists matches every key.
  if (tol.key !== taint.key) return false;
  return tol.operator === 'Exists' || tol.value === (taint.value ?? '');
}

/** An integer label value (Gt/Lt operands), or undefined. */
export function parseInteger(s: string | undefined): number | undefined {
  if (s === undefined || !/^-?\d+$/.test(s.trim())) return undefined;
  return Number(s.trim());
}

/** Whether a node selector requirement holds for a node. Unknown operators hold for no node. */
export function nodeRequirementMatches(r: NodeRequirement, node: NodeInfo): boolean {
  let has: boolean;
  let value: string | undefined;
  if (r.field) {
    has = r.key === 'metadata.name';
    value = has ? node.name : undefined;
  } else {
    has = Object.prototype.hasOwnProperty.call(node.labels, r.key);
    value = has ? node.labels[r.key] : undefined;
  }
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(value!);
    case 'NotIn':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const bound = r.values.length === 1 ? parseInteger(r.values[0]) : undefined;
      const actual = parseInteger(value);
      if (bound === undefined || actual === undefined) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** Evaluate a template against one node. `daemon` adds the DaemonSet controller's tolerations. */
export function placeOnNode(c: NodeConstraints, node: NodeInfo, daemon = true): Placement {
  const reasons: ExclusionReason[] = [];
  if (c.nodeName && c.nodeName.name !== node.name) reasons.push({ kind: 'nodeName', expected: c.nodeName.name, path: c.nodeName.path });
  if (c.nodeSelector) {
    for (const [key, expected] of Object.entries(c.nodeSelector.labels)) {
      const actual = Object.prototype.hasOwnProperty.call(node.labels, key) ? node.labels[key] : undefined;
      if (actual !== expected) reasons.push({ kind: 'nodeSelector', key, expected, actual, path: [...c.nodeSelector.path, key] });
    }
  }
  if (c.affinity) {
    const failedTerms: Extract<ExclusionReason, { kind: 'affinity' }>['terms'] = [];
    let matched = false;
    for (const term of c.affinity.terms) {
      const failed = term.requirements
        .filter((r) => !nodeRequirementMatches(r, node))
        .map((requirement) => ({ requirement, actual: requirement.field ? (requirement.key === 'metadata.name' ? node.name : undefined) : node.labels[requirement.key] }));
      if (failed.length === 0 && term.errors.length === 0) {
        matched = true;
        break;
      }
      failedTerms.push({ index: term.index, failed, errors: term.errors });
    }
    if (!matched) reasons.push({ kind: 'affinity', terms: failedTerms, noTerms: c.affinity.terms.length === 0, path: c.affinity.path });
  }
  const tols = effectiveTolerations(c, daemon);
  for (const taint of node.taints) {
    if (!EXCLUDING_EFFECTS.has(taint.effect)) continue;
    if (!tols.some((t) => tolerates(t, taint))) reasons.push({ kind: 'taint', taint, path: c.tolerationsPath });
  }
  return { node, runs: reasons.length === 0, reasons };
}

/** Evaluate a Pod template against every node of an inventory. */
export function placeOnNodes(t: PodTemplate, nodes: readonly NodeInfo[], daemon = true): Placement[] {
  const c = nodeConstraints(t);
  return nodes.map((n) => placeOnNode(c, n, daemon));
}
