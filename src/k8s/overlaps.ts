/**
 * Controllers whose selectors overlap, found through groups instead of pairs: controllers of one namespace with the
 * same selector and the same template labels overlap with exactly the same others, so each group is compared once
 * with each group it may overlap (found through label indexes over the groups). n identical controllers cost n, not n².
 */
import { CONTROLLER_KINDS, namespaceIndex, push, workloadOf, type Workload } from './run-index.js';
import { describeRequirement, selectorMatches } from './selectors.js';
import { isRecord } from './workloads.js';
import { nodeSharingKey, templatesMayShareNode } from './nodes-overlap.js';
import type { Manifest, RunContext } from '../types.js';

/** Controllers owned by another controller (a Deployment's ReplicaSet in `kubectl get -o yaml` output) are skipped. */
export function ownedByController(w: Workload): boolean {
  const md = w.manifest.object.metadata;
  return isRecord(md) && Array.isArray(md.ownerReferences) && md.ownerReferences.some((o: unknown) => isRecord(o) && o.controller === true);
}

interface Group {
  /** In run order. */
  members: Workload[];
  rep: Workload;
  /** Its selector matches its own template labels: its members overlap with each other. */
  selfMatch: boolean;
  /** Other groups it overlaps with (worked out once, on first use). */
  overlaps?: { group: Group; mineMatchesTheirs: boolean; theirsMatchesMine: boolean }[];
}

interface Groups {
  groupOf: Map<Workload, Group>;
  /** Per namespace: groups by template label (key → value → groups) and by key. */
  byLabel: Map<string, Map<string, Map<string, Group[]>>>;
  byKey: Map<string, Map<string, Group[]>>;
  all: Map<string, Group[]>;
  /** Per namespace: groups filed under a label their selector requires (see `file`), or unfiled. */
  bySelectorLabel: Map<string, Map<string, Map<string, Group[]>>>;
  bySelectorKey: Map<string, Map<string, Group[]>>;
  unfiled: Map<string, Group[]>;
}

const GROUPS_KEY = 'daemonlint:k8s:controller-groups';

function nested<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let m = map.get(key);
  if (!m) map.set(key, (m = new Map()));
  return m;
}

function groups(run: RunContext): Groups {
  const cached = run.cache.get(GROUPS_KEY) as Groups | undefined;
  if (cached) return cached;
  const gs: Groups = { groupOf: new Map(), byLabel: new Map(), byKey: new Map(), all: new Map(), bySelectorLabel: new Map(), bySelectorKey: new Map(), unfiled: new Map() };
  const bySignature = new Map<string, Group>();
  for (const ns of new Set(run.manifests.map((m) => m.namespace))) {
    for (const w of namespaceIndex(run, ns).workloads) {
      if (!w.selector || !(CONTROLLER_KINDS as readonly string[]).includes(w.kind) || ownedByController(w)) continue;
      const sel = w.selector;
      // DaemonSets also by where they may run: whether two of them share a node decides whether they overlap.
      const placement = w.kind === 'DaemonSet' ? nodeSharingKey(w.constraints) : '';
      const signature = JSON.stringify([ns, sel.errors, sel.requirements.map((r) => [r.key, r.operator, r.values, describeRequirement(r)]), Object.entries(w.labels).sort(), w.kind === 'DaemonSet', placement]);
      let g = bySignature.get(signature);
      if (!g) {
        bySignature.set(signature, (g = { members: [], rep: w, selfMatch: selectorMatches(sel, w.labels) }));
        push(gs.all, ns, g);
        const labelIx = nested(gs.byLabel, ns);
        for (const [k, v] of Object.entries(w.labels)) {
          push(nested(labelIx, k), v, g);
          push(nested(gs.byKey, ns), k, g);
        }
        file(gs, ns, g);
      }
      g.members.push(w);
      gs.groupOf.set(w, g);
    }
  }
  run.cache.set(GROUPS_KEY, gs);
  return gs;
}

/**
 * File a group's selector under the labels it requires: the key=value labels of its `In` requirement with the fewest
 * groups carrying them, else the key of an `Exists` requirement, else unfiled (checked against every group).
 */
function file(gs: Groups, ns: string, g: Group): void {
  const sel = g.rep.selector!;
  if (sel.errors.length) return; // Matches nothing.
  let best: { key: string; values: string[] } | undefined;
  let exists: string | undefined;
  for (const r of sel.requirements) {
    if (r.operator === 'In') {
      if (!best) best = { key: r.key, values: [...new Set(r.values)] };
    } else if (r.operator === 'Exists' && exists === undefined) exists = r.key;
  }
  if (best) {
    const byValue = nested(nested(gs.bySelectorLabel, ns), best.key);
    for (const v of best.values) push(byValue, v, g);
  } else if (exists !== undefined) push(nested(gs.bySelectorKey, ns), exists, g);
  else push(gs.unfiled, ns, g);
}

/** Groups whose template labels `g`'s selector may match, and groups whose selector may match `g`'s labels. */
function candidates(gs: Groups, ns: string, g: Group): Set<Group> {
  const out = new Set<Group>();
  const sel = g.rep.selector!;
  if (!sel.errors.length) {
    // The requirement that narrows most; every group of the namespace when none narrows.
    let best: Group[] | undefined;
    for (const r of sel.requirements) {
      let list: Group[] | undefined;
      if (r.operator === 'In') list = [...new Set(r.values)].flatMap((v) => gs.byLabel.get(ns)?.get(r.key)?.get(v) ?? []);
      else if (r.operator === 'Exists') list = gs.byKey.get(ns)?.get(r.key) ?? [];
      if (list && (!best || list.length < best.length)) best = list;
    }
    for (const h of best ?? gs.all.get(ns) ?? []) out.add(h);
  }
  for (const [k, v] of Object.entries(g.rep.labels)) {
    for (const h of gs.bySelectorLabel.get(ns)?.get(k)?.get(v) ?? []) out.add(h);
    for (const h of gs.bySelectorKey.get(ns)?.get(k) ?? []) out.add(h);
  }
  for (const h of gs.unfiled.get(ns) ?? []) out.add(h);
  out.delete(g);
  return out;
}

function overlapsOf(gs: Groups, g: Group): NonNullable<Group['overlaps']> {
  if (g.overlaps) return g.overlaps;
  const ns = g.rep.namespace;
  g.overlaps = [];
  for (const h of candidates(gs, ns, g)) {
    const mineMatchesTheirs = selectorMatches(g.rep.selector!, h.rep.labels);
    const theirsMatchesMine = selectorMatches(h.rep.selector!, g.rep.labels);
    if (!mineMatchesTheirs && !theirsMatchesMine) continue;
    if (disjointDaemonSets(g.rep, h.rep)) continue;
    g.overlaps.push({ group: h, mineMatchesTheirs, theirsMatchesMine });
  }
  return g.overlaps;
}

/**
 * Two DaemonSets whose node restrictions no node meets together (Linux and Windows twins): each controller manages only
 * the Pods whose controllerRef names it, and their Pods never share a node, so nothing is fought over. Members of a
 * group share their node restrictions, so this holds for every pair of two groups' members.
 */
function disjointDaemonSets(a: Workload, b: Workload): boolean {
  return a.kind === 'DaemonSet' && b.kind === 'DaemonSet' && !templatesMayShareNode(a.template, b.template);
}

/** Index of the first member after run position `index` (members are in run order). */
function firstAfter(members: readonly Workload[], index: number): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (members[mid]!.index > index) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface ControllerOverlap {
  other: Workload;
  mineMatchesTheirs: boolean;
  theirsMatchesMine: boolean;
}

/**
 * The controllers after `m` in run order (same namespace, not owned by a controller) whose selector matches its
 * template labels or whose labels its selector matches: how many, and the first `limit` of them in run order.
 * Undefined when `m` is not such a controller.
 */
export function overlapsAfter(run: RunContext, m: Manifest, limit: number): { count: number; first: ControllerOverlap[] } | undefined {
  const self = workloadOf(run, m);
  if (!self?.selector || ownedByController(self)) return undefined;
  const gs = groups(run);
  const g = gs.groupOf.get(self);
  if (!g) return undefined;
  const parts: { members: readonly Workload[]; from: number; mineMatchesTheirs: boolean; theirsMatchesMine: boolean }[] = [];
  if (g.selfMatch) parts.push({ members: g.members, from: firstAfter(g.members, self.index), mineMatchesTheirs: true, theirsMatchesMine: true });
  for (const o of overlapsOf(gs, g)) parts.push({ members: o.group.members, from: firstAfter(o.group.members, self.index), mineMatchesTheirs: o.mineMatchesTheirs, theirsMatchesMine: o.theirsMatchesMine });
  let count = 0;
  const first: ControllerOverlap[] = [];
  for (const p of parts) {
    count += p.members.length - p.from;
    for (let i = p.from; i < Math.min(p.members.length, p.from + limit); i++)
      first.push({ other: p.members[i]!, mineMatchesTheirs: p.mineMatchesTheirs, theirsMatchesMine: p.theirsMatchesMine });
  }
  first.sort((a, b) => a.other.index - b.other.index);
  return { count, first: first.slice(0, limit) };
}
