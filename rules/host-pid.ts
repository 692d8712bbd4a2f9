// Flags Pods that share the node's process namespace.
import { POD_KINDS, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'host-pid',
    severity: 'warning',
    description: "A Pod template sets hostPID: true and shares the node's process namespace.",
    rationale:
      "With hostPID the Pod sees every process on the node, including other containers' processes, their command lines and environment (often holding secrets); with SYS_PTRACE or root it can signal or trace them.",
    remediation: 'Remove `hostPID: true`; keep it only for agents that must inspect host processes, and then run them without write access to the host.',
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 6.0,
    messages: {
      hostPid:
        'hostPID: true lets this Pod see every process on the node, read their command lines and environment (often secrets) and signal them. Remove it unless the daemon must inspect host processes.',
    },
    docs: `\`hostPID: true\` puts the Pod in the node's PID namespace: its processes can list every process on the node,
read their command lines and \`/proc/<pid>/environ\` (where secrets often live), signal them, and with
\`SYS_PTRACE\` attach to them. Together with privilege it is a direct way into any other container
(\`nsenter -t 1\`). Process monitors and some security agents need it; most daemons do not.

Invalid:

\`\`\`yaml
spec:
  hostPID: true
\`\`\`

Valid: leave \`hostPID\` out (it defaults to false).

\`\`\`yaml
spec:
  containers:
    - name: agent
      image: example/agent:1.0
\`\`\``,
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostPID !== true) return;
    ctx.report({ path: [...t.specPath, 'hostPID'], messageId: 'hostPid' });
  },
};
export default rule;
