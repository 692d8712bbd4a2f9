// Flags Pods that share the node's process namespace.
import { POD_KINDS, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'host-pid',
    severity: 'warning',
    description: "A Pod template sets hostPID: true and shares the node's process namespace.",
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 6.0,
    messages: {
      hostPid:
        'hostPID: true lets this Pod see every process on the node, read their command lines and environment (often secrets) and signal them. Remove it unless the daemon must inspect host processes.',
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostPID !== true) return;
    ctx.report({ path: [...t.specPath, 'hostPID'], messageId: 'hostPid' });
  },
};
export default rule;
