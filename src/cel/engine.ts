/**
 * Compiling and evaluating CEL with @bufbuild/cel (a conformance-tested CEL evaluator). Compiling parses the source,
 * applies the rewrites in ast.ts, and rejects what could never evaluate: syntax errors, undeclared names, functions
 * outside the library (with the reason when a Kubernetes library is not supported), constant regular expressions
 * that do not compile. Evaluation runs against a cost budget (cost.ts) and never throws.
 */
import { celEnv, celFunc, CelScalar, isCelError, parse, plan, type CelEnv, type CelInput, type CelResult, type CelValue } from '@bufbuild/cel';
import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import { closest } from '../util/suggest.js';
import { VARIABLE_CALL, analyze, chainOf, forAllParts, rewrite, walk, type FieldRead } from './ast.js';
import { CostMeter, LOOP_STEP, loopStep, meteredFunctions, withMeter } from './cost.js';
import { UNSUPPORTED, checkPattern, libraryFunctions, re2, registry } from './lib/index.js';

/** Longest expression accepted (the parser's work grows with it). */
export const MAX_EXPRESSION_LENGTH = 64 * 1024;
const MACROS: Record<string, string> = {
  all: 'list.all(x, predicate)',
  exists: 'list.exists(x, predicate)',
  exists_one: 'list.exists_one(x, predicate)',
  map: 'list.map(x, expr) or list.map(x, predicate, expr)',
  filter: 'list.filter(x, predicate)',
  has: 'has(object.field)',
};

export interface CompileOptions {
  /** Names the expression may use as variables (`object`, `podSpec`, `params` …). */
  variables: readonly string[];
  /** Names usable as `variables.NAME` (a ValidatingAdmissionPolicy's `spec.variables`, in order). */
  exprVariables?: readonly string[];
  /** Variables whose field reads are collected (`object` for `object.spec.replicas`). */
  readRoots?: readonly string[];
}

export interface CompileError {
  message: string;
  /** 0-based offset in the source, when the problem has a place. */
  offset?: number;
  /** True when the expression is valid CEL but uses something daemonlint cannot evaluate (e.g. the authorizer). */
  unsupported?: boolean;
  /** True when the problem is a function daemonlint does not know (the API server may have it in a newer library). */
  unknownFunction?: boolean;
}

export interface Program {
  readonly source: string;
  /** The declared variables (`CompileOptions.variables`) the expression uses. */
  readonly uses: ReadonlySet<string>;
  /** Fields the expression reads from the `readRoots` variables. */
  readonly reads: readonly FieldRead[];
  /**
   * For `list.all(v, predicate)` over a field of a `readRoots` variable: the list, and the predicate alone (with the
   * fields it reads from `v`), so a failure can be pinned to the first element that fails.
   */
  readonly each?: { readonly range: FieldRead; readonly iterVar: string; readonly reads: readonly FieldRead[]; readonly run: (bindings: Record<string, CelInput>) => CelResult };
  /** @internal */
  readonly run: (bindings: Record<string, CelInput>) => CelResult;
}

export type Compiled = { ok: true; program: Program } | { ok: false; error: CompileError };

interface Environment {
  env: CelEnv;
  names: string[];
}

/** The evaluations in progress: a `variables.NAME` look-up evaluates the variable in the context at the top. */
const contexts: EvalContext[] = [];

let environment: Environment | undefined;
function getEnvironment(): Environment {
  if (environment) return environment;
  const base = celEnv({ registry, funcs: libraryFunctions, re2 });
  const variable = celFunc(VARIABLE_CALL, [CelScalar.STRING], CelScalar.DYN, (name) => {
    const ctx = contexts[contexts.length - 1];
    if (!ctx?.variables) throw new Error(`no variable named ${name}`);
    return ctx.variable(name) as never;
  });
  const env = celEnv({ registry, funcs: [...meteredFunctions(base.funcs), loopStep, variable] });
  const names = [...new Set([...env.funcs].map((f) => f.name).filter((n) => !n.startsWith('@') && !n.startsWith('_')))];
  environment = { env, names };
  return environment;
}

/** The function and macro names of the environment (for documentation and suggestions). */
export function libraryNames(): string[] {
  return [...getEnvironment().names, ...Object.keys(MACROS), 'cel.bind'].sort();
}

function syntaxError(source: string, err: unknown): CompileError {
  const text = String((err as Error)?.message ?? err);
  if (err instanceof RangeError) return { message: 'the expression is nested too deeply' };
  const m = /^<input>:(\d+):(\d+): (.*)$/s.exec(text);
  if (!m) return { message: `syntax error: ${text.split('\n')[0]}` };
  const lines = source.split('\n');
  const line = Number(m[1]);
  const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + Number(m[2]) - 1;
  const at = source.slice(offset);
  if (/^\.\?|^\[\?|^\?/.test(at) || /^\s*\?/.test(at))
    return { message: 'optional syntax (.?field, [?key], ?element) is not supported by daemonlint; use has() to test for a field', offset, unsupported: true };
  return { message: `syntax error: ${m[3]!.split('\n')[0]}`, offset };
}

/** Compile an expression; never throws. */
export function compile(source: string, opts: CompileOptions): Compiled {
  if (source.length > MAX_EXPRESSION_LENGTH) return { ok: false, error: { message: `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters` } };
  const { env, names } = getEnvironment();
  let root: Expr;
  let positions: Record<string, number>;
  try {
    const parsed = parse(source);
    root = parsed.expr;
    positions = (parsed.sourceInfo?.positions ?? {}) as Record<string, number>;
  } catch (err) {
    return { ok: false, error: syntaxError(source, err) };
  }
  const at = (id: bigint) => positions[String(id)];
  const fail = (message: string, id?: bigint, unsupported?: boolean, unknownFunction?: boolean): Compiled => ({
    ok: false,
    error: { message, offset: id === undefined ? undefined : at(id), ...(unsupported ? { unsupported } : {}), ...(unknownFunction ? { unknownFunction } : {}) },
  });
  try {
    const exprVariables = opts.exprVariables ? new Set(opts.exprVariables) : undefined;
    const forAll = forAllParts(root);
    const problem = rewrite(root, LOOP_STEP, { variables: exprVariables });
    if (problem) return fail(problem.message, problem.id);
    const isFunction = (name: string) => env.funcs.find(name) !== undefined || name in UNSUPPORTED;
    const { refs, reads } = analyze(root, isFunction, new Set(opts.readRoots ?? []));
    const declared = new Set(opts.variables);
    const uses = new Set(refs.filter((r) => r.kind === 'variable' && declared.has(r.name)).map((r) => r.name));
    // A misused macro first (its arguments look like undeclared names), then names (`authorizer.check()` is about
    // the authorizer, not about a method called check), then functions.
    const rank = (r: (typeof refs)[number]) => (r.kind === 'function' && r.name in MACROS && !env.funcs.find(r.name) ? 0 : r.kind === 'variable' ? 1 : 2);
    for (const r of [...refs].sort((a, b) => rank(a) - rank(b))) {
      if (r.kind === 'variable') {
        if (declared.has(r.name)) continue;
        if (r.name in UNSUPPORTED) return fail(`${r.name}: ${UNSUPPORTED[r.name]}`, r.id, true);
        const near = closest(r.name, [...declared]);
        return fail(`undeclared reference to "${r.name}"${near ? `; did you mean "${near}"?` : ` (expressions may use: ${[...declared].join(', ')})`}`, r.id);
      }
      if (env.funcs.find(r.name)) continue;
      const shown = r.method ? `.${r.name}()` : `${r.name}()`;
      if (r.name in UNSUPPORTED) return fail(`${shown}: ${UNSUPPORTED[r.name]}`, r.id, true);
      if (r.name in MACROS) {
        if (r.args === 3 && r.name !== 'map') return fail(`two-variable macros such as ${r.name}(key, value, predicate) are not supported by daemonlint`, r.id, true);
        return fail(`${r.name} is a macro: write ${MACROS[r.name]}`, r.id);
      }
      const near = closest(r.name, names);
      return fail(`unknown function ${shown}${near ? `; did you mean ${near}()?` : ' (see "Custom policies" in the README for the supported CEL library)'}`, r.id, false, true);
    }
    let badPattern: Compiled | undefined;
    walk(root, (e) => {
      const k = e.exprKind;
      if (badPattern || k.case !== 'callExpr' || !['matches', 'find', 'findAll'].includes(k.value.function)) return;
      const arg = k.value.args[k.value.target ? 0 : 1];
      if (arg?.exprKind.case !== 'constExpr' || arg.exprKind.value.constantKind.case !== 'stringValue') return;
      try {
        checkPattern(arg.exprKind.value.constantKind.value);
      } catch (err) {
        badPattern = fail((err as Error).message, arg.id);
      }
    });
    if (badPattern) return badPattern;
    const run = plan(env, root) as (bindings: Record<string, CelInput>) => CelResult;
    const range = forAll && chainOf(forAll.range);
    if (forAll && range && opts.readRoots?.includes(range.root)) {
      const each = {
        range,
        iterVar: forAll.iterVar,
        reads: analyze(forAll.predicate, isFunction, new Set([forAll.iterVar])).reads,
        run: plan(env, forAll.predicate) as (bindings: Record<string, CelInput>) => CelResult,
      };
      return { ok: true, program: { source, uses, reads, run, each } };
    }
    return { ok: true, program: { source, uses, reads, run } };
  } catch (err) {
    if (err instanceof RangeError) return fail('the expression is nested too deeply');
    return fail(`cannot compile: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
  }
}

export type Outcome = { ok: true; value: CelValue } | { ok: false; error: string; costExceeded?: boolean };

/** What one evaluation sees: its bindings, its budget and, for admission policies, its lazily evaluated variables. */
export class EvalContext {
  constructor(
    readonly bindings: Record<string, CelInput>,
    readonly meter: CostMeter = new CostMeter(),
    readonly variables?: ReadonlyMap<string, Program>,
    private readonly memo = new Map<string, CelResult>(),
  ) {}

  /** The same bindings and variables (each still evaluated once) with a budget of its own, for the next expression. */
  next(): EvalContext {
    return new EvalContext(this.bindings, new CostMeter(this.meter.limit), this.variables, this.memo);
  }

  /** A variable's value, evaluated once on first use (its error too, reported where it is used). */
  variable(name: string): CelValue {
    let r = this.memo.get(name);
    if (r === undefined) {
      const p = this.variables?.get(name);
      if (!p) throw new Error(`no variable named ${name}`);
      r = p.run(this.bindings);
      this.memo.set(name, r);
    }
    if (isCelError(r)) throw r;
    return r;
  }
}

/** Evaluate a program; never throws. Exceeding the cost budget is an error even if the result came out anyway. */
export function evaluate(program: Program, ctx: EvalContext): Outcome {
  contexts.push(ctx);
  try {
    const r = withMeter(ctx.meter, () => program.run(ctx.bindings));
    if (ctx.meter.exceeded) return { ok: false, error: `the evaluation exceeded its cost budget of ${ctx.meter.limit} and was stopped`, costExceeded: true };
    if (isCelError(r)) return { ok: false, error: r.message.split('\n')[0]! };
    return { ok: true, value: r };
  } catch (err) {
    if (ctx.meter.exceeded) return { ok: false, error: `the evaluation exceeded its cost budget of ${ctx.meter.limit} and was stopped`, costExceeded: true };
    if (err instanceof RangeError) return { ok: false, error: 'the evaluation nested too deeply' };
    return { ok: false, error: String((err as Error)?.message ?? err).split('\n')[0]! };
  } finally {
    contexts.pop();
  }
}

/**
 * The index of the first element for which a `list.all(v, predicate)` program's predicate is not true, within one
 * budget for the whole search; undefined when there is none or the budget ran out.
 */
export function firstFailing(program: Program, ctx: EvalContext, elements: readonly CelInput[]): number | undefined {
  const each = program.each;
  if (!each) return undefined;
  const meter = new CostMeter(ctx.meter.limit);
  for (const [i, el] of elements.entries()) {
    const o = evaluate({ ...program, run: each.run }, new EvalContext({ ...ctx.bindings, [each.iterVar]: el }, meter));
    if (!o.ok && o.costExceeded) return undefined;
    if (!o.ok || o.value !== true) return i;
  }
  return undefined;
}
