/**
 * Node pools as DaemonSets see them: nodes that no DaemonSet of a run can tell apart form one group. Two nodes are
 * told apart by the value of a label some nodeSelector or affinity term reads, by a name some nodeName or matchFields
 * term mentions, or by a NoSchedule/NoExecute taint some DaemonSet might not tolerate. Every member of a group gets
 * the same placement, so a DaemonSet × group is decided (and explained) once.
 *
 * Groups are named from well-known pool labels (node groups, node pools, agent pools, node roles, instance types) or,
 * failing that, from what sets them apart. Grouping costs O(nodes × labels read).
 */
import type { NodeInfo } from '../types.js';
import { describeTaint, keyValue } from './nodes-describe.js';
import { CONTROLLER_TOLERATIONS, EXCLUDING_EFFECTS, type NodeConstraints, type Taint } from './nodes-model.js';

/** Labels that name a node pool, in order of preference; `node-role.kubernetes.io/*` stands for the role labels. */
export const POOL_LABELS: readonly string[] = [
  'eks.amazonaws.com/nodegroup',
  'cloud.google.com/gke-nodepool',
  'kubernetes.azure.com/agentpool',
  'karpenter.sh/nodepool',
  'node-role.kubernetes.io/*',
  'node.kubernetes.io/instance-type',
];

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** Numeric-aware ordering of names, made on first use (creating a collator costs milliseconds at start-up). */
let collator: Intl.Collator | undefined;
const compareNames = (a: string, b: string): number => (collator ??= new Intl.Collator('en', { numeric: true })).compare(a, b);

/** No label value is the usual one (a tie between values). */
const NO_VALUE = '\u0000none';

/** What the node restrictions of a set of templates read from a node. */
export interface NodeReads {
  /** Label keys read by a nodeSelector or a required affinity expression, sorted. */
  labels: string[];
  /** Node names a nodeName or a `matchFields` term on metadata.name mentions. */
  names: Set<string>;
  /** A name requirement compares whole names (Gt/Lt on metadata.name): every name matters. */
  allNames: boolean;
}

export function nodeReads(constraints: readonly NodeConstraints[]): NodeReads {
  const labels = new Set<string>();
  const names = new Set<string>();
  let allNames = false;
  for (const c of constraints) {
    if (c.nodeSelector) for (const k of Object.keys(c.nodeSelector.labels)) labels.add(k);
    if (c.nodeName) names.add(c.nodeName.name);
    for (const term of c.affinity?.terms ?? []) {
      for (const r of term.requirements) {
        if (!r.field) labels.add(r.key);
        else if (r.key !== 'metadata.name') continue; // Another field: no node has it, no node differs.
        else if (r.operator === 'In' || r.operator === 'NotIn') r.values.forEach((v) => names.add(v));
        else if (r.operator === 'Gt' || r.operator === 'Lt') allNames = true;
      }
    }
  }
  return { labels: [...labels].sort(), names, allNames };
}

/** Taints every daemon Pod tolerates (the DaemonSet controller adds the tolerations itself, whatever the template). */
const ALWAYS_TOLERATED = new Set(CONTROLLER_TOLERATIONS.filter((t) => !t.hostNetworkOnly).map((t) => `${t.key}\u0000${t.effect}`));

/** The taints of a node that can keep some DaemonSet off it. */
export function excludingTaints(node: NodeInfo): Taint[] {
  return node.taints.filter((t) => EXCLUDING_EFFECTS.has(t.effect) && !ALWAYS_TOLERATED.has(`${t.key}\u0000${t.effect}`));
}

export type GroupNaming = 'node' | 'pool' | 'traits';

export interface NodeGroup {
  name: string;
  /** `node`: a single node, named by itself; `pool`: from a pool label; `traits`: from what sets the group apart. */
  naming: GroupNaming;
  /** Members, in inventory order. */
  nodes: NodeInfo[];
  /** Number of nodes the group stands for (more than `nodes.length` when a member stands for several). */
  count: number;
  /** Values of the labels the templates read (labels a member lacks are left out): the same on every member. */
  labels: Record<string, string>;
  /** Taints that can keep a DaemonSet off the members: the same on every member. */
  taints: Taint[];
  /** The pool label the name comes from, with its values among the members. */
  pool?: { key: string; values: string[] };
  /** What sets the group apart from the other groups: `kubernetes.io/os=windows`, `no example.com/x`, `taint …`. */
  traits: string[];
  /** The partition the group belongs to (see `GroupOptions.partition`). */
  partition: string;
}

export interface GroupOptions {
  /** One group per node (`--by node`). */
  byNode?: boolean;
  /** Nodes of different partitions never share a group (e.g. nodes that would be added vs. the inventory). */
  partition?: (node: NodeInfo) => string;
  /** How many nodes a node stands for (a pool template's representative); default 1. */
  count?: (node: NodeInfo) => number;
}

function roleOf(node: NodeInfo): string | undefined {
  const roles: string[] = [];
  for (const k of Object.keys(node.labels)) if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.push(k.slice(ROLE_PREFIX.length));
  if (!roles.length && typeof node.labels['kubernetes.io/role'] === 'string' && node.labels['kubernetes.io/role'] !== '') roles.push(node.labels['kubernetes.io/role']);
  return roles.length ? roles.sort().join('+') : undefined;
}

function poolValue(node: NodeInfo, key: string): string | undefined {
  if (key === 'node-role.kubernetes.io/*') return roleOf(node);
  const v = Object.prototype.hasOwnProperty.call(node.labels, key) ? node.labels[key] : undefined;
  return v === undefined || v === '' ? undefined : v;
}

/** The first pool label every member carries, with its values sorted. */
function poolOf(nodes: readonly NodeInfo[]): NodeGroup['pool'] {
  for (const key of POOL_LABELS) {
    const values = new Set<string>();
    let all = true;
    for (const n of nodes) {
      const v = poolValue(n, key);
      if (v === undefined) {
        all = false;
        break;
      }
      values.add(v);
    }
    if (all) return { key, values: [...values].sort(compareNames) };
  }
  return undefined;
}

/** `a, b, c` for up to three values, else `a, b and 3 more`. */
function joinValues(values: readonly string[]): string {
  return values.length <= 3 ? values.join(', ') : `${values.slice(0, 2).join(', ')} and ${values.length - 2} more`;
}

/**
 * Group nodes that the given templates (the DaemonSets of a run) cannot tell apart. Groups come sorted by partition,
 * then by name (with `byNode`, in inventory order within a partition).
 */
export function groupNodes(constraints: readonly NodeConstraints[], nodes: readonly NodeInfo[], opts: GroupOptions = {}): NodeGroup[] {
  const reads = nodeReads(constraints);
  const byKey = new Map<string, NodeGroup>();
  const groups: NodeGroup[] = [];
  nodes.forEach((node, i) => {
    const partition = opts.partition?.(node) ?? '';
    const taints = excludingTaints(node);
    let key: string;
    if (opts.byNode) key = String(i);
    else {
      const values = reads.labels.map((k) => (Object.prototype.hasOwnProperty.call(node.labels, k) ? node.labels[k] : null));
      const name = reads.allNames || reads.names.has(node.name) ? node.name : null;
      key = JSON.stringify([partition, values, name, taints.map(describeTaint).sort()]);
    }
    const count = opts.count?.(node) ?? 1;
    const existing = byKey.get(key);
    if (existing) {
      existing.nodes.push(node);
      existing.count += count;
      return;
    }
    const labels: Record<string, string> = {};
    for (const k of reads.labels) if (Object.prototype.hasOwnProperty.call(node.labels, k)) labels[k] = node.labels[k]!;
    const g: NodeGroup = { name: '', naming: 'node', nodes: [node], count, labels, taints, traits: [], partition };
    byKey.set(key, g);
    groups.push(g);
  });
  describeGroups(groups, reads);
  if (!opts.byNode) groups.sort((a, b) => (a.partition === b.partition ? compareNames(a.name, b.name) : a.partition < b.partition ? -1 : 1));
  else groups.sort((a, b) => (a.partition === b.partition ? 0 : a.partition < b.partition ? -1 : 1));
  return groups;
}

/**
 * Traits and names. A group's trait is a label value that differs from the one most groups have (absent wins ties;
 * with a tie between values, every value is a trait), or a taint that not every group carries: what sets the group
 * apart, not everything about it.
 */
function describeGroups(groups: NodeGroup[], reads: NodeReads): void {
  const usual = new Map<string, string | undefined>();
  for (const k of reads.labels) {
    const counts = new Map<string | undefined, number>();
    for (const g of groups) counts.set(g.labels[k], (counts.get(g.labels[k]) ?? 0) + 1);
    if (counts.size < 2) continue; // Every group agrees: nothing to tell apart.
    // The value most groups have; absent wins a tie; a tie between values leaves none usual (each is a trait).
    const most = Math.max(...counts.values());
    const top = [...counts].filter(([, n]) => n === most).map(([v]) => v);
    usual.set(k, top.length === 1 || top.includes(undefined) ? top.find((v) => v === undefined) ?? top[0] : NO_VALUE);
  }
  const varying = [...usual.keys()];
  const taintGroups = new Map<string, number>();
  for (const g of groups) for (const t of new Set(g.taints.map(describeTaint))) taintGroups.set(t, (taintGroups.get(t) ?? 0) + 1);
  for (const g of groups) {
    const unusual = varying.filter((k) => g.labels[k] !== usual.get(k));
    const present = unusual.filter((k) => g.labels[k] !== undefined).map((k) => keyValue(k, g.labels[k]!));
    const taints = g.taints.map(describeTaint).filter((t) => taintGroups.get(t)! < groups.length).map((t) => `taint ${t}`);
    const absent = unusual.filter((k) => g.labels[k] === undefined).map((k) => `no ${k}`);
    g.traits = [...present, ...taints, ...absent];
    if (g.nodes.length === 1 && g.count === 1) {
      g.name = g.nodes[0]!.name;
      g.naming = 'node';
      continue;
    }
    g.pool = poolOf(g.nodes);
    if (g.pool) {
      g.name = joinValues(g.pool.values);
      g.naming = 'pool';
    } else {
      g.naming = 'traits';
      g.name = g.traits.length ? g.traits.slice(0, 2).join(', ') + (g.traits.length > 2 ? ', …' : '') : groups.length === 1 ? 'all nodes' : 'other nodes';
    }
  }
  // Two groups with one name (one node group, two kinds of nodes): tell them apart by their traits, then by number.
  const byName = new Map<string, NodeGroup[]>();
  for (const g of groups) {
    const list = byName.get(g.name);
    if (list) list.push(g);
    else byName.set(g.name, [g]);
  }
  for (const list of byName.values()) {
    if (list.length < 2) continue;
    for (const g of list) if (g.naming !== 'traits' && g.traits.length) g.name = `${g.name} (${g.traits.slice(0, 2).join(', ')})`;
    const seen = new Map<string, number>();
    for (const g of list) {
      const n = (seen.get(g.name) ?? 0) + 1;
      seen.set(g.name, n);
      if (n > 1) g.name = `${g.name} #${n}`;
    }
  }
}

/** The group in a sentence: `cp-1`, `the 300 nodes of pool gpu-a100`, `the 9 nodes with kubernetes.io/os=windows`. */
export function groupPhrase(g: NodeGroup): string {
  if (g.naming === 'node') return g.name;
  const nodes = g.count === 1 ? 'the node' : `the ${g.count} nodes`;
  if (g.naming === 'pool' && g.pool) {
    // Roles and instance types read as adjectives: `the 3 control-plane nodes`, `the 20 m5.xlarge nodes`.
    const several = g.pool.values.length > 1;
    if (g.pool.key === 'node-role.kubernetes.io/*') return several ? `${nodes} with roles ${g.name}` : `${nodes.replace(/nodes?$/, '')}${g.name} node${g.count === 1 ? '' : 's'}`;
    if (g.pool.key === 'node.kubernetes.io/instance-type') return several ? `${nodes} of instance types ${g.name}` : `${nodes.replace(/nodes?$/, '')}${g.name} node${g.count === 1 ? '' : 's'}`;
    return `${nodes} of ${several ? 'pools' : 'pool'} ${g.name}`;
  }
  if (g.name === 'all nodes') return g.count === 1 ? 'the only node' : `all ${g.count} nodes`;
  if (g.name === 'other nodes') return g.count === 1 ? 'the other node' : `the ${g.count} other nodes`;
  return `${nodes} with ${g.traits.slice(0, 3).join(' and ')}${g.traits.length > 3 ? ' and more' : ''}`;
}

/** Groups in a sentence, up to `limit` of them: `cp-1, the 300 nodes of pool gpu-a100 and 2 more groups (40 nodes)`. */
export function listGroups(groups: readonly NodeGroup[], limit = 5): string {
  const phrases = groups.slice(0, limit).map(groupPhrase);
  const rest = groups.slice(limit);
  if (!rest.length) return phrases.join(', ');
  const nodes = rest.reduce((n, g) => n + g.count, 0);
  const more = nodes === rest.length ? `${nodes} more node${nodes === 1 ? '' : 's'}` : `${rest.length} more groups (${nodes} nodes)`;
  return `${phrases.join(', ')} and ${more}`;
}
