// Catches capability names that the runtime cannot apply: the API server accepts any string.
import { capabilityEntries, containerLabel, hasCapPrefix, isKnownCapability, suggestCapability } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'unknown-capability',
    severity: 'error',
    description: 'A capabilities.add or capabilities.drop entry is not a Linux capability name, or carries a CAP_ prefix.',
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
        if (!guess) {
          ctx.report({ path: e.path, at: 'value', messageId: 'unknown', data });
          continue;
        }
        ctx.report({
          path: e.path,
          at: 'value',
          messageId: 'unknownSuggest',
          data: { ...data, suggestion: guess },
          // A guess at what was meant: offered as a quick fix in editors, never applied by --fix.
          fix: { description: `Replace ${JSON.stringify(e.name)} with ${guess}`, safe: false, edits: [{ op: 'set', path: e.path, value: guess }] },
        });
      }
    }
  },
};
export default rule;
