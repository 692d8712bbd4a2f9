/**
 * One CEL rule over one value, the shape of a CRD's `x-kubernetes-validations`: the rule sees the value as `self` (and,
 * for a transition rule, the previous value as `oldSelf`) and holds when it evaluates to true. This is the small API
 * other parts of daemonlint (the CRD schema checks) evaluate such rules with, loading it lazily through the policy piece
 * (`const { selfRuleEvaluator } = await import('../policy/index.js')`, so a run without such rules does not load CEL):
 *
 *     const cel = selfRuleEvaluator();                     // one per run: compiled rules are cached by source
 *     cel.check('self.replicas <= self.maxReplicas', spec) // true | false | { error }
 *     cel.message("'too many: ' + string(self.replicas)", spec) // string | { error }
 *
 * Values are decoded YAML or JSON (plain objects, arrays, strings, numbers, booleans, null): mappings become CEL maps
 * and whole numbers CEL `int`s, unless the OpenAPI schema of `self` is given: then values are typed by it as the API
 * server types them (a `type: number` field holding `2` is the `double` 2.0, a `format: duration` string a duration).
 * Every evaluation has its own cost budget; a rule that exceeds it on a few values is not evaluated again by the same
 * evaluator. Nothing throws: a rule that does not compile, fails, gives something other than a bool or runs out of
 * budget is `{ error }`, and so is a transition rule (one that reads `oldSelf`) asked about without an old value.
 */
import { DEFAULT_COST_LIMIT, CostMeter } from './cost.js';
import { EvalContext, compile, evaluate, type Program } from './engine.js';
import type { CelInput, CelValue } from '@bufbuild/cel';
import { show, toCelInput, toSchemaCelInput, typeName } from './values.js';

export interface SelfRuleOptions {
  /** Cost budget of one evaluation (default: DEFAULT_COST_LIMIT, about the API server's limit for one expression). */
  costLimit?: number;
}

/** A verdict that could not be reached, with the reason in one line. */
export interface RuleError {
  error: string;
  /**
   * Why: the rule does not compile (or cannot apply: a transition rule without the old value), it ran out of its cost
   * budget (now or on earlier values), or it failed on this value (no such key, a result that is not a bool …).
   */
  stage: 'compile' | 'cost' | 'evaluation';
}

export interface SelfRuleEvaluator {
  /**
   * Whether `rule` holds for `self`: true, false, or `{ error }` when it cannot be decided. `oldSelf` is bound only when
   * given (the previous value, for transition rules). `schema`: the OpenAPI schema of `self` (values typed by it).
   */
  check(rule: string, self: unknown, oldSelf?: unknown, schema?: unknown): boolean | RuleError;
  /** The value of a `messageExpression` for `self`: a non-empty single-line string, or `{ error }`. */
  message(expression: string, self: unknown, oldSelf?: unknown, schema?: unknown): string | RuleError;
  /**
   * Why a rule or message expression could never compile (a syntax error, a name other than `self` and `oldSelf`, a
   * misused macro, a constant regular expression that is not RE2), or undefined. A function or syntax daemonlint does
   * not support is not such a problem: the API server may well have it.
   */
  problem(source: string): RuleError | undefined;
}

/** Optional field, index and element syntax (`.?a`, `[?k]`, `[?x]`, `{?k: v}`): the parser here does not read it. */
const OPTIONAL_SYNTAX = /\.\s*\?|\[\s*\?|[{,]\s*\?/;

/** After this many values on which a rule ran out of budget, the evaluator stops evaluating it. */
const RUNAWAY_STRIKES = 3;

/** A new evaluator (compiled rules and runaway counts are kept per evaluator: make one per run). */
export function selfRuleEvaluator(opts: SelfRuleOptions = {}): SelfRuleEvaluator {
  const limit = opts.costLimit ?? DEFAULT_COST_LIMIT;
  const programs = new Map<string, Program | RuleError>();
  const strikes = new Map<Program, number>();
  let last: { self: unknown; schema: unknown; input: CelInput } = { self: undefined, schema: undefined, input: null };

  const problems = new Map<string, RuleError | null>();
  const programOf = (source: string): Program | RuleError => {
    let p = programs.get(source);
    if (!p) {
      const c = compile(source, { variables: ['self', 'oldSelf'] });
      problems.set(source, c.ok || c.error.unsupported || c.error.unknownFunction || OPTIONAL_SYNTAX.test(source) ? null : { error: `${c.error.offset === undefined ? '' : `at character ${c.error.offset + 1}: `}${c.error.message}`, stage: 'compile' });
      p = c.ok ? c.program : { error: `does not compile${c.error.offset === undefined ? '' : ` (at character ${c.error.offset + 1})`}: ${c.error.message}`, stage: 'compile' };
      programs.set(source, p);
    }
    return p;
  };

  const run = (source: string, self: unknown, oldSelf: unknown, schema: unknown): { value: CelValue } | RuleError => {
    const p = programOf(source);
    if ('error' in p) return p;
    if (p.uses.has('oldSelf') && oldSelf === undefined) return { error: 'a transition rule (it reads oldSelf) needs the previous value, which a manifest does not have', stage: 'compile' };
    if ((strikes.get(p) ?? 0) >= RUNAWAY_STRIKES) return { error: `not evaluated: it exceeded its cost budget on ${RUNAWAY_STRIKES} values already`, stage: 'cost' };
    const input = (v: unknown) => (schema === undefined ? toCelInput(v) : toSchemaCelInput(v, schema));
    // The rules of one node are asked about the same value one after the other: convert it once.
    if (self !== last.self || schema !== last.schema || typeof self !== 'object' || self === null) last = { self, schema, input: input(self) };
    const bindings = { self: last.input, ...(oldSelf === undefined ? {} : { oldSelf: input(oldSelf) }) };
    const o = evaluate(p, new EvalContext(bindings, new CostMeter(limit)));
    if (!o.ok) {
      if (o.costExceeded) strikes.set(p, (strikes.get(p) ?? 0) + 1);
      return { error: o.error, stage: o.costExceeded ? 'cost' : 'evaluation' };
    }
    return { value: o.value };
  };

  return {
    check(rule, self, oldSelf, schema) {
      const r = run(rule, self, oldSelf, schema);
      if ('error' in r) return r;
      if (typeof r.value === 'boolean') return r.value;
      return { error: `it gave ${typeName(r.value)} ${show(r.value)}, not a bool`, stage: 'evaluation' };
    },
    problem(source) {
      if (!problems.has(source)) programOf(source);
      return problems.get(source) ?? undefined;
    },
    message(expression, self, oldSelf, schema) {
      const r = run(expression, self, oldSelf, schema);
      if ('error' in r) return r;
      if (typeof r.value !== 'string') return { error: `it gave ${typeName(r.value)} ${show(r.value)}, not a string`, stage: 'evaluation' };
      if (!r.value.trim() || /[\r\n]/.test(r.value)) return { error: 'it gave an empty or multi-line string', stage: 'evaluation' };
      return r.value;
    },
  };
}
