// Guards against CustomResourceDefinitions the API server rejects: non-structural schemas, missing schemas, bad names.
import { readCrd } from '../src/crd/definitions.js';
import { structuralIssues } from '../src/crd/structural.js';
import { isRecord } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'crd-schema',
    severity: 'error',
    description: 'An apiextensions.k8s.io/v1 CustomResourceDefinition must have a structural openAPIV3Schema for every version, one storage version and a name of the form <plural>.<group>.',
    kinds: ['CustomResourceDefinition'],
    tags: ['correctness', 'api-rejects', 'custom-resources'],
    messages: {
      structural: '{{detail}} The API server rejects a CustomResourceDefinition with such a schema.',
      noSchema: 'Version `{{version}}` has no `schema.openAPIV3Schema`: apiextensions.k8s.io/v1 requires a structural schema for every version.',
      storage: 'Exactly one version must have `storage: true`; {{found}}.',
      name: 'The name of a CustomResourceDefinition must be `<plural>.<group>`: `{{expected}}`, not `{{name}}`.',
      group: 'The group `{{group}}` must be a domain name with at least one dot (such as `example.com`).',
    },
  },

  check(ctx) {
    const m = ctx.manifest;
    if (m.ref.apiVersion !== 'apiextensions.k8s.io/v1') return;
    const spec = m.object.spec;
    if (!isRecord(spec)) return;
    const crd = readCrd(m);
    if (crd) {
      if (!crd.group.includes('.')) ctx.report({ path: ['spec', 'group'], at: 'value', messageId: 'group', data: { group: crd.group } });
      const plural = isRecord(spec.names) && typeof spec.names.plural === 'string' ? spec.names.plural : undefined;
      const name = m.ref.name;
      if (plural && typeof name === 'string' && name !== `${plural}.${crd.group}`) ctx.report({ path: ['metadata', 'name'], at: 'value', messageId: 'name', data: { expected: `${plural}.${crd.group}`, name } });
    }
    if (!Array.isArray(spec.versions)) return;
    const storage = spec.versions.filter((v: unknown) => isRecord(v) && v.storage === true).length;
    if (spec.versions.length && storage !== 1) {
      ctx.report({ path: ['spec', 'versions'], messageId: 'storage', data: { found: storage ? `${storage} versions have it` : 'none has it' } });
    }
    spec.versions.forEach((v: unknown, i: number) => {
      if (!isRecord(v)) return;
      const schema = isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
      if (!schema) {
        ctx.report({ path: ['spec', 'versions', i], messageId: 'noSchema', data: { version: typeof v.name === 'string' ? v.name : String(i) } });
        return;
      }
      for (const issue of structuralIssues(schema)) {
        const detail = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
        ctx.report({ path: ['spec', 'versions', i, 'schema', 'openAPIV3Schema', ...issue.path], messageId: 'structural', data: { detail } });
      }
    });
  },
};
export default rule;
