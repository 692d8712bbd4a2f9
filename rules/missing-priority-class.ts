// Guards against infrastructure agents that run at ordinary Pod priority and can be starved off a full node.
import { containersOf, displayName, isRecord, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const SYSTEM_TAINT_PREFIXES = ['node-role.kubernetes.io/', 'node.kubernetes.io/', 'node.cloudprovider.kubernetes.io/'];
const SYSTEM_TAINT_KEYS = ['CriticalAddonsOnly'];

/** Why a template looks like an infrastructure agent (empty when it does not). */
export function agentSignals(spec: Record<string, any>, containers: readonly { container: Record<string, any> }[]): string[] {
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
    kinds: ['DaemonSet'],
    tags: ['reliability', 'best-practice'],
    messages: {
      missing:
        'DaemonSet {{name}} looks like a node agent ({{signals}}) but sets no priorityClassName: on a full node its Pod is no more important than ordinary Pods and may stay unscheduled or be preempted. Set priorityClassName, e.g. system-node-critical.',
    },
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
