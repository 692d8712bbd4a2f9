// Guards against objects the API server rejects (or silently mangles) because they do not match the Kubernetes schema.
import { definitionOf, explain, loadSchema, loadValidators, type CompiledValidator, type JsonSchemaDocument, type SchemaIssue } from '../src/schema/index.js';
import type { Manifest, Path, Rule, RunContext, SourceFile } from '../src/types.js';

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

const lineStarts = new WeakMap<SourceFile, number[]>();

function offsetsOf(file: SourceFile): number[] {
  let starts = lineStarts.get(file);
  if (!starts) {
    starts = [0];
    for (let i = file.text.indexOf('\n'); i !== -1; i = file.text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineStarts.set(file, starts);
  }
  return starts;
}

/** The source text of the value at `path` (single-line values only). */
function sourceText(m: Manifest, path: Path): string | undefined {
  const r = m.file.locate(m.docIndex, [...m.base, ...path], 'value');
  if (r.line !== r.endLine) return undefined;
  const start = offsetsOf(m.file)[r.line - 1];
  if (start === undefined) return undefined;
  return m.file.text.slice(start + r.column - 1, start + r.endColumn - 1);
}

function validatorFor(state: SchemaState, m: Manifest): CompiledValidator | undefined {
  return state.validators.get(m.ref.apiVersion)?.[m.ref.kind];
}

/** Turn an ajv instance path (`/spec/containers/0`) into an object path. */
function pathFromPointer(obj: unknown, pointer: string): Path {
  const out: (string | number)[] = [];
  let cur: unknown = obj;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
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
      unknownField: '{{detail}}',
      wrongType: '{{detail}}',
      required: '{{detail}}',
      format: '{{detail}}',
      range: '{{detail}}',
      mismatch: 'This {{kind}} does not match the Kubernetes {{kubeVersion}} schema ({{keyword}} at {{pointer}}).',
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
    for (const issue of issues) ctx.report({ path: issue.path, at: issue.at, messageId: ISSUE_MESSAGE[issue.kind], data: { detail: issue.message }, fix: issue.fix });
    if (issues.length) return;

    // The explainer mirrors the validator; should they ever disagree, still report the rejection.
    validate(m.object);
    const err = validate.errors?.[0];
    const path = err ? pathFromPointer(m.object, err.instancePath) : [];
    ctx.report({
      path,
      messageId: 'mismatch',
      data: { kind: m.ref.kind, kubeVersion: ctx.run.kubeVersion, keyword: err?.keyword ?? 'invalid', pointer: err?.instancePath || '/' },
    });
  },
};
export default rule;
