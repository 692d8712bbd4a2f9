/** Words about node groups shared by the text and HTML views. */
import { listNames } from '../k8s/nodes.js';
import type { CoverageGroup, CoverageRow } from './model.js';

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the legend says about a group beyond its name and size. */
export function groupDetails(g: CoverageGroup, withNames = true): string[] {
  const parts: string[] = [];
  if (g.added) parts.push(`new, from ${g.source}`);
  if (g.pool) parts.push(g.pool.key === 'node-role.kubernetes.io/*' ? `node role ${g.pool.values.join(', ')}` : `${g.pool.key}=${g.pool.values.join(', ')}`);
  parts.push(...g.traits);
  if (withNames && g.nodeNames.length && g.naming !== 'node') parts.push(`nodes ${listNames(g.nodeNames, 2)}`);
  return parts;
}


/**
 * Why a DaemonSet skips groups, reason by reason: each distinct reason once, with the groups (indexes) it keeps the
 * DaemonSet off; reasons that apply to the same groups are listed together. First-seen order.
 */
export function reasonsOf(d: CoverageRow): { reasons: string[]; groups: number[] }[] {
  const byReason = new Map<string, number[]>();
  for (const c of d.cells ?? []) {
    if (c.runs) continue;
    for (const reason of c.reasons) {
      const list = byReason.get(reason);
      if (list) list.push(c.group);
      else byReason.set(reason, [c.group]);
    }
  }
  const bySet = new Map<string, { reasons: string[]; groups: number[] }>();
  for (const [reason, groups] of byReason) {
    const key = groups.join(',');
    const entry = bySet.get(key);
    if (entry) entry.reasons.push(reason);
    else bySet.set(key, { reasons: [reason], groups });
  }
  return [...bySet.values()];
}

/** How many nodes some groups hold: `3 nodes`, `300 new nodes`, `303 nodes (300 new)`; empty for one inventory node. */
export function nodesOf(groups: readonly CoverageGroup[]): string {
  const total = groups.reduce((n, g) => n + g.nodes, 0);
  const added = groups.reduce((n, g) => n + (g.added ? g.nodes : 0), 0);
  if (groups.length === 1 && groups[0]!.naming === 'node' && total === 1 && !added) return '';
  if (added === total) return plural(total, 'new node');
  return added ? `${plural(total, 'node')} (${added} new)` : plural(total, 'node');
}
