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

/** A fenced code block that no backtick run inside `text` can close. */
function fenced(text: string, lang: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

/**
 * The policy's documentation in the outline of docs/rules/<id>.md, built from its definition: what `explain` prints and
 * what SARIF carries as the rule's help (the first paragraphs of Why and How to fix are its short texts).
 */
export function policyDocumentation(spec: PolicySpec, showFile: ShowFile): string {
  const where = spec.origin.locate('id');
  const kinds = spec.kinds === '*' ? 'Every object' : `An object of kind ${spec.kinds.join(', ')}`;
  const lines = [
    `# ${spec.id}`,
    '',
    `A custom policy of this repository, defined in \`${showFile(spec.origin.file)}:${where.line}\`.`,
    '',
    '## Why',
    '',
    spec.rationale ?? `A policy of this repository (${showFile(spec.origin.file)}): ${spec.description}`,
    '',
    '## How to fix',
    '',
    spec.remediation ?? 'Change the object so that the policy holds, or waive the finding with a reason.',
    '',
    '## Definition',
    '',
    `${kinds} complies when this CEL expression is true:`,
    '',
    fenced(spec.expression, 'cel'),
    '',
  ];
  if (spec.messageExpression !== undefined) {
    lines.push('The message of a finding is the value of:', '', fenced(spec.messageExpression, 'cel'), '');
    if (spec.message !== undefined) lines.push('or, when that gives no text:', '', fenced(spec.message, 'text'), '');
  } else if (spec.message !== undefined) lines.push('Its findings say:', '', fenced(spec.message, 'text'), '');
  lines.push(spec.path ? `Findings point at \`${spec.path.text}\`.` : 'Findings point at the field the expression reads, or at the object.', '');
  lines.push('## Options', '');
  const params = Object.keys(spec.params);
  if (params.length)
    lines.push(
      `\`params\` of the expressions (${params.map((k) => `\`${k}\``).join(', ')}), by default:`,
      '',
      fenced(JSON.stringify(spec.params, null, 2), 'json'),
      '',
      `A config overrides them with \`rules: {${spec.id}: [severity, {…}]}\`.`,
      '',
    );
  else lines.push('None.', '');
  lines.push('## Configuration', '', fenced(`# .daemonlint.yaml\nrules:\n  ${spec.id}: ${spec.severity}   # error, warning, info or off`, 'yaml'), '');
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
  if ((strikes.get(p.expression) ?? 0) >= RUNAWAY_STRIKES) {
    ctx.report({ path: objectPath(m), messageId: 'runaway', data: { object: who, policy: spec.id, strikes: RUNAWAY_STRIKES } });
    return;
  }
  const ctxOf = () => new EvalContext(bindings, new CostMeter());
  const outcome = evaluate(p.expression, ctxOf());
  if (!outcome.ok) {
    if (outcome.costExceeded) strikes.set(p.expression, (strikes.get(p.expression) ?? 0) + 1);
    const hint = /not found|no such key/.test(outcome.error) ? ' Test optional fields with has() before reading them.' : '';
    ctx.report({ path: pathFromReads(m, p.expression.reads), messageId: 'evaluationError', data: { object: who, policy: spec.id, error: outcome.error, hint } });
    return;
  }
  if (outcome.value === true) return;
  if (outcome.value !== false) {
    ctx.report({ path: objectPath(m), messageId: 'notBoolean', data: { object: who, policy: spec.id, type: typeName(outcome.value), value: show(outcome.value) } });
    return;
  }
  let message = spec.message;
  if (p.messageExpression) {
    const r = evaluate(p.messageExpression, ctxOf());
    if (r.ok && typeof r.value === 'string' && r.value.trim()) message = r.value;
    else message ??= `${spec.description} (the message expression failed: ${r.ok ? `it gave ${typeName(r.value)}, not a string` : r.error})`;
  }
  ctx.report({ path: spec.path ? pathOf(m, spec.path) : failurePath(m, p.expression, ctxOf()), messageId: 'violation', data: { object: who, message: message ?? spec.description } });
}

/** The messages of every custom policy rule. */
export const POLICY_MESSAGES = {
  violation: '{{object}}: {{message}}',
  evaluationError: '{{object}}: policy {{policy}} could not be evaluated: {{error}}.{{hint}}',
  notBoolean: '{{object}}: policy {{policy}} could not be evaluated: its expression gave {{type}} {{value}}, not true or false.',
  runaway: '{{object}}: policy {{policy}} was not evaluated: its expression exceeded the cost budget on {{strikes}} objects already.',
} as const;

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
      kinds: spec.kinds,
      tags: ['custom-policy', ...spec.tags],
      // A policy's message is its own text (or a message expression's value): the template passes it on.
      messages: POLICY_MESSAGES,
      custom: { documentation: policyDocumentation(spec, showFile) },
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

