// Flags added capabilities that are close to full root on the node.
import { capabilityEntries, containerLabel, dangerOf, isPrivileged } from '../src/k8s/capabilities.js';
import { containerRole, isSure } from '../src/k8s/roles.js';
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
      dangerous: '{{container}} adds {{capability}}, which {{danger}}. Remove it or replace it with a narrower capability, unless a feature the container uses needs exactly this one (then keep it and note why).',
      networkNamespaces:
        '{{container}} adds {{capability}}, which {{danger}}. As a network agent ({{evidence}}) it may need it: agents that set up Pod networking from the node open and enter other Pods\' network namespaces (/proc/PID/ns, setns), and routing daemons manage network namespaces or VRFs; remove it if this one does neither.',
      csiMounts: '{{container}} adds {{capability}}, which {{danger}}. As a CSI node plugin ({{evidence}}) it mounts volumes for Pods, which needs it.',
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
        const data = { container: containerLabel(ref, true), capability: e.name, danger: why };
        // What the container's role needs: reported as its expected posture.
        const g = containerRole(t, ref);
        if ((canonical === 'SYS_ADMIN' || canonical === 'SYS_PTRACE') && isSure(g, 'network-agent', 'cni-installer')) {
          ctx.report({ path: e.path, expected: true, messageId: 'networkNamespaces', data: { ...data, evidence: g!.evidence[0]! } });
          continue;
        }
        if (canonical === 'SYS_ADMIN' && isSure(g, 'csi-node')) {
          ctx.report({ path: e.path, expected: true, messageId: 'csiMounts', data: { ...data, evidence: g!.evidence[0]! } });
          continue;
        }
        ctx.report({ path: e.path, messageId: canonical === 'SYS_PTRACE' && hostPID ? 'ptraceHostPid' : 'dangerous', data });
      }
    }
  },
};
export default rule;
