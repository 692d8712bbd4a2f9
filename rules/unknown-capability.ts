// Catches capability names that the runtime cannot apply: the API server accepts any string.
import { ALL_CAPABILITIES, LINUX_CAPABILITIES, capabilityEntries, containerLabel, hasCapPrefix, isKnownCapability, suggestCapability } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'unknown-capability',
    severity: 'error',
    description: 'A capabilities.add or capabilities.drop entry is not a Linux capability name, or carries a CAP_ prefix.',
    rationale:
      'The API server does not check capability names. A typo such as `NET_ADMN`, or `CAP_NET_ADMIN` (the runtime adds the prefix itself), is accepted and then does nothing useful: an added capability is missing at run time, and a dropped one is silently kept.',
    remediation: 'Write the capability as the runtime expects it: the Linux name without the `CAP_` prefix, e.g. `NET_ADMIN`.',
    kinds: POD_KINDS,
    tags: ['correctness', 'security'],
    securitySeverity: 4.0,
    fixable: true,
    messages: {
      capPrefix: '{{container}} lists {{entry}} in capabilities.{{list}}: the runtime adds the CAP_ prefix itself, so this entry {{effect}}. Write {{name}}.',
      unknown:
        '{{container}} lists {{entry}} in capabilities.{{list}}, which is not a Linux capability; the API server accepts it but it {{effect}}. Use a Linux capability name such as NET_ADMIN, without the CAP_ prefix.',
      unknownSuggest:
        '{{container}} lists {{entry}} in capabilities.{{list}}, which is not a Linux capability; the API server accepts it but it {{effect}}. Did you mean {{suggestion}}?',
    },
    docs: `Kubernetes passes \`securityContext.capabilities.add\` and \`.drop\` to the container runtime unchecked, and the
runtime prefixes each name with \`CAP_\` itself. So:

- a misspelt name (\`NET_ADMN\`) is accepted by the API server and never granted (or never dropped);
- \`CAP_NET_ADMIN\` becomes \`CAP_CAP_NET_ADMIN\` in the runtime: at best ignored. A \`CAP_\` entry in \`drop\` is
  worse than useless: the capability you meant to drop stays.

Valid names are the ${LINUX_CAPABILITIES.length} Linux capabilities (\`CHOWN\` … \`CHECKPOINT_RESTORE\`) and
\`${ALL_CAPABILITIES}\`, in any case (runtimes upper-case them). The message suggests the closest valid name;
for a \`CAP_\` prefix the fix removes it.

Invalid:

\`\`\`yaml
securityContext:
  capabilities:
    add: [NET_ADMN, CAP_NET_RAW]
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
    for (const ref of containersOf(t)) {
      const container = containerLabel(ref, true);
      for (const e of [...capabilityEntries(ref, 'add'), ...capabilityEntries(ref, 'drop')]) {
        const effect = e.list === 'add' ? 'is never granted' : 'is never dropped (the container keeps it whenever the runtime grants it by default)';
        if (hasCapPrefix(e.name)) {
          const bare = e.name.trim().slice(4);
          if (isKnownCapability(bare)) {
            const name = bare.toUpperCase();
            ctx.report({
              path: e.path,
              at: 'value',
              messageId: 'capPrefix',
              data: { container, entry: e.name, list: e.list, effect, name },
              fix: { description: `Write ${name} without the CAP_ prefix`, edits: [{ op: 'set', path: e.path, value: name }] },
            });
            continue;
          }
        }
        if (isKnownCapability(e.name)) continue;
        const guess = suggestCapability(e.name);
        const data = { container, entry: JSON.stringify(e.name), list: e.list, effect };
        ctx.report({ path: e.path, at: 'value', ...(guess ? { messageId: 'unknownSuggest', data: { ...data, suggestion: guess } } : { messageId: 'unknown', data }) });
      }
    }
  },
};
export default rule;
