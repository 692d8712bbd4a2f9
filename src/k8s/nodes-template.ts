/** What a Pod template's node restrictions and tolerations say on their own, without a node inventory. */
import type { Path } from '../types.js';
import { describeTerm, keyValue } from './nodes-describe.js';
import { CONTROL_PLANE_TAINTS, nodeConstraints, tolerates, type NodeConstraints, type NodeRequirement } from './nodes-model.js';
import type { PodTemplate } from './workloads.js';

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

/** Node labels that name a node's operating system. */
const OS_KEYS = new Set(['kubernetes.io/os', 'beta.kubernetes.io/os']);

/**
 * Whether a template's only node restriction keeps it off Windows nodes (`kubernetes.io/os: linux` as a nodeSelector,
 * or required affinity terms that only ask for Linux): it covers every node of a cluster that has no Windows nodes.
 */
export function onlyLinuxRestricted(a: TemplateAnalysis): boolean {
  const c = a.constraints;
  if (!a.restricted || c.nodeName) return false;
  if (c.nodeSelector && !Object.entries(c.nodeSelector.labels).every(([k, v]) => OS_KEYS.has(k) && v === 'linux')) return false;
  if (!c.affinity) return true;
  const linux = (r: NodeRequirement) =>
    !r.field && OS_KEYS.has(r.key) && ((r.operator === 'In' && r.values.includes('linux') && !r.values.includes('windows')) || (r.operator === 'NotIn' && r.values.includes('windows') && !r.values.includes('linux')));
  return c.affinity.terms.length > 0 && c.affinity.terms.every((t) => !t.errors.length && t.requirements.length > 0 && t.requirements.every(linux));
}
