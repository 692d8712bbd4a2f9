// Keeps waivers honest: a suppression that silences nothing (or cannot) is stale and hides the next real finding.
import { IGNORE_ANNOTATION, annotationDirectives, commentDirectives } from '../src/engine/suppress.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'unused-suppression',
    severity: 'info',
    description: 'A suppression comment, ignore annotation or config waiver names no rule, an unknown or strict rule, or matches no finding.',
    kinds: '*',
    tags: ['maintenance'],
    // noEffect and noEffectUnknownRule are reported by the engine once every rule has run (src/engine/suppress.ts).
    messages: {
      noRule:
        'This daemonlint-{{kind}} comment names no rule, so it does nothing: suppressions must name the rules they silence, e.g. `# daemonlint-{{kind}} host-network -- reason`.',
      badAnnotation: `The ${IGNORE_ANNOTATION} annotation {{problem}}, so it suppresses nothing: give comma-separated rule ids, e.g. "host-network,host-pid".`,
      noEffect: 'This {{what}} has no effect: {{reasons}}. Remove it.',
      noEffectUnknownRule: 'This {{what}} has no effect: {{reasons}}. Remove it or fix the rule id.',
    },
  },
  // Malformed suppressions are found per file; unused ones only once every rule has run (src/engine/suppress.ts).
  checkFile(ctx) {
    for (const d of commentDirectives(ctx.file)) {
      if (d.rules.length) continue;
      ctx.report({ range: d.range, messageId: 'noRule', data: { kind: d.kind } });
    }
    for (const m of ctx.file.manifests) {
      for (const a of annotationDirectives(m)) {
        if (a.rules.length && !a.malformed) continue;
        ctx.report({
          range: ctx.file.locate(m.docIndex, [...m.base, ...a.path], 'node'),
          messageId: 'badAnnotation',
          data: { problem: a.malformed ?? 'names no rule' },
        });
      }
    }
  },
};
export default rule;
