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
    rationale:
      'A host port exists once per node. When two DaemonSets (or a DaemonSet and a hostNetwork workload) claim the same port and protocol on a node, only one of them gets it: the other Pod stays Pending or crash-loops on every node they share. Port 10250 belongs to the kubelet on every node.',
    remediation: 'Give one of the workloads another host port (or drop hostPort/hostNetwork where a Service would do).',
    kinds: POD_KINDS,
    tags: ['correctness', 'cross-resource', 'networking'],
    docs: `A Pod claims a port on its node with \`ports[].hostPort\`, or with \`hostNetwork: true\`, where every
\`containerPort\` is bound on the node itself. The rule reports:

- two workloads that claim the same port and protocol (and overlapping \`hostIP\`) and can land on the same node,
  when at least one of them is a DaemonSet (a DaemonSet is on every eligible node, so any overlap collides).
  Whether they can share a node comes from the node inventory when one is given (the finding names the shared
  nodes), otherwise from their nodeSelector, required node affinity and nodeName (e.g. \`kubernetes.io/os: linux\`
  and \`kubernetes.io/os: windows\` never share a node). Each colliding DaemonSet gets one finding, however many
  workloads it collides with: it names the first five (their claims are the related locations) and counts the rest,
  so that fifty agents on one port give fifty findings, not 1,225;
- a host port equal to 10250, the kubelet's port (on any workload kind).

Duplicate host ports inside one Pod template are rejected by the API server and are not this rule's concern.

Invalid:

\`\`\`yaml
kind: DaemonSet
metadata: {name: node-exporter}
spec: {template: {spec: {hostNetwork: true, containers: [{ports: [{containerPort: 9100}]}]}}}
---
kind: DaemonSet
metadata: {name: other-exporter}
spec: {template: {spec: {containers: [{ports: [{containerPort: 9100, hostPort: 9100}]}]}}}
\`\`\``,
  },
  check(ctx) {
    const self = workloadOf(ctx.run, ctx.manifest);
    if (!self) return;
    const mine = hostPortClaims(self.template);
    if (!mine.length) return;
    const name = `${self.kind} ${displayName(ctx.manifest)}`;
    for (const c of mine) {
      if (c.port !== KUBELET_PORT) continue;
      ctx.report({
        path: c.path,
        message: `${name} claims host port ${describeClaim(c)}, the kubelet's own port on every node: the Pod cannot bind it next to the kubelet, or intercepts the kubelet's traffic. Choose another port.`,
      });
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
      const where = one.shared ? `on ${listNames(one.shared)}` : 'on the nodes they can share (judged from their node restrictions; no node inventory)';
      ctx.report({
        path,
        message: `${name} and ${label(one.other)} both claim host port ${ports.join(', ')} ${where}: only one Pod per node can bind it, so the other stays Pending or crash-loops there. Move one of them to another port.`,
        related,
      });
      return;
    }
    const others = `${first.map((c) => label(c.other)).join(', ')}${count > first.length ? ` and ${count - first.length} more` : ''}`;
    const where = one.shared ? 'that run on some of its nodes (see the nodes in common below)' : 'that can share a node with it (judged from their node restrictions; no node inventory)';
    ctx.report({
      path,
      message: `${name} claims host port ${ports.join(', ')}, and so do ${count} other workloads ${where}: ${others}. Only one Pod per node can bind a port, so on every node they share all but one of them stay Pending or crash-loop. Give each workload its own port.`,
      related,
    });
  },
};
export default rule;
