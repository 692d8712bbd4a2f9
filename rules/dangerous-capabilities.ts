// Flags added capabilities that are close to full root on the node.
import { capabilityEntries, containerLabel, dangerOf, isPrivileged } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'dangerous-capabilities',
    severity: 'warning',
    description: 'A container adds a capability that is close to root on the node (SYS_ADMIN, ALL, SYS_MODULE …).',
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 7.5,
    messages: {
      dangerous: '{{container}} adds {{capability}}, which {{danger}}. Remove it or replace it with the narrower capability the container needs.',
      ptraceHostPid:
        '{{container}} adds {{capability}}, which {{danger}}. With hostPID: true in this Pod, that is every process on the node. Remove it or replace it with the narrower capability the container needs.',
    },
    optionsSchema: {
      type: 'object',
      properties: {
        allow: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          description: 'Capabilities not to report (e.g. [SYS_PTRACE] for a profiler); CAP_ prefix and case do not matter.',
        },
      },
      additionalProperties: false,
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    const hostPID = t.spec.hostPID === true;
    const canon = (n: string) => n.trim().toUpperCase().replace(/^CAP_/, '');
    const allowed = new Set(Array.isArray(ctx.options.allow) ? (ctx.options.allow as unknown[]).filter((a): a is string => typeof a === 'string').map(canon) : []);
    for (const ref of containersOf(t)) {
      // A privileged container holds everything anyway; privileged-container reports it.
      if (isPrivileged(ref.container)) continue;
      for (const e of capabilityEntries(ref, 'add')) {
        const why = dangerOf(e.name);
        if (!why || allowed.has(canon(e.name))) continue;
        const canonical = e.name.trim().toUpperCase().replace(/^CAP_/, '');
        ctx.report({
          path: e.path,
          messageId: canonical === 'SYS_PTRACE' && hostPID ? 'ptraceHostPid' : 'dangerous',
          data: { container: containerLabel(ref, true), capability: e.name, danger: why },
        });
      }
    }
  },
};
export default rule;
