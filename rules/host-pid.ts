// Flags Pods that share the node's process namespace.
import { ROLE_LABEL, isSure, podRoles } from '../src/k8s/roles.js';
import { POD_KINDS, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const RISK = 'hostPID: true lets this Pod see every process on the node, read their command lines and environment (often secrets) and signal them.';

const rule: Rule = {
  meta: {
    id: 'host-pid',
    severity: 'warning',
    description: "A Pod template sets hostPID: true and shares the node's process namespace.",
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 6.0,
    messages: {
      hostPid: `${RISK} Remove it unless the daemon must see or enter the node's processes (process metrics, security monitoring, commands run in other containers' or the node's namespaces).`,
      nodeMonitor: `${RISK} As a {{role}} ({{evidence}}) it works with the node's own processes, which is what hostPID is for; keep the rest of its access minimal.`,
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || t.spec.hostPID !== true) return;
    const path = [...t.specPath, 'hostPID'];
    // Node monitors, security agents, node maintenance and node setup steps work with the node's processes.
    const role = podRoles(t).primary;
    if (isSure(role, 'metrics-exporter', 'monitoring-agent', 'security-agent', 'node-maintenance', 'node-setup')) {
      ctx.report({ path, expected: true, messageId: 'nodeMonitor', data: { role: ROLE_LABEL[role!.role], evidence: role!.evidence[0]! } });
      return;
    }
    ctx.report({ path, messageId: 'hostPid' });
  },
};
export default rule;
