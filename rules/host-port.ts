// Points out daemon ports exposed on every node's address.
import { containerLabel } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, isRecord, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'host-port',
    severity: 'info',
    description: "A container port is published on the node's address with hostPort.",
    rationale:
      "A hostPort is reachable by anything that can reach the node's IP, including from outside the cluster, and bypasses Service-level controls; it also ties each node to one Pod using that port.",
    remediation:
      'If only clients in the cluster use the port, put a Service with `internalTrafficPolicy: Local` in front of the daemon instead; otherwise make sure the port is authenticated and firewalled, and set `hostIP` to bind one address.',
    kinds: POD_KINDS,
    tags: ['security', 'network'],
    securitySeverity: 3.0,
    messages: {
      hostPort:
        '{{container}} publishes hostPort {{hostPort}}/{{protocol}}{{target}}, so it is reachable on {{reach}}, possibly from outside the cluster. Make sure that is intended and the port is protected, or use a Service with internalTrafficPolicy: Local for in-cluster clients.',
    },
    docs: `\`ports[].hostPort\` forwards a port of the node to the container. For a DaemonSet that means the daemon answers
on that port at **every** node's IP, reachable from wherever the node is reachable (often outside the cluster).
It is a legitimate way for Pods to reach the daemon on their own node (through \`status.hostIP\`), so this is
informational: check that the exposure is intended and that the port requires authentication.

Ports of a \`hostNetwork\` Pod are not reported here (the whole network namespace is shared; see \`host-network\`).

Invalid (reported):

\`\`\`yaml
containers:
  - name: agent
    ports:
      - containerPort: 8126
        hostPort: 8126
\`\`\`

Valid: a Service in front of the DaemonSet.

\`\`\`yaml
kind: Service
spec:
  internalTrafficPolicy: Local
  selector: {app: agent}
  ports: [{port: 8126}]
\`\`\``,
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    // With hostNetwork every port is on the node anyway: host-network reports that.
    if (!t || t.spec.hostNetwork === true) return;
    const nodes = ctx.manifest.ref.kind === 'DaemonSet' ? 'every node' : 'each node that runs the Pod';
    for (const ref of containersOf(t)) {
      const ports = ref.container.ports;
      if (!Array.isArray(ports)) continue;
      ports.forEach((p: unknown, j: number) => {
        if (!isRecord(p) || typeof p.hostPort !== 'number' || p.hostPort <= 0) return;
        const proto = typeof p.protocol === 'string' ? p.protocol : 'TCP';
        const target = typeof p.containerPort === 'number' && p.containerPort !== p.hostPort ? ` (to containerPort ${p.containerPort})` : '';
        const bind = typeof p.hostIP === 'string' && p.hostIP && p.hostIP !== '0.0.0.0' ? `address ${p.hostIP} of ${nodes}` : `the IP of ${nodes}`;
        ctx.report({
          path: [...ref.path, 'ports', j, 'hostPort'],
          messageId: 'hostPort',
          data: { container: containerLabel(ref, true), hostPort: p.hostPort, protocol: proto, target, reach: bind },
        });
      });
    }
  },
};
export default rule;
