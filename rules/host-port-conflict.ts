// Guards against two node-level workloads claiming the same host port, or a Pod taking the kubelet's port.
import { hostPortCollisions } from '../src/k8s/host-ports.js';
import { listNames } from '../src/k8s/nodes.js';
import { claimKey, describeClaim, hostPortClaims } from '../src/k8s/ports.js';
import { workloadOf, type Workload } from '../src/k8s/run-index.js';
import { displayName, POD_KINDS } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

/** The kubelet's API port on every node. */
export const KUBELET_PORT = 10250;
/** Colliding workloads named in one finding before the rest are counted. */
const MAX_NAMED = 5;

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
      conflictMany:
        '{{workload}} claims host port {{ports}}, and so do {{count}} other workloads that run on some of its nodes (see the nodes in common below): {{others}}. Only one Pod per node can bind a port, so on every node they share all but one of them stay Pending or crash-loop. Give each workload its own port.',
      conflictManyNoInventory:
        '{{workload}} claims host port {{ports}}, and so do {{count}} other workloads that can share a node with it (judged from their node restrictions; no node inventory): {{others}}. Only one Pod per node can bind a port, so on every node they share all but one of them stay Pending or crash-loop. Give each workload its own port.',
    },
  },
  check(ctx) {
    const self = workloadOf(ctx.run, ctx.manifest);
    if (!self) return;
    const mine = hostPortClaims(self.template);
    if (!mine.length) return;
    const name = `${self.kind} ${displayName(ctx.manifest)}`;
    for (const c of mine) {
      if (c.port !== KUBELET_PORT) continue;
      ctx.report({ path: c.path, messageId: 'kubeletPort', data: { workload: name, claim: describeClaim(c) } });
    }
    if (self.kind !== 'DaemonSet') return;
    // Every workload this DaemonSet collides with (the kubelet port is reported above instead), found through groups of
    // identical claimants: one finding per DaemonSet naming the first few and counting the rest, never one per pair.
    const { count, first, ports } = hostPortCollisions(ctx.run, self, MAX_NAMED, KUBELET_PORT);
    if (!count) return;
    const label = (w: Workload) => `${w.kind} ${displayName(w.manifest)}`;
    const path = mine.find((c) => c.port !== KUBELET_PORT && ports.includes(claimKey(c)))!.path;
    const related = first.flatMap((c) =>
      c.pairs.map(({ theirs }) => ({
        manifest: c.other.manifest,
        path: theirs.path,
        message: `${label(c.other)} claims ${describeClaim(theirs)}${count > 1 && c.shared ? ` (nodes in common: ${listNames(c.shared)})` : ''}`,
      })),
    );
    const one = first[0]!;
    if (count === 1) {
      const data = { workload: name, other: label(one.other), ports: ports.join(', ') };
      ctx.report({
        path,
        ...(one.shared ? { messageId: 'conflict', data: { ...data, nodes: listNames(one.shared) } } : { messageId: 'conflictNoInventory', data }),
        related,
      });
      return;
    }
    const others = `${first.map((c) => label(c.other)).join(', ')}${count > first.length ? ` and ${count - first.length} more` : ''}`;
    ctx.report({
      path,
      messageId: one.shared ? 'conflictMany' : 'conflictManyNoInventory',
      data: { workload: name, ports: ports.join(', '), count, others },
      related,
    });
  },
};
export default rule;
