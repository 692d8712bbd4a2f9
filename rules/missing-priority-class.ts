// Guards against infrastructure agents that run at ordinary Pod priority and can be starved off a full node.
import { containersOf, displayName, isRecord, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const SYSTEM_TAINT_PREFIXES = ['node-role.kubernetes.io/', 'node.kubernetes.io/', 'node.cloudprovider.kubernetes.io/'];
const SYSTEM_TAINT_KEYS = ['CriticalAddonsOnly'];

/** Why a template looks like an infrastructure agent (empty when it does not). */
export function agentSignals(spec: Record<string, any>, containers: { container: Record<string, any> }[]): string[] {
  const out: string[] = [];
  if (spec.hostNetwork === true) out.push('hostNetwork');
  const privileged = containers
    .filter(({ container }) => isRecord(container.securityContext) && container.securityContext.privileged === true)
    .map(({ container }) => (typeof container.name === 'string' ? container.name : '(unnamed)'));
  if (privileged.length) out.push(`privileged container${privileged.length > 1 ? 's' : ''} ${privileged.join(', ')}`);
  if (Array.isArray(spec.tolerations)) {
    const tols = spec.tolerations.filter(isRecord);
    if (tols.some((t) => (t.key === undefined || t.key === null || t.key === '') && t.operator === 'Exists')) out.push('tolerates every taint');
    else {
      const keys = tols
        .map((t) => t.key)
        .filter((k): k is string => typeof k === 'string' && (SYSTEM_TAINT_KEYS.includes(k) || SYSTEM_TAINT_PREFIXES.some((p) => k.startsWith(p))));
      if (keys.length) out.push(`tolerates system taint${keys.length > 1 ? 's' : ''} ${[...new Set(keys)].join(', ')}`);
    }
  }
  return out;
}

const rule: Rule = {
  meta: {
    id: 'missing-priority-class',
    severity: 'info',
    description: 'A DaemonSet that acts as a node agent should set a priorityClassName.',
    rationale:
      'Daemon Pods get no special priority: without a priority class a node agent (networking, storage, logging) is no more important than any other Pod, so on a full node it may not be scheduled, or be preempted, and the node then lacks the agent it depends on.',
    remediation: 'Set `priorityClassName: system-node-critical` for agents a node cannot work without (or system-cluster-critical, or a class of your own).',
    kinds: ['DaemonSet'],
    tags: ['reliability', 'best-practice'],
    messages: {
      missing:
        'DaemonSet {{name}} looks like a node agent ({{signals}}) but sets no priorityClassName: on a full node its Pod is no more important than ordinary Pods and may stay unscheduled or be preempted. Set priorityClassName, e.g. system-node-critical.',
    },
    docs: `The rule treats a DaemonSet as an infrastructure agent when its Pod template uses \`hostNetwork\`, has a
privileged container, or tolerates system taints (every taint with \`operator: Exists\` and no key, a
\`node-role.kubernetes.io/*\` or \`node.kubernetes.io/*\` taint, or \`CriticalAddonsOnly\`). Such a DaemonSet without
\`spec.template.spec.priorityClassName\` runs at the default priority (usually 0): when a node is full, the
scheduler cannot preempt ordinary Pods to make room for it, and it may itself be preempted.

Agents the node cannot work without (CNI, kube-proxy, CSI node plugins) should use \`system-node-critical\`;
other cluster add-ons \`system-cluster-critical\` or a PriorityClass of your own. Note that a ResourceQuota may
limit the system classes to \`kube-system\`.

Invalid:

\`\`\`yaml
kind: DaemonSet
spec:
  template:
    spec:
      hostNetwork: true
\`\`\`

Valid: add \`priorityClassName: system-node-critical\`.`,
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    const pc = t.spec.priorityClassName;
    if (typeof pc === 'string' && pc !== '') return;
    const signals = agentSignals(t.spec, containersOf(t));
    if (!signals.length) return;
    ctx.report({
      path: [...t.specPath, 'priorityClassName'],
      messageId: 'missing',
      data: { name: displayName(ctx.manifest), signals: signals.join('; ') },
    });
  },
};
export default rule;
