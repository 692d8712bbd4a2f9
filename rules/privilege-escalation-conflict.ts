// Catches securityContext combinations that the API server rejects outright.
import { capabilityEntries, containerLabel, isPrivileged, securityContextOf } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'privilege-escalation-conflict',
    severity: 'error',
    description: 'allowPrivilegeEscalation: false together with privileged: true (or with CAP_SYS_ADMIN), which the API server rejects.',
    kinds: POD_KINDS,
    tags: ['correctness', 'api-rejects', 'security'],
    securitySeverity: 3.0,
    messages: {
      privileged:
        '{{container}} sets allowPrivilegeEscalation: false and privileged: true; the API server rejects the pair because a privileged process can always escalate. Remove privileged: true (preferred) or allowPrivilegeEscalation: false.',
      sysAdmin:
        '{{container}} sets allowPrivilegeEscalation: false and adds CAP_SYS_ADMIN; the API server rejects the pair because SYS_ADMIN allows escalation. Remove the capability or allowPrivilegeEscalation: false.',
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    for (const ref of containersOf(t)) {
      const sc = securityContextOf(ref.container);
      if (!sc || sc.allowPrivilegeEscalation !== false) continue;
      const data = { container: containerLabel(ref, true) };
      if (isPrivileged(ref.container)) {
        ctx.report({
          path: [...ref.path, 'securityContext', 'allowPrivilegeEscalation'],
          messageId: 'privileged',
          data,
        });
      }
      for (const e of capabilityEntries(ref, 'add')) {
        if (e.name !== 'CAP_SYS_ADMIN') continue;
        ctx.report({ path: e.path, messageId: 'sysAdmin', data });
      }
    }
  },
};
export default rule;
