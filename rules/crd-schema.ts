// Guards against CustomResourceDefinitions the API server rejects: non-structural schemas, missing schemas, bad names.
import { readCrd } from '../src/crd/definitions.js';
import { structuralIssues } from '../src/crd/structural.js';
import { isRecord } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const MESSAGES = {
  structural: '{{detail}} The API server rejects a CustomResourceDefinition whose schema is not structural.',
  noSchema: 'Version `{{version}}` has no `schema.openAPIV3Schema`: apiextensions.k8s.io/v1 requires a structural schema for every version.',
  storage: 'Exactly one version must have `storage: true`; {{found}}.',
  name: 'The name of a CustomResourceDefinition must be `<plural>.<group>`: `{{expected}}`, not `{{name}}`.',
  group: 'The group `{{group}}` must be a domain name with at least one dot (such as `example.com`).',
} as const;

type MessageId = keyof typeof MESSAGES;

function render(id: MessageId, data: Record<string, string | number>): string {
  return MESSAGES[id].replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(data[k] ?? ''));
}

const rule: Rule = {
  meta: {
    id: 'crd-schema',
    severity: 'error',
    description: 'An apiextensions.k8s.io/v1 CustomResourceDefinition must have a structural openAPIV3Schema for every version, one storage version and a name of the form <plural>.<group>.',
    rationale:
      'The API server refuses a v1 CustomResourceDefinition whose schema is not structural (a field without a type, a type declared inside anyOf, properties together with additionalProperties …), that lacks a schema or a storage version, or whose name does not match its plural and group. Until the CRD applies, none of its custom resources can be created.',
    remediation: 'Give the node the message names a type (or x-kubernetes-int-or-string / x-kubernetes-preserve-unknown-fields), move types and fields out of allOf/anyOf/oneOf/not, and fix the name or versions as the message says.',
    kinds: ['CustomResourceDefinition'],
    tags: ['correctness', 'api-rejects', 'custom-resources'],
    docs: `Checks apiextensions.k8s.io/v1 CustomResourceDefinitions the way the API server does before accepting one:

- every version has \`schema.openAPIV3Schema\`, and it is a structural schema: every field, additionalProperties
  and items node has one \`type\` (or \`x-kubernetes-int-or-string: true\` or
  \`x-kubernetes-preserve-unknown-fields: true\`); allOf/anyOf/oneOf/not only add value validations (no \`type\`,
  \`description\`, \`default\`, \`nullable\`, \`additionalProperties\` or \`x-kubernetes-*\` there, and no field that
  is not also declared outside); the root \`metadata\` only restricts \`name\` and \`generateName\`;
  \`properties\` and \`additionalProperties\` exclude each other; \`uniqueItems: true\`, \`$ref\`, \`definitions\`,
  \`dependencies\`, \`patternProperties\`, \`additionalItems\` and \`id\` are not supported; list and map types are
  well formed;
- exactly one version is the storage version;
- the name is \`<plural>.<group>\` and the group has a dot.

Each finding points at the schema node inside the CRD. apiextensions.k8s.io/v1beta1 CRDs (removed in 1.22, see
\`api-version\`) accepted non-structural schemas and are not checked here. Custom resources are checked against
their CRD by \`custom-resource-schema\`.

Invalid:

\`\`\`yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              properties:           # no type: not structural
                size: {type: integer}
\`\`\`

Valid: the same CRD with \`type: object\` on \`spec\`.`,
  },

  check(ctx) {
    const m = ctx.manifest;
    if (m.ref.apiVersion !== 'apiextensions.k8s.io/v1') return;
    const spec = m.object.spec;
    if (!isRecord(spec)) return;
    const crd = readCrd(m);
    if (crd) {
      if (!crd.group.includes('.')) ctx.report({ path: ['spec', 'group'], at: 'value', message: render('group', { group: crd.group }) });
      const plural = isRecord(spec.names) && typeof spec.names.plural === 'string' ? spec.names.plural : undefined;
      const name = m.ref.name;
      if (plural && typeof name === 'string' && name !== `${plural}.${crd.group}`) ctx.report({ path: ['metadata', 'name'], at: 'value', message: render('name', { expected: `${plural}.${crd.group}`, name }) });
    }
    if (!Array.isArray(spec.versions)) return;
    const storage = spec.versions.filter((v: unknown) => isRecord(v) && v.storage === true).length;
    if (spec.versions.length && storage !== 1) {
      ctx.report({ path: ['spec', 'versions'], message: render('storage', { found: storage ? `${storage} versions have it` : 'none has it' }) });
    }
    spec.versions.forEach((v: unknown, i: number) => {
      if (!isRecord(v)) return;
      const schema = isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
      if (!schema) {
        ctx.report({ path: ['spec', 'versions', i], message: render('noSchema', { version: typeof v.name === 'string' ? v.name : String(i) }) });
        return;
      }
      for (const issue of structuralIssues(schema)) {
        const detail = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
        ctx.report({ path: ['spec', 'versions', i, 'schema', 'openAPIV3Schema', ...issue.path], message: render('structural', { detail }) });
      }
    });
  },
};
export default rule;
