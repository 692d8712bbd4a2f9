// Flags Pods that share the node's IPC namespace.
import { POD_KINDS, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'host-ipc',
    severity: 'warning',
    description: "A Pod template sets hostIPC: true and shares the node's IPC namespace.",
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 5.0,
    messages: {
      hostIpc:
        'hostIPC: true lets this Pod read and write the shared memory, semaphores and message queues of every process on the node. Remove it unless the workload really exchanges shared memory with the host.',
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostIPC !== true) return;
    ctx.report({ path: [...t.specPath, 'hostIPC'], messageId: 'hostIpc' });
  },
};
export default rule;
