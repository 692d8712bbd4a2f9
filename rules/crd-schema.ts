// Guards against CustomResourceDefinitions the API server rejects: non-structural schemas, missing schemas, bad names.
import { RULE_REASONS, hasValidationRules, schemaRuleEntries, undeclaredFieldPathSegment, type CelRuleEvaluator } from '../src/crd/cel.js';
import { readCrd } from '../src/crd/definitions.js';
import { structuralIssues } from '../src/crd/structural.js';
import { isRecord } from '../src/k8s/workloads.js';
import { closest } from '../src/util/suggest.js';
import type { Manifest, Path, Rule, RuleContext } from '../src/types.js';

const code = (s: string) => '`' + s + '`';
const STATE = 'crd-schema:cel';

/** The openAPIV3Schema of every version of a v1 CRD, with its index. */
function versionSchemas(m: Manifest): { i: number; schema: Record<string, unknown> }[] {
  const spec = m.object.spec;
  if (m.ref.apiVersion !== 'apiextensions.k8s.io/v1' || !isRecord(spec) || !Array.isArray(spec.versions)) return [];
  return spec.versions.flatMap((v: unknown, i: number) => (isRecord(v) && isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema) ? [{ i, schema: v.schema.openAPIV3Schema }] : []));
}

/** What the API server checks of `x-kubernetes-validations` when it stores the CRD: reason, fieldPath, CEL that compiles. */
function checkValidationRules(ctx: RuleContext, base: Path, schema: Record<string, unknown>, cel: CelRuleEvaluator | undefined): void {
  for (const { path, node, entry } of schemaRuleEntries(schema)) {
    const at = [...base, ...path];
    if (entry.reason !== undefined && !(RULE_REASONS as readonly unknown[]).includes(entry.reason)) {
      ctx.report({ path: [...at, 'reason'], at: 'value', messageId: 'celReason', data: { reason: String(entry.reason), reasons: RULE_REASONS.map(code).join(', ') } });
    }
    if (typeof entry.fieldPath === 'string') {
      const bad = undeclaredFieldPathSegment(node, entry.fieldPath);
      if (bad) {
        const near = closest(bad.segment, bad.declared);
        const hint = near ? `Did you mean ${code(near)}?` : 'Point it at a declared field, relative to the node of the rule.';
        ctx.report({ path: [...at, 'fieldPath'], at: 'value', messageId: 'celFieldPath', data: { fieldPath: entry.fieldPath, segment: bad.segment, declared: bad.declared.map(code).join(', ') || 'none', hint } });
      }
    }
    if (!cel) continue;
    for (const key of ['rule', 'messageExpression'] as const) {
      if (typeof entry[key] !== 'string') continue;
      const problem = cel.problem?.(entry[key]);
      if (problem) ctx.report({ path: [...at, key], at: 'value', messageId: 'celCompile', data: { what: key === 'rule' ? 'validation rule' : 'message expression', error: problem.error } });
    }
  }
}

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
      celReason: 'The `reason` of a validation rule must be one of {{reasons}}, not `{{reason}}`: the API server rejects the CustomResourceDefinition.',
      celFieldPath: 'The `fieldPath` `{{fieldPath}}` names `{{segment}}`, which the schema does not declare here (it declares {{declared}}): the API server rejects the CustomResourceDefinition. {{hint}}',
      celCompile: 'The {{what}} does not compile, {{error}}. The API server rejects a CustomResourceDefinition whose CEL does not compile; fix the expression (it may use `self`, and `oldSelf` in transition rules).',
    },
  },

  async prepare(run) {
    // The CEL engine (the policy piece) only for runs with a v1 CRD that has validation rules.
    if (run.manifests.some((m) => m.ref.kind === 'CustomResourceDefinition' && versionSchemas(m).some((v) => hasValidationRules(v.schema)))) {
      run.cache.set(STATE, (await import('../src/policy/index.js')).selfRuleEvaluator());
    }
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
      checkValidationRules(ctx, ['spec', 'versions', i, 'schema', 'openAPIV3Schema'], schema, ctx.run.cache.get(STATE) as CelRuleEvaluator | undefined);
      for (const issue of structuralIssues(schema)) {
        const detail = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
        ctx.report({ path: ['spec', 'versions', i, 'schema', 'openAPIV3Schema', ...issue.path], messageId: 'structural', data: { detail } });
      }
    });
  },
};
export default rule;
