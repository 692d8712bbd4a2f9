// Catches hostNetwork Pods that silently lose cluster DNS.
import { isSure, podRoles, type Role } from '../src/k8s/roles.js';
import { POD_KINDS, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

/**
 * Roles whose work needs no cluster Service name: network agents and their install steps start before cluster DNS
 * can work and reach the API server by the address the kubelet gives them (KUBERNETES_SERVICE_HOST); CSI and device
 * plugins talk to the kubelet through sockets; installers and node setup steps change the node; node maintenance
 * agents and metrics exporters only answer the API server or scrapers; helpers and placeholders follow their Pod.
 * Monitoring agents and log shippers are not listed: they often send to a Service in the cluster by name.
 */
const NO_CLUSTER_NAMES: readonly Role[] = ['network-agent', 'cni-installer', 'csi-node', 'device-plugin', 'node-setup', 'node-maintenance', 'metrics-exporter', 'helper', 'placeholder'];

const rule: Rule = {
  meta: {
    id: 'host-network-dns-policy',
    severity: 'warning',
    description: 'A hostNetwork Pod keeps the default dnsPolicy (ClusterFirst) and cannot resolve cluster Service names.',
    kinds: POD_KINDS,
    tags: ['correctness', 'network'],
    fixable: true,
    messages: {
      unset:
        "This hostNetwork Pod leaves dnsPolicy unset (ClusterFirst), so it uses the node's resolver and cluster Service names do not resolve. Set dnsPolicy: ClusterFirstWithHostNet.",
      clusterFirst:
        "This hostNetwork Pod sets dnsPolicy: ClusterFirst, so it uses the node's resolver and cluster Service names do not resolve. Set dnsPolicy: ClusterFirstWithHostNet.",
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostNetwork !== true) return;
    const dns = t.spec.dnsPolicy;
    if (dns !== undefined && dns !== null && dns !== 'ClusterFirst') return;
    // Only when every container (init containers too: they share the Pod's DNS settings) surely has such a role; one
    // container of unknown purpose keeps the finding.
    const { containers } = podRoles(t);
    if (containers.length && containers.every((c) => isSure(c.guess, ...NO_CLUSTER_NAMES))) return;
    const set = dns === 'ClusterFirst';
    ctx.report({
      path: [...t.specPath, set ? 'dnsPolicy' : 'hostNetwork'],
      messageId: set ? 'clusterFirst' : 'unset',
      fix: { description: 'Set dnsPolicy to ClusterFirstWithHostNet', edits: [{ op: 'set', path: [...t.specPath, 'dnsPolicy'], value: 'ClusterFirstWithHostNet' }] },
    });
  },
};
export default rule;
