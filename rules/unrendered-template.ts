// Guards against linting a Helm/Go template as if it were a manifest (and against silently skipping it).
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'unrendered-template',
    severity: 'info',
    description: 'A file with Go template directives is a chart template, not a manifest: render it, then lint the output.',
    rationale:
      'Template directives such as `{{ .Values.x }}` or `{{- if … }}` make a file invalid YAML until Helm renders it, and its real content depends on the values; linting the raw file would report noise.',
    remediation: 'Lint the rendered output instead: `helm template RELEASE CHART | daemonlint -`.',
    kinds: '*',
    tags: ['usage'],
    // The loader words the finding (it names the directive it found).
    messages: { template: '{{detail}}' },
    docs: `A file that contains Go template directives (\`{{ .Values … }}\`, \`{{- if … }}\`, \`{{ include … }}\`) is not
linted as a manifest. daemonlint reports one \`info\` finding on the first directive so the file is not
skipped silently.

Invalid (as input to daemonlint):

\`\`\`yaml
spec:
  template:
    spec:
      {{- if .Values.hostNetwork }}
      hostNetwork: true
      {{- end }}
\`\`\`

Valid: render first and lint the result, \`helm template my-release ./chart | daemonlint -\`
(or \`kustomize build overlay | daemonlint -\`).`,
  },
  checkFile(ctx) {
    for (const p of ctx.file.problems) if (p.ruleId === 'unrendered-template') ctx.report({ messageId: 'template', data: { detail: p.message }, range: p.range });
  },
};
export default rule;
