/**
 * Custom policies become rules: each definition's expressions are compiled once (a broken one is a config error with
 * its file, line and column), and the rule evaluates them on every object of the kinds it names. A policy behaves like
 * a built-in rule everywhere: severities, suppressions, the baseline, SARIF, `rules`, `explain`, the editor.
 */
import { CostMeter, EvalContext, compile, evaluate, show, toCelInput, typeName, type Program } from '../cel/index.js';
import { displayName } from '../k8s/workloads.js';
import { formatPath } from '../load/format-path.js';
import type { Manifest, Path, Rule, RuleContext } from '../types.js';
import { celObject, namespaceObject, podBindings, policyIndex } from './context.js';
import { failurePath, objectPath, pathFromReads, rootPaths } from './pointer.js';
import { POLICY_VARIABLES, type FieldPath, type PolicySpec } from './spec.js';

/** After this many objects on which an expression ran out of budget, it is not evaluated again in the run. */
const RUNAWAY_STRIKES = 3;

/** How file names appear in messages (relative to the working directory). */
export type ShowFile = (abs: string) => string;

interface CompiledPolicy {
  spec: PolicySpec;
  expression: Program;
  messageExpression?: Program;
}

function compileField(spec: PolicySpec, key: 'expression' | 'messageExpression', showFile: ShowFile): Program | string {
  const c = compile(spec[key]!, { variables: POLICY_VARIABLES, readRoots: ['object', 'podSpec', 'podMetadata', 'containers'] });
  if (c.ok) return c.program;
  const pos = spec.origin.locate(key, c.error.offset ?? 0);
  return `${showFile(spec.origin.file)}:${pos.line}:${pos.column}: ${formatPath([...spec.origin.path, key])}: ${c.error.message}`;
}

function docsOf(spec: PolicySpec, showFile: ShowFile): string {
  const where = spec.origin.locate('id');
  const lines = [
    `Custom policy defined in \`${showFile(spec.origin.file)}:${where.line}\`. An object complies when this CEL expression is true:`,
    '',
    '```cel',
    spec.expression,
    '```',
  ];
  if (spec.path) lines.push('', `Findings point at \`${spec.path.text}\`.`);
  lines.push('', 'Its definition:', '', '```yaml', `id: ${spec.id}`, `kinds: ${spec.kinds === '*' ? "'*'" : `[${spec.kinds.join(', ')}]`}`, `expression: ${JSON.stringify(spec.expression)}`, '```');
  return lines.join('\n');
}

/** A policy's `path` on one object (the object's name when the kind has no Pod template for `podSpec.…`). */
function pathOf(m: Manifest, path: FieldPath): Path {
  const base = rootPaths(m)[path.root];
  return base ? [...base, ...path.segments] : objectPath(m);
}

function check(p: CompiledPolicy, ctx: RuleContext, strikes: Map<Program, number>): void {
  const { spec } = p;
  const m = ctx.manifest;
  const idx = policyIndex(ctx.run);
  const params = toCelInput({ ...spec.params, ...ctx.options });
  const bindings = { object: celObject(m.object), ...podBindings(m), namespaceObject: namespaceObject(m, idx).value, params };
  const who = `${m.ref.kind} ${displayName(m)}`;
  const report = (path: Path, message: string) => ctx.report({ path, message });
  if ((strikes.get(p.expression) ?? 0) >= RUNAWAY_STRIKES) {
    report(objectPath(m), `${who}: policy ${spec.id} was not evaluated: its expression exceeded the cost budget on ${RUNAWAY_STRIKES} objects already.`);
    return;
  }
  const ctxOf = () => new EvalContext(bindings, new CostMeter());
  const outcome = evaluate(p.expression, ctxOf());
  if (!outcome.ok) {
    if (outcome.costExceeded) strikes.set(p.expression, (strikes.get(p.expression) ?? 0) + 1);
    const hint = /not found|no such key/.test(outcome.error) ? ' Test optional fields with has() before reading them.' : '';
    report(pathFromReads(m, p.expression.reads), `${who}: policy ${spec.id} could not be evaluated: ${outcome.error}.${hint}`);
    return;
  }
  if (outcome.value === true) return;
  if (outcome.value !== false) {
    report(objectPath(m), `${who}: policy ${spec.id} could not be evaluated: its expression gave ${typeName(outcome.value)} ${show(outcome.value)}, not true or false.`);
    return;
  }
  let message = spec.message;
  if (p.messageExpression) {
    const r = evaluate(p.messageExpression, ctxOf());
    if (r.ok && typeof r.value === 'string' && r.value.trim()) message = r.value;
    else message ??= `${spec.description} (the message expression failed: ${r.ok ? `it gave ${typeName(r.value)}, not a string` : r.error})`;
  }
  report(spec.path ? pathOf(m, spec.path) : failurePath(m, p.expression, ctxOf()), `${who}: ${message}`);
}

const cache = new WeakMap<PolicySpec, Rule>();

function ruleOf(spec: PolicySpec, showFile: ShowFile): Rule | string {
  const hit = cache.get(spec);
  if (hit) return hit;
  const expression = compileField(spec, 'expression', showFile);
  if (typeof expression === 'string') return expression;
  const compiled: CompiledPolicy = { spec, expression };
  if (spec.messageExpression !== undefined) {
    const me = compileField(spec, 'messageExpression', showFile);
    if (typeof me === 'string') return me;
    compiled.messageExpression = me;
  }
  const rule: Rule = {
    meta: {
      id: spec.id,
      severity: spec.severity,
      description: spec.description,
      rationale: spec.rationale ?? `A policy of this repository (${showFile(spec.origin.file)}).`,
      remediation: spec.remediation ?? 'Change the object so that the policy holds, or waive the finding with a reason.',
      kinds: spec.kinds,
      tags: ['custom-policy', ...spec.tags],
      docs: docsOf(spec, showFile),
      custom: true,
    },
    check: (ctx) => {
      let strikes = ctx.run.cache.get('daemonlint:policy:strikes') as Map<Program, number> | undefined;
      if (!strikes) ctx.run.cache.set('daemonlint:policy:strikes', (strikes = new Map()));
      check(compiled, ctx, strikes);
    },
  };
  cache.set(spec, rule);
  return rule;
}

/** The rules of custom policies, or the one-line error of the first expression that does not compile. */
export function policyRules(specs: readonly PolicySpec[], showFile: ShowFile): { rules: Rule[] } | { error: string } {
  const rules: Rule[] = [];
  for (const s of specs) {
    const r = ruleOf(s, showFile);
    if (typeof r === 'string') return { error: r };
    rules.push(r);
  }
  return { rules };
}

