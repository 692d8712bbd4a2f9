// Guards against files kubectl cannot decode: syntax errors, duplicate keys, undecodable or oversized content.
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'yaml-syntax',
    severity: 'error',
    description: 'The file must be valid YAML or JSON text that kubectl can decode.',
    rationale:
      'A syntax error stops kubectl from applying the whole file; a duplicate key is rejected by strict field validation and otherwise silently keeps only one of the values.',
    remediation: 'Fix the YAML at the reported position (indentation, quoting, a missing colon), or remove the duplicated key.',
    kinds: '*',
    tags: ['correctness', 'syntax'],
    // The loader words each problem (the parser's own description, the duplicate key, the limit that was hit).
    messages: { syntax: '{{detail}}' },
    docs: `Reports YAML that cannot be decoded: syntax errors, duplicate keys in one mapping, alias expansion beyond the
limit (an "alias bomb"), binary or non-UTF-8 files, and files too large to lint. The other documents of the
file and the other files are still linted.

Invalid:

\`\`\`yaml
metadata:
  name: agent
  name: agent-v2   # duplicate key
spec:
  template
    spec: {}       # missing colon after "template"
\`\`\`

Valid: every key once per mapping, consistent indentation, \`key: value\` pairs.`,
  },
  checkFile(ctx) {
    for (const p of ctx.file.problems) if (p.ruleId === 'yaml-syntax') ctx.report({ messageId: 'syntax', data: { detail: p.message }, range: p.range, severity: p.severity });
  },
};
export default rule;
