// Guards against linting a Helm/Go template as if it were a manifest (and against silently skipping it).
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'unrendered-template',
    severity: 'info',
    description: 'A file with Go template directives is a chart template, not a manifest: render it, then lint the output.',
    kinds: '*',
    tags: ['usage'],
    // The loader words the finding (it names the directive it found).
    messages: { template: '{{detail}}' },
  },
  checkFile(ctx) {
    for (const p of ctx.file.problems) if (p.ruleId === 'unrendered-template') ctx.report({ messageId: 'template', data: { detail: p.message }, range: p.range });
  },
};
export default rule;
