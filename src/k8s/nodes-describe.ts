/** Human descriptions of the node model: requirements, taints and why a template skips a node. */
import type { ExclusionReason, NodeRequirement, Placement, Taint } from './nodes-model.js';

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

export function describeTerm(term: { errors: string[] }, reqs: readonly NodeRequirement[]): string {
  if (term.errors.length) return term.errors.join(', ');
  return reqs.map(describeNodeRequirement).join(' and ');
}

function actualOf(r: NodeRequirement, actual: string | undefined, many: boolean): string {
  const has = many ? 'the nodes have' : 'the node has';
  // Nodes grouped together share every label a requirement reads, but not their names (unless a name is listed).
  if (r.field && many) return r.key === 'metadata.name' ? 'the nodes have other names' : `the nodes have no ${r.key} field`;
  if (actual === undefined) return `${has} no ${r.key} ${r.field ? 'field' : 'label'}`;
  if (r.operator === 'DoesNotExist') return `${has} ${keyValue(r.key, actual)}`;
  return `${has} ${r.field ? `${r.key} ${actual}` : keyValue(r.key, actual)}`;
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
  return describeLong(r, false);
}

/** Long form for a group of nodes that share every label the reason reads: `the nodes have …`. */
export function describeGroupReason(r: ExclusionReason): string {
  return describeLong(r, true);
}

function describeLong(r: ExclusionReason, many: boolean): string {
  const has = many ? 'the nodes have' : 'the node has';
  switch (r.kind) {
    case 'nodeSelector':
      return r.actual === undefined
        ? `nodeSelector ${keyValue(r.key, r.expected)}: ${has} no ${r.key} label`
        : `nodeSelector ${keyValue(r.key, r.expected)}: ${has} ${keyValue(r.key, r.actual)}`;
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
              .map((f) => `${describeNodeRequirement(f.requirement)} fails (${actualOf(f.requirement, f.actual, many)})`)
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
