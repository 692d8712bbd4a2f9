/**
 * The coverage model: for each DaemonSet of a set of objects (one deployment unit), the node groups it runs on and
 * why it skips the others (or, without nodes, a summary of its restrictions); and, for nodes that would be added, which
 * DaemonSets would run there and which node-local Services would lose their local endpoint. Pure data; the renderers
 * format it.
 *
 * Nodes that no DaemonSet of the unit can tell apart form one group (src/k8s/nodes-pools.ts), so each DaemonSet ×
 * group is placed and explained once: the cost is O(nodes × labels read + DaemonSets × groups).
 */
import { DEFAULT_KUBE_VERSION } from '../engine/lint.js';
import { analyzeTemplate, describeGroupReason, describeReason, describeTaint, placeOnNode, type NodeConstraints } from '../k8s/nodes.js';
import { localService, missingLocalEndpoint, type LocalPolicyField } from '../k8s/nodes-local-traffic.js';
import { groupNodes, type GroupNaming, type NodeGroup } from '../k8s/nodes-pools.js';
import { builtinKind, podTemplate } from '../k8s/workloads.js';
import type { AddedNodes } from '../load/inventory.js';
import { originOf } from '../units/trace.js';
import type { CoverageGrouping, Manifest, NodeInfo, RunContext } from '../types.js';

/** `--by`: one column per node group or per node. */
export type CoverageBy = CoverageGrouping;

export interface CoverageOptions {
  /** `pool` (default): one column per group of nodes no DaemonSet tells apart; `node`: one column per node. */
  by?: CoverageBy;
  /** Nodes that would be added (`--add-node`): shown as their own groups, with a what-if section each. */
  added?: readonly AddedNodes[];
  /**
   * The run's deployment units (src/units), each with its objects as deployed (a Kustomize overlay's with its patches
   * applied). With more than one, each unit's DaemonSets are covered as that unit deploys them, one row per distinct
   * result naming its units, and added nodes are judged per unit.
   */
  units?: readonly CoverageUnit[];
}

export interface CoverageUnit {
  name: string;
  manifests: readonly Manifest[];
}

export interface CoverageGroup {
  name: string;
  /** `node`: one node, named by itself; `pool`: named from a pool label (or a pool template); `traits`: from what sets it apart. */
  naming: GroupNaming;
  /** Number of nodes. */
  nodes: number;
  /** Names of the nodes (empty for the nodes of a pool template, which have none yet). */
  nodeNames: string[];
  /** Nodes that `--add-node` would add. */
  added: boolean;
  /** The `--add-node` file the nodes come from. */
  source?: string;
  /** The pool label the name comes from (`node-role.kubernetes.io/*` for the role labels), with its values. */
  pool?: { key: string; values: string[] };
  /** What sets the group apart from the others, e.g. `kubernetes.io/os=windows`, `taint nvidia.com/gpu=present:NoSchedule`. */
  traits: string[];
  /** The labels the DaemonSets read, with the group's values. */
  labels: Record<string, string>;
  /** NoSchedule/NoExecute taints some DaemonSet could fail to tolerate. */
  taints: string[];
}

export interface CoverageCell {
  /** Index into `groups`. */
  group: number;
  runs: boolean;
  /** Why the DaemonSet skips the group's nodes (empty when it runs there). */
  reasons: string[];
}

export interface CoverageRow {
  namespace: string;
  name: string;
  file: string;
  line: number;
  /** Node restriction summary: `every node` or e.g. `nodeSelector kubernetes.io/os=linux`. */
  restriction: string;
  restricted: boolean;
  tolerations: string;
  toleratesEverything: boolean;
  toleratesControlPlane: boolean;
  /** One cell per group, in group order (only when there are nodes). */
  cells?: CoverageCell[];
  /** Number of nodes it runs on (only when there are nodes). */
  runsOn?: number;
  /** The deployment units it is deployed in as shown, when the run has more than one (sorted). */
  units?: string[];
}

export interface LocalServiceDrop {
  namespace: string;
  name: string;
  file: string;
  /** Line of the traffic-policy field. */
  line: number;
  field: LocalPolicyField;
  /** The selected DaemonSets (`namespace/name`), none of which would run on the nodes. */
  daemonSets: string[];
}

export interface WhatIf {
  /** Index into `groups`. */
  group: number;
  /** DaemonSets (`namespace/name`) that would run on the new nodes. */
  runs: string[];
  /** DaemonSets that would not, and why. */
  skips: { daemonSet: string; reasons: string[] }[];
  /** Node-local Services whose traffic from the new nodes would be dropped: no selected DaemonSet runs there. */
  services: LocalServiceDrop[];
}

export interface CoverageReport {
  /** Version of this JSON shape. */
  version: 1;
  by: CoverageBy;
  /** A node inventory (`--nodes`) was given. */
  inventory: boolean;
  /** Nodes of the inventory. */
  nodes: number;
  /** Nodes that `--add-node` would add. */
  addedNodes: number;
  /** Columns: groups of nodes (or single nodes with `by: node`); inventory groups first, then added ones. */
  groups: CoverageGroup[];
  daemonSets: CoverageRow[];
  /** One entry per group of added nodes. */
  whatIf: WhatIf[];
}

const id = (m: Manifest) => `${m.namespace}/${m.ref.name ?? '(unnamed)'}`;
/** Where a node of an object was written (for a built object: the resource, patch or kustomization that wrote it). */
const whereOf = (m: Manifest, path: readonly (string | number)[]) => {
  const at = originOf(m, [...path]);
  return { file: at.file.path, line: at.file.locate(at.docIndex, [...at.base, ...at.path]).line };
};

/**
 * The DaemonSets to cover: those of `manifests`, or with several units, each unit's, one per distinct object (a
 * source object shared by units, or built alike in them), with the units it is in.
 */
function daemonSetsOf(manifests: readonly Manifest[], units: readonly CoverageUnit[] | undefined): { list: Manifest[]; unitsOf: Map<Manifest, string[]>; aliases: Map<Manifest, Manifest> } {
  const unitsOf = new Map<Manifest, string[]>();
  const aliases = new Map<Manifest, Manifest>();
  if (!units || units.length < 2) return { list: manifests.filter((m) => builtinKind(m.ref) === 'DaemonSet'), unitsOf, aliases };
  const byKey = new Map<string, Manifest>();
  const list: Manifest[] = [];
  for (const u of units) {
    for (const m of u.manifests) {
      if (builtinKind(m.ref) !== 'DaemonSet') continue;
      const key = m.trace ? JSON.stringify([whereOf(m, ['metadata', 'name']), m.object]) : `${m.file.path}\0${m.docIndex}\0${m.base.join('\0')}`;
      const had = byKey.get(key);
      if (had) {
        aliases.set(m, had);
        const names = unitsOf.get(had)!;
        if (!names.includes(u.name)) names.push(u.name);
        continue;
      }
      byKey.set(key, m);
      unitsOf.set(m, [u.name]);
      list.push(m);
    }
  }
  for (const names of unitsOf.values()) names.sort();
  return { list, unitsOf, aliases };
}

function toGroup(g: NodeGroup, source: AddedNodes | undefined): CoverageGroup {
  const out: CoverageGroup = {
    name: g.name,
    naming: g.naming,
    nodes: g.count,
    nodeNames: source?.pool !== undefined ? [] : g.nodes.map((n) => n.name),
    added: source !== undefined,
    traits: g.traits,
    labels: g.labels,
    taints: g.taints.map(describeTaint),
  };
  if (source) out.source = source.file;
  if (source?.pool !== undefined) {
    out.name = source.pool;
    out.naming = 'pool';
  } else if (g.pool) out.pool = g.pool;
  return out;
}

/**
 * Build the coverage of the DaemonSets among `manifests` (the objects of one unit) on `nodes` (undefined: no
 * inventory) and on the nodes `opts.added` would add.
 */
export function buildCoverage(manifests: readonly Manifest[], nodes: readonly NodeInfo[] | undefined, opts: CoverageOptions = {}): CoverageReport {
  const by = opts.by ?? 'pool';
  const added = opts.added ?? [];
  const { list: daemonSets, unitsOf, aliases } = daemonSetsOf(manifests, opts.units);
  const label = (m: Manifest) => {
    const names = unitsOf.get(aliases.get(m) ?? m);
    return names ? `${id(m)} (${names.join(', ')})` : id(m);
  };
  const analyses = new Map(daemonSets.map((m) => [m, podTemplate(m)] as const).map(([m, t]) => [m, t && analyzeTemplate(t)] as const));
  const constraints = [...analyses.values()].filter((a) => a !== undefined).map((a) => a.constraints);

  // Inventory nodes, then the added ones; a partition per --add-node file keeps them in groups of their own.
  const all: NodeInfo[] = [...(nodes ?? [])];
  const sourceOf = new Map<NodeInfo, number>();
  const countOf = new Map<NodeInfo, number>();
  added.forEach((a, i) => {
    for (const n of a.nodes) {
      all.push(n);
      sourceOf.set(n, i);
      if (a.pool !== undefined) countOf.set(n, a.count);
    }
  });
  const grouped = groupNodes(constraints, all, {
    byNode: by === 'node',
    partition: (n) => {
      const i = sourceOf.get(n);
      return i === undefined ? '' : `added:${String(i).padStart(6, '0')}`;
    },
    count: (n) => countOf.get(n) ?? 1,
  });
  const groups = grouped.map((g) => {
    const i = sourceOf.get(g.nodes[0]!);
    return toGroup(g, i === undefined ? undefined : added[i]);
  });
  const total = groups.reduce((n, g) => n + g.nodes, 0);
  const withNodes = groups.length > 0;

  const placements = new Map<Manifest, { runs: boolean; reasons: string[] }[]>();
  const rows: CoverageRow[] = [];
  for (const m of daemonSets) {
    const a = analyses.get(m);
    const names = unitsOf.get(m);
    const base = { namespace: m.namespace, name: m.ref.name ?? '(unnamed)', ...whereOf(m, ['metadata', 'name']), ...(names ? { units: names } : {}) };
    if (!a) {
      rows.push({
        ...base,
        restriction: 'no Pod template',
        restricted: false,
        tolerations: '',
        toleratesEverything: false,
        toleratesControlPlane: false,
        ...(withNodes ? { cells: groups.map((_, group) => ({ group, runs: false, reasons: ['the DaemonSet has no Pod template'] })), runsOn: 0 } : {}),
      });
      placements.set(m, groups.map(() => ({ runs: false, reasons: ['the DaemonSet has no Pod template'] })));
      continue;
    }
    const row: CoverageRow = {
      ...base,
      restriction: a.summary,
      restricted: a.restricted,
      tolerations: a.tolerationSummary,
      toleratesEverything: a.toleratesEverything,
      toleratesControlPlane: a.toleratesControlPlane,
    };
    if (withNodes) {
      const cells = grouped.map((g, group) => place(a.constraints, g, group));
      placements.set(m, cells);
      row.cells = cells;
      row.runsOn = cells.reduce((n, c, i) => n + (c.runs ? groups[i]!.nodes : 0), 0);
    }
    rows.push(row);
  }
  rows.sort((x, y) => (x.namespace + '/' + x.name).localeCompare(y.namespace + '/' + y.name) || x.file.localeCompare(y.file) || x.line - y.line);

  return {
    version: 1,
    by,
    inventory: nodes !== undefined,
    nodes: nodes?.length ?? 0,
    addedNodes: total - (nodes?.length ?? 0),
    groups,
    daemonSets: rows,
    whatIf: whatIf(opts.units && opts.units.length > 1 ? opts.units.map((u) => u.manifests) : [manifests], daemonSets, grouped, groups, placements, label),
  };
}

/** Place a template on a group: on its first member, which stands for all of them. */
function place(c: NodeConstraints, g: NodeGroup, group: number): CoverageCell {
  const p = placeOnNode(c, g.nodes[0]!, true);
  return { group, runs: p.runs, reasons: p.reasons.map(g.count > 1 ? describeGroupReason : describeReason) };
}

/**
 * What adding each group of added nodes changes. `scopes` are the sets of objects applied together (the units):
 * a node-local Service is judged with the DaemonSets of its own unit.
 */
function whatIf(
  scopes: readonly (readonly Manifest[])[],
  daemonSets: readonly Manifest[],
  grouped: readonly NodeGroup[],
  groups: readonly CoverageGroup[],
  placements: Map<Manifest, { runs: boolean; reasons: string[] }[]>,
  label: (m: Manifest) => string,
): WhatIf[] {
  const addedGroups = groups.map((g, i) => (g.added ? i : -1)).filter((i) => i >= 0);
  if (!addedGroups.length) return [];
  const services = scopes.flatMap((manifests) => {
    const run: RunContext = { manifests, files: [...new Set(manifests.map((m) => m.file))], kubeVersion: DEFAULT_KUBE_VERSION, unrecognized: new Map(), cache: new Map() };
    return manifests.map((m) => (builtinKind(m.ref) === 'Service' ? localService(run, m) : undefined)).filter((s) => s !== undefined && s.daemons.length > 0);
  });
  const sorted = [...daemonSets].sort((a, b) => label(a).localeCompare(label(b)));
  return addedGroups.map((group) => {
    const out: WhatIf = { group, runs: [], skips: [], services: [] };
    for (const m of sorted) {
      const cell = placements.get(m)![group]!;
      if (cell.runs) out.runs.push(label(m));
      else out.skips.push({ daemonSet: label(m), reasons: cell.reasons });
    }
    const listed = new Set<string>();
    for (const ls of services) {
      if (!missingLocalEndpoint(ls!, grouped[group]!.nodes[0]!)) continue;
      const s = ls!.manifest;
      const at = whereOf(s, ['spec', ls!.field]);
      const entry: LocalServiceDrop = { namespace: s.namespace, name: s.ref.name ?? '(unnamed)', ...at, field: ls!.field, daemonSets: ls!.daemons.map((w) => label(w.manifest)) };
      const key = JSON.stringify(entry);
      if (listed.has(key)) continue; // The same Service judged alike in several units.
      listed.add(key);
      out.services.push(entry);
    }
    out.services.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`) || a.file.localeCompare(b.file) || a.line - b.line);
    return out;
  });
}
