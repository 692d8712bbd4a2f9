// Scaffolds a new rule: `npm run new-rule -- <rule-id>` writes
//   rules/<id>.ts                    metadata with a message template, a check that reports nothing yet
//   docs/rules/<id>.md               the documentation outline, with example manifests to adapt
//   test/fixtures/<id>/valid.yaml    a case that must stay silent
//   test/fixtures/<id>/invalid.yaml  a case to mark with `# expect:` lines
// and regenerates rules/index.ts. It refuses a malformed id and an id whose files already exist (nothing is written).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleIndexSource } from './gen-rule-index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function fail(message) {
  process.stderr.write(`new-rule: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length !== 1) fail('usage: npm run new-rule -- <rule-id>   (kebab-case, e.g. host-port-range)');
const id = args[0];
if (!ID.test(id)) fail(`"${id}" is not a rule id: use lower-case words separated by single hyphens, e.g. host-port-range`);

const files = {
  rule: join(root, 'rules', `${id}.ts`),
  doc: join(root, 'docs', 'rules', `${id}.md`),
  fixtures: join(root, 'test', 'fixtures', id),
};
const taken = Object.values(files).filter((f) => existsSync(f));
if (taken.length) fail(`rule "${id}" exists already (${taken.map((f) => relative(root, f)).join(', ')})`);

const camel = id.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

const ruleSource = `// Guards against … (one line: what goes wrong in a cluster when this rule's finding is ignored).
import { POD_KINDS, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: '${id}',
    severity: 'warning',
    // One line, shown by \`daemonlint rules\` and in the README table. Why, how to fix and examples: docs/rules/${id}.md.
    description: 'A Pod template … (what the rule checks, in one sentence).',
    kinds: POD_KINDS,
    tags: [],
    // One template per wording of the finding; \`{{name}}\` is replaced by \`data.name\` given to ctx.report. Say what
    // is wrong, why it matters and how to fix it, naming the concrete fields, labels or ports.
    messages: {
      ${camel}: '{{container}} … : … . Set … instead.',
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    // Report a path inside the object (positions are computed from it), e.g.:
    // ctx.report({ path: [...t.specPath, 'hostNetwork'], messageId: '${camel}', data: { container: '…' } });
  },
};
export default rule;
`;

const manifest = (comment) => `${comment}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: agents
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      containers:
        - name: agent
          image: example.com/node-agent:1.0.0
`;

const docSource = `# ${id}

What the rule reports, and what it deliberately leaves alone.

## Why

Why it matters, in one paragraph: this first paragraph is the rule's rationale in SARIF reports.

## How to fix

What to change, in one paragraph: this first paragraph is the remediation in SARIF reports. If the rule offers a fix,
say here what \`--fix\` does.

## Examples

### Invalid

\`\`\`yaml
${manifest('# A complete manifest that produces the finding.').trimEnd()}
\`\`\`

### Valid

\`\`\`yaml
${manifest('# The same manifest, fixed: it produces no finding of this rule.').trimEnd()}
\`\`\`

## Options

None.

## Configuration

\`\`\`yaml
# .daemonlint.yaml
rules:
  ${id}: warning   # error, warning, info or off
\`\`\`
`;

mkdirSync(files.fixtures, { recursive: true });
writeFileSync(files.rule, ruleSource);
writeFileSync(files.doc, docSource);
writeFileSync(join(files.fixtures, 'valid.yaml'), manifest(`# ${id}: objects that must produce no finding of the rule.`));
writeFileSync(
  join(files.fixtures, 'invalid.yaml'),
  manifest(
    `# ${id}: objects that must produce its findings. Mark each finding on its line with an expect marker,\n# ${id}@<column> <severity> <messageId> (see test/fixtures/README.md).`,
  ),
);
writeFileSync(join(root, 'rules', 'index.ts'), ruleIndexSource());

process.stdout.write(`Created:
  ${relative(root, files.rule)}
  ${relative(root, files.doc)}
  ${relative(root, files.fixtures)}/valid.yaml
  ${relative(root, files.fixtures)}/invalid.yaml
and regenerated rules/index.ts. Next:
  1. write the check and its messages in ${relative(root, files.rule)};
  2. make the fixtures real and mark each finding with an expect marker (test/fixtures/README.md), then
     UPDATE_FIXTURES=1 npx vitest run test/fixtures.test.ts and review ${relative(root, files.fixtures)}/invalid.findings.txt;
  3. fill in ${relative(root, files.doc)} (its Invalid and Valid examples are linted by test/rule-docs.test.ts);
  4. npm run gen:docs && node scripts/gen-config-schema.mjs, then npx vitest run test/fixtures.test.ts test/meta.test.ts test/rule-docs.test.ts
`);
