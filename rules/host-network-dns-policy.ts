// Catches hostNetwork Pods that silently lose cluster DNS.
import { looksLikeNetworkAgent } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

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
    // CNI plugins and kube-proxy start before cluster DNS can work and reach the API server by IP:
    // the node resolver is what they should use.
    const names = containersOf(t).filter((c) => !c.init).flatMap((c) => [c.container.name, c.container.image]);
    if (looksLikeNetworkAgent([...names, ctx.manifest.ref.name])) return;
    const set = dns === 'ClusterFirst';
    ctx.report({
      path: [...t.specPath, set ? 'dnsPolicy' : 'hostNetwork'],
      messageId: set ? 'clusterFirst' : 'unset',
      fix: { description: 'Set dnsPolicy to ClusterFirstWithHostNet', edits: [{ op: 'set', path: [...t.specPath, 'dnsPolicy'], value: 'ClusterFirstWithHostNet' }] },
    });
  },
};
export default rule;
