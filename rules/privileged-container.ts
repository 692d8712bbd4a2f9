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
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 8.0,
    messages: {
      role: `${RISK} {{advice}}`,
      generic: `${RISK} Remove privileged and add only the capabilities it needs under securityContext.capabilities.add.`,
      bidirectional: `${RISK} It mounts {{mount}} with mountPropagation: Bidirectional, which the API server only allows for privileged containers; keep privileged only if that propagation is really needed.`,
    },
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
