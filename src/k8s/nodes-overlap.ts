/**
 * Whether two Pod templates can land on the same node, judged from their node restrictions alone (labels and names:
 * taints are unknown without an inventory).
 */
import { nodeConstraints, parseInteger, type NodeConstraints, type NodeRequirement } from './nodes-model.js';
import type { PodTemplate } from './workloads.js';

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
