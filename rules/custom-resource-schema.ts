// Guards against custom resources their CustomResourceDefinition rejects: unknown (pruned) fields, wrong types, bad values.
import { crdIndexOf, type Crd, type CrdVersion } from '../src/crd/definitions.js';
import { parseApiVersion } from '../src/k8s/api-availability.js';
import { BUILTIN_GROUPS } from '../src/k8s/api-versions.js';
import { sourceText } from '../src/schema/pointer.js';
import { closest } from '../src/util/suggest.js';
import type { Manifest, Rule, RunContext } from '../src/types.js';
import { hasValidationRules, type CelRuleEvaluator } from '../src/crd/cel.js';
import type { CompiledCrd } from '../src/crd/validate.js';
import { showPath } from '../src/schema/explain.js';

const code = (s: string) => '`' + s + '`';

interface State {
  /** The validator module, loaded only when a run has a custom resource with a known CRD. */
  validator?: typeof import('../src/crd/validate.js');
  /** The CEL evaluator for `x-kubernetes-validations`, loaded only when a CRD the run uses has such rules. */
  cel?: CelRuleEvaluator;
}

const STATE = 'custom-resource-schema:state';

/** The CRD and version of a custom resource, when its group is a custom one. */
function definitionOf(run: RunContext, m: Manifest): { group: string; version: string; crd?: Crd } | undefined {
  const p = parseApiVersion(m.ref.apiVersion);
  if (!p || BUILTIN_GROUPS.has(p.group) || !p.group.includes('.')) return undefined;
  return { ...p, crd: crdIndexOf(run).lookup(p.group, m.ref.kind) };
}

function crdName(crd: Crd): string {
  return code(typeof crd.manifest.ref.name === 'string' ? crd.manifest.ref.name : `${crd.kind}.${crd.group}`);
}

function servedElsewhere(crd: Crd, except: string): string {
  const served = crd.versions.filter((v) => v.served && v.name !== except && !v.deprecated).map((v) => code(`${crd.group}/${v.name}`));
  return served.length ? ` Use ${served.join(' or ')}.` : '';
}

/** A rule's source for a message: one line, cut when long. */
function shortRule(rule: string): string {
  const one = rule.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 119)}…` : one;
}

const rule: Rule = {
  meta: {
    id: 'custom-resource-schema',
    severity: 'error',
    description: 'A custom resource must match the openAPIV3Schema of its CustomResourceDefinition (found among the linted files or given with --crd): no unknown fields, right types, valid values.',
    kinds: '*',
    tags: ['correctness', 'api-rejects', 'schema', 'custom-resources'],
    fixable: true,
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        requireCrd: { type: 'boolean', description: 'Report custom resources whose CRD is not found (default: skip them silently).' },
      },
    },
    messages: {
      schema: '{{detail}}',
      noVersion: 'The CustomResourceDefinition {{crd}} has no version `{{version}}` of {{kind}} (it defines {{versions}}): the API server rejects the object.',
      notServed: 'Version `{{version}}` of {{kind}} is not served (`served: false` in the CustomResourceDefinition {{crd}}): the API server rejects the object.{{use}}',
      deprecated: 'Version `{{version}}` of {{kind}} is deprecated by its CustomResourceDefinition {{crd}}{{warning}}.{{use}}',
      unknownKind: 'No CustomResourceDefinition of this run defines {{kind}} in `{{group}}`, which defines {{kinds}}; did you mean {{near}}? The API server rejects a kind it does not know.',
      noCrd: 'No CustomResourceDefinition for `{{apiVersion}}` {{kind}} was found among the linted files or `--crd` / `crds:`, so the object was not checked. Pass its CRD, or turn off requireCrd.',
      uncompiled: 'The schema of {{kind}} in the CustomResourceDefinition {{crd}} could not be compiled ({{reason}}), so the object was not checked.',
      celRule: '{{where}}: {{message}}. The API server rejects the object ({{reason}}): the CustomResourceDefinition {{crd}} requires `{{rule}}`{{of}}. Change the object so that the rule holds.',
      celNotEvaluated: '{{where}}: the validation rule `{{rule}}` of the CustomResourceDefinition {{crd}} fails on this object ({{error}}). The API server rejects an object on which a rule fails; check the fields the rule reads (a rule using `self.x` needs `x` set, or a `has(self.x)` guard).',
      celTooCostly: '{{where}}: the validation rule `{{rule}}` of the CustomResourceDefinition {{crd}} was stopped ({{error}}), so the object was not checked against it. The API server limits the cost of rules too; bound what the rule iterates with maxItems, maxLength or maxProperties in the schema.',
      celNotChecked: '{{where}}: the validation rule `{{rule}}` of the CustomResourceDefinition {{crd}} was not checked: it {{error}}.',
    },
  },

  async prepare(run) {
    const state: State = {};
    run.cache.set(STATE, state);
    // Load ajv and the validator only when some object of the run has a CRD to be checked against.
    if (!crdIndexOf(run).size) return;
    let needsCel = false;
    for (const m of run.manifests) {
      const def = definitionOf(run, m);
      if (!def?.crd) continue;
      state.validator ??= await import('../src/crd/validate.js');
      const schema = def.crd.versions.find((x) => x.name === def.version)?.schema;
      if (hasValidationRules(schema)) {
        needsCel = true;
        break;
      }
    }
    // The CEL engine is the policy piece (dist/policy.cjs): runs whose CRDs have no x-kubernetes-validations skip it.
    if (needsCel) state.cel = (await import('../src/policy/index.js')).selfRuleEvaluator();
  },

  check(ctx) {
    const m = ctx.manifest;
    const def = definitionOf(ctx.run, m);
    if (!def) return;
    const { crd, group, version } = def;
    const { apiVersion, kind } = m.ref;
    if (!crd) {
      const kinds = crdIndexOf(ctx.run).kindsOf(group);
      const near = kinds.length ? closest(kind, kinds) : undefined;
      if (near) {
        ctx.report({ path: ['kind'], at: 'value', severity: 'warning', messageId: 'unknownKind', data: { kind, group, kinds: kinds.map(code).join(', '), near: code(near) } });
      } else if (ctx.options.requireCrd === true) {
        ctx.report({ path: ['apiVersion'], at: 'value', messageId: 'noCrd', data: { apiVersion, kind } });
      }
      return;
    }
    const v: CrdVersion | undefined = crd.versions.find((x) => x.name === version);
    if (!v) {
      ctx.report({ path: ['apiVersion'], at: 'value', messageId: 'noVersion', data: { crd: crdName(crd), version, kind, versions: crd.versions.map((x) => code(x.name)).join(', ') || 'none' } });
      return;
    }
    if (!v.served) {
      ctx.report({ path: ['apiVersion'], at: 'value', messageId: 'notServed', data: { version, kind, crd: crdName(crd), use: servedElsewhere(crd, version) } });
      return;
    }
    if (v.deprecated) {
      ctx.report({
        path: ['apiVersion'],
        at: 'value',
        severity: 'warning',
        messageId: 'deprecated', data: { version, kind, crd: crdName(crd), warning: v.deprecationWarning ? ` ("${v.deprecationWarning}")` : '', use: servedElsewhere(crd, version) },
      });
    }
    const validator = (ctx.run.cache.get(STATE) as State | undefined)?.validator;
    if (!v.schema || !validator) return;
    let compiled: CompiledCrd;
    try {
      compiled = validator.compileCrdSchema(v.schema, crd.kind, v.keepsUnknownFields);
    } catch (err) {
      ctx.report({ path: ['apiVersion'], at: 'value', severity: 'info', messageId: 'uncompiled', data: { kind, crd: crdName(crd), reason: String((err as Error).message).split('\n')[0]! } });
      return;
    }
    const issues = validator.validateCustomResource({ compiled, kind, object: m.object, sourceText: (p) => sourceText(m, p) });
    for (const issue of issues) {
      ctx.report({ path: issue.path, at: issue.at, messageId: 'schema', data: { detail: issue.message }, ...(issue.fix ? { fix: issue.fix } : {}) });
    }
    const cel = (ctx.run.cache.get(STATE) as State | undefined)?.cel;
    if (!cel) return;
    for (const c of validator.customResourceCelIssues(compiled, m.object, cel, issues.length === 0)) {
      const where = c.path.length ? code(showPath(c.path)) : 'The object';
      const data = { where, rule: shortRule(c.rule), crd: crdName(crd) };
      if (c.kind === 'violated') {
        const of = showPath(c.rulePath) === showPath(c.path) ? '' : c.rulePath.length ? ` of ${code(showPath(c.rulePath))}` : ' of the object';
        ctx.report({ path: c.path, at: 'key', messageId: 'celRule', data: { ...data, message: c.text.replace(/\.$/, ''), reason: c.reason!, of } });
      } else if (c.kind === 'notEvaluated') {
        ctx.report({ path: c.path, at: 'key', severity: 'warning', messageId: 'celNotEvaluated', data: { ...data, error: c.text } });
      } else if (c.kind === 'tooCostly') {
        ctx.report({ path: c.path, at: 'key', severity: 'warning', messageId: 'celTooCostly', data: { ...data, error: c.text } });
      } else {
        ctx.report({ path: c.path, at: 'key', severity: 'info', messageId: 'celNotChecked', data: { ...data, error: c.text } });
      }
    }
  },
};
export default rule;
