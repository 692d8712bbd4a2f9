// Catches hostNetwork Pods that silently lose cluster DNS.
import { looksLikeNetworkAgent } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'host-network-dns-policy',
    severity: 'warning',
    description: 'A hostNetwork Pod keeps the default dnsPolicy (ClusterFirst) and cannot resolve cluster Service names.',
    rationale:
      "With hostNetwork, dnsPolicy ClusterFirst (the default) falls back to the node's resolv.conf: names like `my-svc.my-ns.svc` stop resolving, which shows up as connection errors at run time only.",
    remediation: 'Set `dnsPolicy: ClusterFirstWithHostNet` in the Pod spec (or `Default` if the Pod only needs the node resolver, and say so explicitly).',
    kinds: POD_KINDS,
    tags: ['correctness', 'network'],
    fixable: true,
    messages: {
      unset:
        "This hostNetwork Pod leaves dnsPolicy unset (ClusterFirst), so it uses the node's resolver and cluster Service names do not resolve. Set dnsPolicy: ClusterFirstWithHostNet.",
      clusterFirst:
        "This hostNetwork Pod sets dnsPolicy: ClusterFirst, so it uses the node's resolver and cluster Service names do not resolve. Set dnsPolicy: ClusterFirstWithHostNet.",
    },
    docs: `A Pod with \`hostNetwork: true\` and \`dnsPolicy\` unset or \`ClusterFirst\` uses the node's DNS settings, so it cannot
resolve cluster Service names. The API server accepts it; the agent then fails to reach the API or its backend by
name. \`ClusterFirstWithHostNet\` gives it the cluster resolver. If the Pod really wants the node resolver, write
\`dnsPolicy: Default\` so the intent is visible.

Network agents (CNI plugins such as Calico, Flannel, Cilium, Multus, and kube-proxy, kube-router, recognised by
container name or image) are not reported: they must work before cluster DNS does, reach the API server by IP, and
are right to use the node's resolver.

Fix: \`--fix\` sets \`dnsPolicy: ClusterFirstWithHostNet\`.

Invalid:

\`\`\`yaml
spec:
  hostNetwork: true
  containers: [...]
\`\`\`

Valid:

\`\`\`yaml
spec:
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  containers: [...]
\`\`\``,
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
