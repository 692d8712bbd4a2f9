/**
 * The node model: on which nodes a Pod template can run, and why not elsewhere.
 * Evaluates nodeSelector, required node affinity, nodeName and NoSchedule/NoExecute taints
 * the way the scheduler and the DaemonSet controller do, with structured reasons for messages.
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
const EXCLUDING_EFFECTS = new Set(['NoSchedule', 'NoExecute']);

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

function parseInteger(s: string | undefined): number | undefined {
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

// ---------------------------------------------------------------- descriptions

/** `key=value`, with an empty value shown as `""`. */
export function keyValue(key: string, value: string): string {
  return `${key}=${value === '' ? '""' : value}`;
}

export function describeTaint(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** Human form of a node requirement: `kubernetes.io/arch in (amd64, arm64)`, `metadata.name=node-1`. */
export function describeNodeRequirement(r: NodeRequirement): string {
  switch (r.operator) {
    case 'In':
      return r.values.length === 1 ? keyValue(r.key, r.values[0]!) : `${r.key} in (${r.values.join(', ')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(', ')})`;
    case 'Exists':
      return `${r.key} exists`;
    case 'DoesNotExist':
      return `${r.key} does not exist`;
    case 'Gt':
      return `${r.key} > ${r.values[0] ?? '?'}`;
    case 'Lt':
      return `${r.key} < ${r.values[0] ?? '?'}`;
    default:
      return `${r.key} with unknown operator ${JSON.stringify(r.operator)}`;
  }
}

function describeTerm(term: { errors: string[] }, reqs: readonly NodeRequirement[]): string {
  if (term.errors.length) return term.errors.join(', ');
  return reqs.map(describeNodeRequirement).join(' and ');
}

function actualOf(r: NodeRequirement, actual: string | undefined): string {
  if (actual === undefined) return `the node has no ${r.key} ${r.field ? 'field' : 'label'}`;
  if (r.operator === 'DoesNotExist') return `the node has ${keyValue(r.key, actual)}`;
  return `the node has ${r.field ? `${r.key} ${actual}` : keyValue(r.key, actual)}`;
}

/** Short form used when reasons of several nodes are listed together. */
export function describeReasonShort(r: ExclusionReason): string {
  switch (r.kind) {
    case 'nodeSelector':
      return `nodeSelector ${keyValue(r.key, r.expected)}`;
    case 'nodeName':
      return `nodeName ${r.expected}`;
    case 'taint':
      return `taint ${describeTaint(r.taint)} not tolerated`;
    case 'affinity':
      if (r.noTerms) return 'required node affinity with no terms';
      if (r.terms.length === 1) return `required node affinity ${describeTerm(r.terms[0]!, r.terms[0]!.failed.map((f) => f.requirement))}`;
      return `required node affinity (none of ${r.terms.length} terms)`;
  }
}

/** Long form for one node: says what the node has. */
export function describeReason(r: ExclusionReason): string {
  switch (r.kind) {
    case 'nodeSelector':
      return r.actual === undefined
        ? `nodeSelector ${keyValue(r.key, r.expected)}: the node has no ${r.key} label`
        : `nodeSelector ${keyValue(r.key, r.expected)}: the node has ${keyValue(r.key, r.actual)}`;
    case 'nodeName':
      return `nodeName pins the Pods to ${r.expected}`;
    case 'taint':
      return `taint ${describeTaint(r.taint)} is not tolerated`;
    case 'affinity': {
      if (r.noTerms) return 'required node affinity has no nodeSelectorTerms and matches no node';
      const parts = r.terms.map((t) => {
        const what = t.errors.length
          ? t.errors.join(', ')
          : t.failed
              .map((f) => `${describeNodeRequirement(f.requirement)} fails (${actualOf(f.requirement, f.actual)})`)
              .join(', ');
        return `term ${t.index}: ${what}`;
      });
      return `required node affinity: ${parts.join('; ')}`;
    }
  }
}

/** Distinct short reasons across several placements, in first-seen order. */
export function distinctReasons(placements: readonly Placement[]): string[] {
  const out: string[] = [];
  for (const p of placements) for (const r of p.reasons) {
    const s = describeReasonShort(r);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** `a, b, c` up to `limit` names, then `a, b, c and 4 more`. */
export function listNames(names: readonly string[], limit = 5): string {
  if (names.length <= limit) return names.join(', ');
  return `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;
}

// ---------------------------------------------------------------- template-only analysis

export interface TemplateRestriction {
  kind: 'nodeSelector' | 'affinity' | 'nodeName';
  path: Path;
  /** e.g. `nodeSelector kubernetes.io/os=linux`. */
  summary: string;
}

export interface TemplateAnalysis {
  constraints: NodeConstraints;
  /** nodeSelector, required node affinity or nodeName narrow the nodes. */
  restricted: boolean;
  restrictions: TemplateRestriction[];
  /** An `operator: Exists` toleration with an empty key covers both NoSchedule and NoExecute. */
  toleratesEverything: boolean;
  /** The template tolerates `node-role.kubernetes.io/control-plane:NoSchedule`. */
  toleratesControlPlane: boolean;
  /** Human summary of the restriction, e.g. `nodeSelector kubernetes.io/os=linux; nodeName node-1`, or `every node`. */
  summary: string;
  /** Human summary of the tolerations that matter for coverage. */
  tolerationSummary: string;
}

export function analyzeTemplate(t: PodTemplate): TemplateAnalysis {
  const c = nodeConstraints(t);
  const restrictions: TemplateRestriction[] = [];
  if (c.nodeSelector) {
    restrictions.push({
      kind: 'nodeSelector',
      path: c.nodeSelector.path,
      summary: `nodeSelector ${Object.entries(c.nodeSelector.labels).map(([k, v]) => keyValue(k, v)).join(', ')}`,
    });
  }
  if (c.affinity) {
    const terms = c.affinity.terms.map((term) => describeTerm(term, term.requirements));
    restrictions.push({
      kind: 'affinity',
      path: c.affinity.path,
      summary: terms.length === 0 ? 'required node affinity with no terms (matches no node)' : `required node affinity ${terms.length === 1 ? terms[0] : terms.map((s) => `(${s})`).join(' or ')}`,
    });
  }
  if (c.nodeName) restrictions.push({ kind: 'nodeName', path: c.nodeName.path, summary: `nodeName ${c.nodeName.name}` });
  const wildcardEffects = new Set(c.tolerations.filter((tol) => tol.key === '' && tol.operator === 'Exists').map((tol) => tol.effect));
  const toleratesEverything = wildcardEffects.has('') || (wildcardEffects.has('NoSchedule') && wildcardEffects.has('NoExecute'));
  const toleratesControlPlane = c.tolerations.some((tol) => tolerates(tol, CONTROL_PLANE_TAINTS[0]!));
  const templateTols = c.tolerations.map((tol) =>
    tol.key === '' ? `everything${tol.effect ? ` (${tol.effect})` : ''}` : `${tol.key}${tol.operator === 'Equal' && tol.value ? `=${tol.value}` : ''}${tol.effect ? `:${tol.effect}` : ''}`,
  );
  return {
    constraints: c,
    restricted: restrictions.length > 0,
    restrictions,
    toleratesEverything,
    toleratesControlPlane,
    summary: restrictions.length ? restrictions.map((r) => r.summary).join('; ') : 'every node',
    tolerationSummary: toleratesEverything ? 'every taint' : templateTols.length ? templateTols.join(', ') : 'no taints beyond the DaemonSet defaults',
  };
}

// ---------------------------------------------------------------- can two templates share a node?

interface KeyConstraint {
  mustExist: boolean;
  mustNotExist: boolean;
  /** Intersection of In value sets (undefined: unconstrained). */
  allowed?: Set<string>;
  excluded: Set<string>;
  lower?: number; // exclusive
  upper?: number; // exclusive
}

function satisfiable(reqs: readonly NodeRequirement[]): boolean {
  const byKey = new Map<string, KeyConstraint>();
  for (const r of reqs) {
    const id = `${r.field ? 'field' : 'label'}:${r.key}`;
    let k = byKey.get(id);
    if (!k) byKey.set(id, (k = { mustExist: false, mustNotExist: false, excluded: new Set() }));
    switch (r.operator) {
      case 'In': {
        k.mustExist = true;
        const next = new Set(r.values);
        k.allowed = k.allowed ? new Set([...k.allowed].filter((v) => next.has(v))) : next;
        break;
      }
      case 'NotIn':
        r.values.forEach((v) => k.excluded.add(v));
        break;
      case 'Exists':
        k.mustExist = true;
        break;
      case 'DoesNotExist':
        k.mustNotExist = true;
        break;
      case 'Gt':
      case 'Lt': {
        const b = r.values.length === 1 ? parseInteger(r.values[0]) : undefined;
        if (b === undefined) return false;
        k.mustExist = true;
        if (r.operator === 'Gt') k.lower = k.lower === undefined ? b : Math.max(k.lower, b);
        else k.upper = k.upper === undefined ? b : Math.min(k.upper, b);
        break;
      }
      default:
        return false;
    }
  }
  for (const k of byKey.values()) {
    if (k.mustExist && k.mustNotExist) return false;
    if (!k.mustExist) continue;
    const inRange = (v: string) => {
      if (k.lower === undefined && k.upper === undefined) return true;
      const n = parseInteger(v);
      return n !== undefined && (k.lower === undefined || n > k.lower) && (k.upper === undefined || n < k.upper);
    };
    if (k.allowed) {
      if (![...k.allowed].some((v) => !k.excluded.has(v) && inRange(v))) return false;
    } else if (k.lower !== undefined && k.upper !== undefined && k.upper - k.lower < 2) {
      return false;
    }
  }
  return true;
}

/** The restrictions of a template as alternative requirement sets (one per affinity term). */
function requirementSets(c: NodeConstraints): NodeRequirement[][] | undefined {
  const base: NodeRequirement[] = [];
  if (c.nodeSelector) {
    for (const [key, v] of Object.entries(c.nodeSelector.labels)) base.push({ key, operator: 'In', values: [v], field: false, path: c.nodeSelector.path });
  }
  if (c.nodeName) base.push({ key: 'metadata.name', operator: 'In', values: [c.nodeName.name], field: true, path: c.nodeName.path });
  if (!c.affinity) return [base];
  const sets = c.affinity.terms.filter((t) => t.errors.length === 0).map((t) => [...base, ...t.requirements]);
  return sets.length ? sets : undefined; // No usable term: the template runs nowhere.
}

/**
 * A key equal for node constraints whose label and name restrictions are the same (requirement paths aside): two such
 * templates share nodes with exactly the same other templates (see templatesMayShareNode).
 */
export function nodeSharingKey(c: NodeConstraints): string {
  const sets = requirementSets(c);
  return sets ? JSON.stringify(sets.map((set) => set.map((r) => [r.key, r.operator, r.values, r.field]))) : 'nowhere';
}

/**
 * Whether some node could satisfy the node restrictions of both templates (labels and names only:
 * taints are unknown without an inventory). Errs on the side of "yes".
 */
export function templatesMayShareNode(a: PodTemplate, b: PodTemplate): boolean {
  const sa = requirementSets(nodeConstraints(a));
  const sb = requirementSets(nodeConstraints(b));
  if (!sa || !sb) return false;
  return sa.some((x) => sb.some((y) => satisfiable([...x, ...y])));
}
