// Flags Pods that share the node's IPC namespace.
import { POD_KINDS, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'host-ipc',
    severity: 'warning',
    description: "A Pod template sets hostIPC: true and shares the node's IPC namespace.",
    rationale:
      'With hostIPC the Pod can read and write the shared memory segments, semaphores and message queues of every process on the node, including other containers that use hostIPC.',
    remediation: 'Remove `hostIPC: true`; very few daemons need it (some GPU and MPI workloads do).',
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 5.0,
    messages: {
      hostIpc:
        'hostIPC: true lets this Pod read and write the shared memory, semaphores and message queues of every process on the node. Remove it unless the workload really exchanges shared memory with the host.',
    },
    docs: `\`hostIPC: true\` puts the Pod in the node's IPC namespace: System V shared memory, semaphores and POSIX message
queues of host processes become readable and writable from the container. Data exchanged through shared memory
(database buffers, ML frameworks) can leak or be tampered with.

Invalid:

\`\`\`yaml
spec:
  hostIPC: true
\`\`\`

Valid: leave \`hostIPC\` out (it defaults to false).

\`\`\`yaml
spec:
  containers:
    - name: agent
      image: example/agent:1.0
\`\`\``,
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostIPC !== true) return;
    ctx.report({ path: [...t.specPath, 'hostIPC'], messageId: 'hostIpc' });
  },
};
export default rule;
