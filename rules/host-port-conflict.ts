// Guards against two node-level workloads claiming the same host port, or a Pod taking the kubelet's port.
import { listNames, templatesMayShareNode } from '../src/k8s/nodes.js';
import { claimKey, claimsCollide, describeClaim, hostPortClaims, type HostPortClaim } from '../src/k8s/ports.js';
import { placementsOf, runWorkloads, workloadOf, type Workload } from '../src/k8s/run-index.js';
import { displayName, POD_KINDS } from '../src/k8s/workloads.js';
import type { RunContext, Rule } from '../src/types.js';

/** The kubelet's API port on every node. */
export const KUBELET_PORT = 10250;
const CLAIMS_KEY = 'host-port-conflict:claims';

function claimsOf(run: RunContext, w: Workload): HostPortClaim[] {
  let map = run.cache.get(CLAIMS_KEY) as Map<Workload, HostPortClaim[]> | undefined;
  if (!map) run.cache.set(CLAIMS_KEY, (map = new Map()));
  let c = map.get(w);
  if (!c) map.set(w, (c = hostPortClaims(w.template)));
  return c;
}

const BY_PORT_KEY = 'host-port-conflict:by-port';

/** Workloads with a host-port claim, per port/protocol (`claimKey`), in run order. */
function claimantsByPort(run: RunContext): Map<string, Workload[]> {
  let map = run.cache.get(BY_PORT_KEY) as Map<string, Workload[]> | undefined;
  if (map) return map;
  map = new Map();
  for (const w of runWorkloads(run)) {
    for (const c of claimsOf(run, w)) {
      const key = claimKey(c);
      const list = map.get(key);
      if (!list) map.set(key, [w]);
      else if (list[list.length - 1] !== w) list.push(w);
    }
  }
  run.cache.set(BY_PORT_KEY, map);
  return map;
}

/** Workloads other than `self` with a claim on one of `claims`' ports and protocols, in run order. */
function claimantsOf(run: RunContext, self: Workload, claims: readonly HostPortClaim[]): Workload[] {
  const byPort = claimantsByPort(run);
  const out = new Set<Workload>();
  for (const c of claims) for (const w of byPort.get(claimKey(c)) ?? []) if (w !== self) out.add(w);
  return [...out].sort((a, b) => a.index - b.index);
}

/** Nodes of the inventory both run on; undefined without an inventory. */
function sharedNodes(run: RunContext, a: Workload, b: Workload): string[] | undefined {
  const pa = placementsOf(run, a);
  const pb = placementsOf(run, b);
  if (!pa || !pb || !run.nodes?.length) return undefined;
  return pa.filter((p, i) => p.runs && pb[i]!.runs).map((p) => p.node.name);
}

const rule: Rule = {
  meta: {
    id: 'host-port-conflict',
    severity: 'error',
    description: 'Workloads that can share a node must not claim the same host port, and no Pod may take the kubelet port 10250.',
    kinds: POD_KINDS,
    tags: ['correctness', 'cross-resource', 'networking'],
    messages: {
      kubeletPort:
        "{{workload}} claims host port {{claim}}, the kubelet's own port on every node: the Pod cannot bind it next to the kubelet, or intercepts the kubelet's traffic. Choose another port.",
      conflict:
        '{{workload}} and {{other}} both claim host port {{ports}} on {{nodes}}: only one Pod per node can bind it, so the other stays Pending or crash-loops there. Move one of them to another port.',
      conflictNoInventory:
        '{{workload}} and {{other}} both claim host port {{ports}} on the nodes they can share (judged from their node restrictions; no node inventory): only one Pod per node can bind it, so the other stays Pending or crash-loops there. Move one of them to another port.',
    },
  },
  check(ctx) {
    const self = workloadOf(ctx.run, ctx.manifest);
    if (!self) return;
    const mine = claimsOf(ctx.run, self);
    if (!mine.length) return;
    const name = `${self.kind} ${displayName(ctx.manifest)}`;
    for (const c of mine) {
      if (c.port !== KUBELET_PORT) continue;
      ctx.report({ path: c.path, messageId: 'kubeletPort', data: { workload: name, claim: describeClaim(c) } });
    }
    if (self.kind !== 'DaemonSet') return;
    // Only workloads claiming one of the same ports can collide (the kubelet port is reported above instead).
    for (const other of claimantsOf(ctx.run, self, mine.filter((c) => c.port !== KUBELET_PORT))) {
      // Report each pair once: on the DaemonSet that comes first, or on the DaemonSet facing a non-DaemonSet.
      if (other.kind === 'DaemonSet' && other.index < self.index) continue;
      const theirs = claimsOf(ctx.run, other);
      if (!theirs.length) continue;
      const pairs = mine.flatMap((a) => theirs.filter((b) => claimsCollide(a, b) && a.port !== KUBELET_PORT).map((b) => ({ a, b })));
      if (!pairs.length) continue;
      const shared = sharedNodes(ctx.run, self, other);
      if (shared ? shared.length === 0 : !templatesMayShareNode(self.template, other.template)) continue;
      const otherName = `${other.kind} ${displayName(other.manifest)}`;
      const ports = pairs.map(({ a }) => `${a.port}/${a.protocol}`);
      ctx.report({
        path: pairs[0]!.a.path,
        ...(shared
          ? { messageId: 'conflict', data: { workload: name, other: otherName, ports: [...new Set(ports)].join(', '), nodes: listNames(shared) } }
          : { messageId: 'conflictNoInventory', data: { workload: name, other: otherName, ports: [...new Set(ports)].join(', ') } }),
        related: pairs.map(({ b }) => ({ manifest: other.manifest, path: b.path, message: `${otherName} claims ${describeClaim(b)}` })),
      });
    }
  },
};
export default rule;
