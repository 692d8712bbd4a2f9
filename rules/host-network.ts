// Flags Pods that share the node's network namespace.
import { looksLikeNetworkAgent } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, isRecord, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

/** `9100/TCP, 53/UDP` from the containers' declared ports. */
function declaredPorts(containers: Record<string, any>[]): string[] {
  const out: string[] = [];
  for (const c of containers) {
    if (!Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (!isRecord(p) || (typeof p.containerPort !== 'number' && typeof p.containerPort !== 'string')) continue;
      const proto = typeof p.protocol === 'string' ? p.protocol : 'TCP';
      const s = `${p.containerPort}/${proto}`;
      if (!out.includes(s)) out.push(s);
    }
  }
  return out;
}

const RISK =
  "hostNetwork: true puts the Pod in the node's network namespace{{declared}}: it can bind any node port, intercept traffic meant for other services and is reachable from outside the cluster.";

const rule: Rule = {
  meta: {
    id: 'host-network',
    severity: 'warning',
    description: 'A Pod template sets hostNetwork: true and shares the node network namespace.',
    kinds: POD_KINDS,
    tags: ['security', 'network'],
    securitySeverity: 6.5,
    messages: {
      hostNetwork: `${RISK} Unless it manages the node network, remove it and use a Service with internalTrafficPolicy: Local, or a hostPort for a single port.`,
      networkAgent: `${RISK} A network agent needs it; keep the rest of its access minimal (capabilities instead of privileged, read-only host mounts).`,
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostNetwork !== true) return;
    const regular = containersOf(t).filter((c) => !c.init);
    const ports = declaredPorts(regular.map((c) => c.container));
    const data = { declared: ports.length ? ` (it declares ${ports.join(', ')})` : '' };
    if (looksLikeNetworkAgent([...regular.flatMap((c) => [c.container.name, c.container.image]), ctx.manifest.ref.name])) {
      ctx.report({ path: [...t.specPath, 'hostNetwork'], severity: 'info', messageId: 'networkAgent', data });
      return;
    }
    ctx.report({ path: [...t.specPath, 'hostNetwork'], messageId: 'hostNetwork', data });
  },
};
export default rule;
