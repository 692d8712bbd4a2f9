// Guards against containers that run with the whole kernel at their disposal.
import { bidirectionalMount, containerLabel, isPrivileged, roleAdvice } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const RISK = '{{container}} runs privileged: it gets every capability and every host device, with no seccomp or AppArmor confinement.';

const rule: Rule = {
  meta: {
    id: 'privileged-container',
    severity: 'warning',
    description: 'A container runs with securityContext.privileged: true.',
    rationale:
      'A privileged container gets every capability, every host device and no seccomp or AppArmor confinement: a compromise of the container is a compromise of the node. Node agents rarely need more than a few specific capabilities.',
    remediation: 'Remove `privileged: true` and add only the capabilities the container needs under `securityContext.capabilities.add`.',
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 8.0,
    messages: {
      role: `${RISK} {{advice}}`,
      generic: `${RISK} Remove privileged and add only the capabilities it needs under securityContext.capabilities.add.`,
      bidirectional: `${RISK} It mounts {{mount}} with mountPropagation: Bidirectional, which the API server only allows for privileged containers; keep privileged only if that propagation is really needed.`,
    },
    docs: `\`securityContext.privileged: true\` hands the container the whole kernel: every Linux capability, access
to every device under \`/dev\`, and no seccomp or AppArmor profile. Anything that gains code execution in the
container owns the node.

Most node agents need only a few capabilities, and the message suggests them from the container's name, image
and Pod settings (a guess, so it says "usually"):

| Looks like | Usually needs instead |
|---|---|
| network agent (Calico, Cilium, Flannel, kube-proxy, kube-router, Weave, Multus, CNI, iptables) or any hostNetwork Pod | \`NET_ADMIN\`, \`NET_RAW\` |
| storage / CSI node plugin | \`SYS_ADMIN\` for mounts |
| monitoring agent (node-exporter, cAdvisor …) | nothing: read-only hostPath mounts of \`/proc\`, \`/sys\`; \`SYS_PTRACE\` only for per-process data |
| log shipper | nothing: a read-only \`/var/log\` mount |
| eBPF agent (Falco, Tetragon …) | \`BPF\`, \`PERFMON\`, \`SYS_RESOURCE\` (+ \`SYS_PTRACE\`) |
| device plugin | nothing beyond the device-plugin socket mount |

A container with a \`mountPropagation: Bidirectional\` volume mount must be privileged (the API server rejects
it otherwise): such a container is reported at \`info\` severity only.

Invalid:

\`\`\`yaml
kind: DaemonSet
spec:
  template:
    spec:
      containers:
        - name: flannel
          image: flannel/flannel:v0.25.1
          securityContext:
            privileged: true
\`\`\`

Valid:

\`\`\`yaml
kind: DaemonSet
spec:
  template:
    spec:
      containers:
        - name: flannel
          image: flannel/flannel:v0.25.1
          securityContext:
            privileged: false
            capabilities:
              add: [NET_ADMIN, NET_RAW]
\`\`\``,
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    const hostNetwork = t.spec.hostNetwork === true;
    for (const ref of containersOf(t)) {
      if (!isPrivileged(ref.container)) continue;
      const container = containerLabel(ref, true);
      const path = [...ref.path, 'securityContext', 'privileged'];
      const propagation = bidirectionalMount(ref.container);
      if (propagation !== undefined) {
        ctx.report({ path, severity: 'info', messageId: 'bidirectional', data: { container, mount: propagation } });
        continue;
      }
      const role = roleAdvice([ref.container.name, ref.container.image, ctx.manifest.ref.name], hostNetwork);
      if (role) ctx.report({ path, messageId: 'role', data: { container, advice: role.advice } });
      else ctx.report({ path, messageId: 'generic', data: { container } });
    }
  },
};
export default rule;
