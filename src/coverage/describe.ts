/** Words about node groups shared by the text and HTML views. */
import { listNames } from '../k8s/nodes.js';
import type { CoverageGroup } from './model.js';

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `gpu-a100 (300 nodes, new)`, or the node name for a single inventory node. */
export function groupLabel(g: CoverageGroup): string {
  const extras = [];
  if (g.naming !== 'node' || g.nodes !== 1) extras.push(plural(g.nodes, 'node'));
  if (g.added) extras.push('new');
  return extras.length ? `${g.name} (${extras.join(', ')})` : g.name;
}

/** What the legend says about a group beyond its name and size. */
export function groupDetails(g: CoverageGroup, withNames = true): string[] {
  const parts: string[] = [];
  if (g.added) parts.push(`new, from ${g.source}`);
  if (g.pool) parts.push(g.pool.key === 'node-role.kubernetes.io/*' ? `node role ${g.pool.values.join(', ')}` : `${g.pool.key}=${g.pool.values.join(', ')}`);
  parts.push(...g.traits);
  if (withNames && g.nodeNames.length && g.naming !== 'node') parts.push(`nodes ${listNames(g.nodeNames, 3)}`);
  return parts;
}

