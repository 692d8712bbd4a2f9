// Guards against objects the API server rejects (or silently mangles) because they do not match the Kubernetes schema.
import { bundleVersion, definitionOf, explain, loadSchema, loadValidators, type CompiledValidator, type JsonSchemaDocument, type SchemaIssue } from '../src/schema/index.js';
import { pathFromPointer, sourceText } from '../src/schema/pointer.js';
import type { Manifest, Rule, RunContext } from '../src/types.js';

interface SchemaState {
  validators: Map<string, Readonly<Record<string, CompiledValidator>>>;
  schemas: Map<string, JsonSchemaDocument>;
  /** Verdicts of the fast pass, by object. */
  verdicts: WeakMap<object, boolean>;
}

const STATE = 'schema:state';

function stateOf(run: RunContext): SchemaState | undefined {
  return run.cache.get(STATE) as SchemaState | undefined;
}

function validatorFor(state: SchemaState, m: Manifest): CompiledValidator | undefined {
  return state.validators.get(m.ref.apiVersion)?.[m.ref.kind];
}

/** The message of each kind of issue the explainer finds (it words the detail itself). */
const ISSUE_MESSAGE: Record<SchemaIssue['kind'], string> = {
  'unknown-field': 'unknownField',
  type: 'wrongType',
  required: 'required',
  format: 'format',
  range: 'range',
};

const rule: Rule = {
  meta: {
    id: 'schema',
    severity: 'error',
    description: 'Every object of a built-in Kubernetes kind must match the strict Kubernetes schema: no unknown fields, right types, required fields present.',
    kinds: '*',
    tags: ['correctness', 'api-rejects', 'schema'],
    fixable: true,
    messages: {
      unknownField: '{{detail}}{{note}}',
      wrongType: '{{detail}}{{note}}',
      required: '{{detail}}{{note}}',
      format: '{{detail}}{{note}}',
      range: '{{detail}}{{note}}',
      mismatch: 'This {{kind}} does not match the Kubernetes {{schemaVersion}} schema ({{keyword}} at {{pointer}}).{{note}}',
    },
  },

  async prepare(run) {
    const state: SchemaState = { validators: new Map(), schemas: new Map(), verdicts: new WeakMap() };
    run.cache.set(STATE, state);
    const bundled = run.manifests.filter((m) => definitionOf(run.kubeVersion, m.ref.apiVersion, m.ref.kind));
    const apiVersions = [...new Set(bundled.map((m) => m.ref.apiVersion))];
    await Promise.all(
      apiVersions.map(async (av) => {
        const v = await loadValidators(run.kubeVersion, av);
        if (v) state.validators.set(av, v);
      }),
    );
    // Fast pass: the compiled validators decide; only groups with a rejected object load their schema.
    const explainFor = new Set<string>();
    for (const m of bundled) {
      const validate = validatorFor(state, m);
      if (!validate) continue;
      const ok = validate(m.object);
      state.verdicts.set(m.object, ok);
      if (!ok) explainFor.add(m.ref.apiVersion);
    }
    await Promise.all(
      [...explainFor].map(async (av) => {
        const s = await loadSchema(run.kubeVersion, av);
        if (s) state.schemas.set(av, s);
      }),
    );
  },

  check(ctx) {
    const state = stateOf(ctx.run);
    if (!state) return; // Validators load in prepare(); a run without it has nothing to check with.
    const m = ctx.manifest;
    const definition = definitionOf(ctx.run.kubeVersion, m.ref.apiVersion, m.ref.kind);
    if (!definition) return; // Not a built-in kind (a CRD, or an apiVersion not bundled): not ours to judge.
    const validate = validatorFor(state, m);
    if (!validate) return;
    let ok = state.verdicts.get(m.object);
    if (ok === undefined) ok = validate(m.object);
    if (ok) return;

    const schema = state.schemas.get(m.ref.apiVersion);
    const issues = schema ? explain({ schema, definition, kind: m.ref.kind, object: m.object, sourceText: (p) => sourceText(m, p) }) : [];
    // Older targets are checked against the newest bundled schemas: say so, since a field may be newer than the target.
    const schemaVersion = bundleVersion(ctx.run.kubeVersion) ?? ctx.run.kubeVersion;
    const note = schemaVersion !== ctx.run.kubeVersion ? ` (strict schema of Kubernetes ${schemaVersion}; the target is ${ctx.run.kubeVersion})` : '';
    for (const issue of issues) ctx.report({ path: issue.path, at: issue.at, messageId: ISSUE_MESSAGE[issue.kind], data: { detail: issue.message, note }, fix: issue.fix });
    if (issues.length) return;

    // The explainer mirrors the validator; should they ever disagree, still report the rejection.
    validate(m.object);
    const err = validate.errors?.[0];
    const path = err ? pathFromPointer(m.object, err.instancePath) : [];
    ctx.report({
      path,
      messageId: 'mismatch',
      data: { kind: m.ref.kind, schemaVersion, keyword: err?.keyword ?? 'invalid', pointer: err?.instancePath || '/', note: schemaVersion !== ctx.run.kubeVersion ? ` The target is Kubernetes ${ctx.run.kubeVersion}.` : '' },
    });
  },
};
export default rule;
