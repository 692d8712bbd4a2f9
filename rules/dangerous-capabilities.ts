// Flags added capabilities that are close to full root on the node.
import { DANGEROUS_CAPABILITIES, capabilityEntries, containerLabel, dangerOf, isPrivileged } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const table = [...DANGEROUS_CAPABILITIES].map(([name, why]) => `| \`${name}\` | ${why} |`).join('\n');

const rule: Rule = {
  meta: {
    id: 'dangerous-capabilities',
    severity: 'warning',
    description: 'A container adds a capability that is close to root on the node (SYS_ADMIN, ALL, SYS_MODULE …).',
    rationale:
      'Some capabilities each open a well-known path from the container to the node: loading kernel modules, mounting filesystems, reading kernel memory, tracing host processes. Adding one is nearly as risky as running privileged.',
    remediation: 'Remove the capability, or replace it with the narrower capability the container needs; keep it only for agents that truly require it, and document why.',
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
    docs: `Reports each entry of \`securityContext.capabilities.add\` that is close to root on the node. A \`CAP_\` prefix
or lower case does not hide a capability (\`CAP_SYS_ADMIN\` is judged as \`SYS_ADMIN\`).

| Capability | Why it is near-root |
|---|---|
${table}

Not reported, on purpose: \`NET_ADMIN\` and \`NET_RAW\` (what network agents legitimately need; powerful inside the
network namespace but no direct route to the kernel or other processes), \`DAC_OVERRIDE\`, \`CHOWN\`, \`SETUID\` and
the rest of the runtimes' default set, \`PERFMON\` on its own (observation only), and \`SYS_TIME\`, \`SYS_NICE\`,
\`SYS_RESOURCE\`. \`SYS_PTRACE\` reaches every process on the node when the Pod sets \`hostPID: true\`
(the message says so). Privileged containers are not reported here: \`privileged-container\` and
\`privileged-with-capabilities\` cover them.

Invalid:

\`\`\`yaml
securityContext:
  capabilities:
    add: [SYS_ADMIN, NET_ADMIN]
\`\`\`

Valid:

\`\`\`yaml
securityContext:
  capabilities:
    add: [NET_ADMIN, NET_RAW]
    drop: [ALL]
\`\`\``,
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
