// Catches hostPorts that differ from their containerPort on a hostNetwork Pod: the API server rejects them.
import { containerLabel } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, isRecord, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'host-network-port-mismatch',
    severity: 'error',
    description: 'A hostNetwork Pod declares a hostPort different from its containerPort.',
    kinds: POD_KINDS,
    tags: ['correctness', 'api-rejects', 'network'],
    messages: {
      mismatch:
        '{{container}} declares hostPort {{hostPort}} for containerPort {{containerPort}}, but with hostNetwork there is no port mapping and the API server rejects a hostPort that differs. Remove hostPort or set it to {{containerPort}}.',
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostNetwork !== true) return;
    for (const ref of containersOf(t)) {
      const ports = ref.container.ports;
      if (!Array.isArray(ports)) continue;
      ports.forEach((p: unknown, j: number) => {
        if (!isRecord(p) || typeof p.hostPort !== 'number' || typeof p.containerPort !== 'number') return;
        if (p.hostPort === 0 || p.hostPort === p.containerPort) return;
        ctx.report({
          path: [...ref.path, 'ports', j, 'hostPort'],
          messageId: 'mismatch',
          data: { container: containerLabel(ref, true), hostPort: p.hostPort, containerPort: p.containerPort },
        });
      });
    }
  },
};
export default rule;
