/**
 * Host-port collisions of a run, found through groups instead of pairs: workloads with the same host-port claims and
 * the same node restrictions (or, with a node inventory, the same nodes) collide with exactly the same others, so each
 * such group is checked once against a workload. Finding every workload a DaemonSet collides with costs the number of
 * groups claiming one of its ports, not the number of workloads: n agents that all claim one port cost n, not n².
 */
import { nodeSharingKey, templatesMayShareNode } from './nodes.js';
import { claimKey, claimsCollide, hostPortClaims, type HostPortClaim } from './ports.js';
import { placementsOf, runWorkloads, type Workload } from './run-index.js';
import type { RunContext } from '../types.js';

/** One workload the DaemonSet collides with, with the colliding claims and the nodes both run on (with an inventory). */
export interface HostPortCollision {
  other: Workload;
  /** Every colliding pair of claims: one of the DaemonSet's and one of `other`'s, in claim order. */
  pairs: { mine: HostPortClaim; theirs: HostPortClaim }[];
  /** Inventory nodes both run on; undefined without an inventory. */
  shared?: string[];
}

export interface HostPortCollisions {
  /** How many workloads collide with the DaemonSet. */
  count: number;
  /** The first `limit` of them, in run order. */
  first: HostPortCollision[];
  /** Ports (`port/protocol`) of the DaemonSet that collide with at least one of them, in claim order. */
  ports: string[];
}

/** Workloads with the same claims (port, protocol, host IP) and the same node restrictions or nodes, in run order. */
interface Group {
  members: Workload[];
  /** Its first member: stands for the group in every check. */
  rep: Workload;
}

interface Index {
  /** Workloads with at least one claim (other than on the excluded port), and their claims. */
  claims: Map<Workload, HostPortClaim[]>;
  /** Port/protocol → groups with a claim on it (each group once per port). */
  byPort: Map<string, Group[]>;
  groupOf: Map<Workload, Group>;
}

const INDEX_KEY = 'daemonlint:k8s:host-port-groups';

function wildcard(ip: string): boolean {
  return ip === '' || ip === '0.0.0.0' || ip === '::';
}

/** Claims other than on `excludedPort`, per workload of the run, and the groups (built once per run). */
function index(run: RunContext, excludedPort: number | undefined): Index {
  const key = `${INDEX_KEY}:${excludedPort}`;
  const cached = run.cache.get(key) as Index | undefined;
  if (cached) return cached;
  const ix: Index = { claims: new Map(), byPort: new Map(), groupOf: new Map() };
  const bySignature = new Map<string, Group>();
  for (const w of runWorkloads(run)) {
    const claims = hostPortClaims(w.template).filter((c) => c.port !== excludedPort);
    if (!claims.length) continue; // Most workloads claim no host port: nothing is kept for them.
    ix.claims.set(w, claims);
    const placements = placementsOf(run, w);
    const where = placements ? placements.map((p) => (p.runs ? '1' : '0')).join('') : nodeSharingKey(w.constraints);
    const what = claims.map((c) => `${claimKey(c)}@${wildcard(c.hostIP) ? '*' : c.hostIP}`).sort();
    const signature = JSON.stringify([where, what]);
    let g = bySignature.get(signature);
    if (!g) {
      bySignature.set(signature, (g = { members: [], rep: w }));
      for (const port of new Set(claims.map(claimKey))) {
        const list = ix.byPort.get(port);
        if (list) list.push(g);
        else ix.byPort.set(port, [g]);
      }
    }
    g.members.push(w);
    ix.groupOf.set(w, g);
  }
  run.cache.set(key, ix);
  return ix;
}

/** Inventory nodes both run on; undefined without an inventory. */
function sharedNodes(run: RunContext, a: Workload, b: Workload): string[] | undefined {
  const pa = placementsOf(run, a);
  const pb = placementsOf(run, b);
  if (!pa || !pb || !run.nodes?.length) return undefined;
  return pa.filter((p, i) => p.runs && pb[i]!.runs).map((p) => p.node.name);
}

function collidingPairs(mine: readonly HostPortClaim[], theirs: readonly HostPortClaim[]): { mine: HostPortClaim; theirs: HostPortClaim }[] {
  const out: { mine: HostPortClaim; theirs: HostPortClaim }[] = [];
  for (const a of mine) for (const b of theirs) if (claimsCollide(a, b)) out.push({ mine: a, theirs: b });
  return out;
}

/**
 * The workloads (of any kind) whose host-port claims collide with `self`'s on a node both can run on; claims on
 * `excludedPort` are left out on both sides. `first` lists up to `limit` of them in run order.
 */
export function hostPortCollisions(run: RunContext, self: Workload, limit: number, excludedPort?: number): HostPortCollisions {
  const ix = index(run, excludedPort);
  const mine = ix.claims.get(self) ?? [];
  const none: HostPortCollisions = { count: 0, first: [], ports: [] };
  if (!mine.length) return none;
  const own = ix.groupOf.get(self);
  const colliding: Group[] = [];
  const ports = new Set<string>();
  const seen = new Set<Group>();
  for (const port of new Set(mine.map(claimKey))) {
    for (const g of ix.byPort.get(port) ?? []) {
      if (seen.has(g)) continue;
      seen.add(g);
      // The group's first member other than self stands for it (self's own group holds its twins).
      const rep = g.rep === self ? g.members[1] : g.rep;
      if (!rep) continue;
      const pairs = collidingPairs(mine, ix.claims.get(rep)!);
      if (!pairs.length) continue;
      const shared = sharedNodes(run, self, rep);
      if (shared ? shared.length === 0 : !templatesMayShareNode(self.template, rep.template)) continue;
      colliding.push(g);
      for (const p of pairs) ports.add(claimKey(p.mine));
    }
  }
  if (!colliding.length) return none;
  let count = 0;
  for (const g of colliding) count += g.members.length - (g === own ? 1 : 0);
  // The first `limit` others in run order: the first few of each group, merged.
  const candidates: Workload[] = [];
  for (const g of colliding) {
    let taken = 0;
    for (const w of g.members) {
      if (w === self) continue;
      candidates.push(w);
      if (++taken >= limit) break;
    }
  }
  candidates.sort((a, b) => a.index - b.index);
  const first = candidates.slice(0, limit).map((other) => {
    const c: HostPortCollision = { other, pairs: collidingPairs(mine, ix.claims.get(other)!) };
    const shared = sharedNodes(run, self, other);
    if (shared) c.shared = shared;
    return c;
  });
  return { count, first, ports: mine.map(claimKey).filter((p, i, all) => ports.has(p) && all.indexOf(p) === i) };
}
