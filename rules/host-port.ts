// Points out daemon ports exposed on every node's address.
import { containerLabel } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, isRecord, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'host-port',
    severity: 'info',
    description: "A container port is published on the node's address with hostPort.",
    kinds: POD_KINDS,
    tags: ['security', 'network'],
    securitySeverity: 3.0,
    messages: {
      hostPort:
        '{{container}} publishes hostPort {{hostPort}}/{{protocol}}{{target}}, so it is reachable on {{reach}}, possibly from outside the cluster. Make sure that is intended and the port is protected, or use a Service with internalTrafficPolicy: Local for in-cluster clients.',
    },
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
