// Guards against files kubectl cannot decode: syntax errors, duplicate keys, undecodable or oversized content.
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'yaml-syntax',
    severity: 'error',
    description: 'The file must be valid YAML or JSON text that kubectl can decode.',
    kinds: '*',
    tags: ['correctness', 'syntax'],
    // The loader words each problem (the parser's own description, the duplicate key, the limit that was hit).
    messages: { syntax: '{{detail}}' },
  },
  checkFile(ctx) {
    for (const p of ctx.file.problems) if (p.ruleId === 'yaml-syntax') ctx.report({ messageId: 'syntax', data: { detail: p.message }, range: p.range, severity: p.severity });
  },
};
export default rule;
