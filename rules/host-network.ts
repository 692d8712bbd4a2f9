// Flags Pods that share the node's network namespace.
import { isSure, podRoles, type RoleGuess } from '../src/k8s/roles.js';
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

/** Roles that must work in the node's network namespace, with the message that says why. */
function needsHostNetwork(g: RoleGuess | undefined): string | undefined {
  if (isSure(g, 'network-agent', 'cni-installer')) return 'networkAgent';
  if (isSure(g, 'metrics-exporter') && g!.traits.has('node-metrics')) return 'nodeMetrics';
  if (isSure(g, 'csi-node') && g!.traits.has('network-filesystem')) return 'networkFilesystem';
  return undefined;
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
      hostNetwork: `${RISK} Remove it unless the Pod must work in the node's network namespace (manage its interfaces, routes or firewall rules, or see the node's own traffic); serving clients on each node needs neither: a Service with internalTrafficPolicy: Local or a single hostPort does that.`,
      networkAgent: `${RISK} As a network agent ({{evidence}}) it needs it; keep the rest of its access minimal (capabilities instead of privileged, read-only host mounts).`,
      nodeMetrics: `${RISK} As a node metrics exporter ({{evidence}}) it needs it to report the node's own network interfaces and connections; keep its metrics port protected (bind it to localhost behind an authenticating proxy, or restrict it with the node firewall).`,
      networkFilesystem: `${RISK} As a CSI node plugin for a network filesystem ({{evidence}}) it needs it: the connections behind its mounts belong to the network namespace they were made in and must outlive the plugin's Pod.`,
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostNetwork !== true) return;
    const regular = containersOf(t).filter((c) => !c.init);
    const ports = declaredPorts(regular.map((c) => c.container));
    const data = { declared: ports.length ? ` (it declares ${ports.join(', ')})` : '' };
    const role = podRoles(t).primary;
    const needs = needsHostNetwork(role);
    if (needs) {
      ctx.report({ path: [...t.specPath, 'hostNetwork'], expected: true, messageId: needs, data: { ...data, evidence: role!.evidence[0]! } });
      return;
    }
    ctx.report({ path: [...t.specPath, 'hostNetwork'], messageId: 'hostNetwork', data });
  },
};
export default rule;
