/**
 * Work on parsed CEL expressions before they are planned: macros the parser does not expand (`cel.bind`), the hooks
 * the cost limit and lazy `variables` need, and the analysis that finds undeclared names, functions outside the
 * library, and the object fields an expression reads (findings point at them).
 */
import { create } from '@bufbuild/protobuf';
import {
  ConstantSchema,
  ExprSchema,
  Expr_CallSchema,
  Expr_ComprehensionSchema,
  Expr_CreateListSchema,
  Expr_IdentSchema,
  type Expr,
} from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import type { PathSegment } from '../types.js';

/** Operators and internal calls the planner handles itself (never looked up as library functions). */
const BUILTIN_CALLS = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '_[?_]', '_?._', '@not_strictly_false', '__not_strictly_false__']);
/** Identifiers that denote types (`type(x) == string`). */
const TYPE_NAMES = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);

export const VARIABLE_CALL = '@var';

function children(e: Expr): Expr[] {
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      return k.value.operand ? [k.value.operand] : [];
    case 'callExpr':
      return [...(k.value.target ? [k.value.target] : []), ...k.value.args];
    case 'listExpr':
      return k.value.elements;
    case 'structExpr':
      return k.value.entries.flatMap((en) => [...(en.keyKind.case === 'mapKey' ? [en.keyKind.value] : []), ...(en.value ? [en.value] : [])]);
    case 'comprehensionExpr': {
      const c = k.value;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].filter((x): x is Expr => !!x);
    }
    default:
      return [];
  }
}

function maxId(e: Expr): bigint {
  let max = e.id;
  for (const c of children(e)) {
    const m = maxId(c);
    if (m > max) max = m;
  }
  return max;
}

/** `a.b.c` as a qualified name, or undefined. */
export function qualifiedName(e: Expr): string | undefined {
  if (e.exprKind.case === 'identExpr') return e.exprKind.value.name;
  if (e.exprKind.case === 'selectExpr' && !e.exprKind.value.testOnly && e.exprKind.value.operand) {
    const parent = qualifiedName(e.exprKind.value.operand);
    return parent === undefined ? undefined : `${parent}.${e.exprKind.value.field}`;
  }
  return undefined;
}

export interface RewriteOptions {
  /** Rewrite `variables.NAME` into lazy look-ups of these names (a ValidatingAdmissionPolicy's `variables`). */
  variables?: ReadonlySet<string>;
}

/** Visit every node, parents first. */
export function walk(e: Expr, fn: (e: Expr) => void): void {
  fn(e);
  for (const c of children(e)) walk(c, fn);
}

/**
 * Rewrite in place: `cel.bind(v, init, body)` becomes the comprehension cel-go expands it to; each macro's loop
 * condition is wrapped in `loopCall` (one cost unit per step); `variables.NAME` becomes a lazy look-up.
 * Returns a problem message and the id of the node it is about, or undefined.
 */
export function rewrite(root: Expr, loopCall: string, opts: RewriteOptions = {}): { message: string; id: bigint } | undefined {
  let next = maxId(root) + 1n;
  const id = () => next++;
  const call = (fn: string, args: Expr[]): Expr => create(ExprSchema, { id: id(), exprKind: { case: 'callExpr', value: create(Expr_CallSchema, { function: fn, args }) } });
  let problem: { message: string; id: bigint } | undefined;
  const visit = (e: Expr): void => {
    const k = e.exprKind;
    if (k.case === 'callExpr' && k.value.function === 'bind' && k.value.target && qualifiedName(k.value.target) === 'cel') {
      const [v, init, body] = k.value.args;
      if (k.value.args.length !== 3 || v?.exprKind.case !== 'identExpr' || !init || !body) {
        problem ??= { message: 'cel.bind needs a variable name, a value and an expression: cel.bind(name, value, expr)', id: e.id };
        return;
      }
      e.exprKind = {
        case: 'comprehensionExpr',
        value: create(Expr_ComprehensionSchema, {
          iterVar: '#unused',
          iterRange: create(ExprSchema, { id: id(), exprKind: { case: 'listExpr', value: create(Expr_CreateListSchema, {}) } }),
          accuVar: v.exprKind.value.name,
          accuInit: init,
          loopCondition: create(ExprSchema, { id: id(), exprKind: { case: 'constExpr', value: create(ConstantSchema, { constantKind: { case: 'boolValue', value: false } }) } }),
          loopStep: create(ExprSchema, { id: id(), exprKind: { case: 'identExpr', value: create(Expr_IdentSchema, { name: v.exprKind.value.name }) } }),
          result: body,
        }),
      };
    }
    if (opts.variables && k.case === 'selectExpr' && !k.value.testOnly && k.value.operand?.exprKind.case === 'identExpr' && k.value.operand.exprKind.value.name === 'variables') {
      if (!opts.variables.has(k.value.field)) {
        problem ??= { message: `no variable named "${k.value.field}"${opts.variables.size ? ` (defined: ${[...opts.variables].join(', ')})` : ''}`, id: e.id };
        return;
      }
      const name = create(ExprSchema, { id: id(), exprKind: { case: 'constExpr', value: create(ConstantSchema, { constantKind: { case: 'stringValue', value: k.value.field } }) } });
      e.exprKind = { case: 'callExpr', value: create(Expr_CallSchema, { function: VARIABLE_CALL, args: [name] }) };
      return;
    }
    for (const c of children(e)) visit(c);
    if (e.exprKind.case === 'comprehensionExpr' && e.exprKind.value.loopCondition) {
      e.exprKind.value.loopCondition = call(loopCall, [e.exprKind.value.loopCondition]);
    }
  };
  visit(root);
  return problem;
}

export interface Reference {
  kind: 'variable' | 'function';
  name: string;
  /** True for `x.f()` calls. */
  method: boolean;
  id: bigint;
  args: number;
}

/** A field read from a root variable: `object.spec.replicas` is `{ root: 'object', path: ['spec', 'replicas'] }`. */
export interface FieldRead {
  root: string;
  path: PathSegment[];
}

/** The field an expression reads, when it is a chain of selections and constant indexes from a variable. */
export function chainOf(e: Expr): FieldRead | undefined {
  const k = e.exprKind;
  if (k.case === 'identExpr') return { root: k.value.name, path: [] };
  if (k.case === 'selectExpr' && k.value.operand) {
    const base = chainOf(k.value.operand);
    return base && { root: base.root, path: [...base.path, k.value.field] };
  }
  if (k.case === 'callExpr' && k.value.function === '_[_]' && !k.value.target && k.value.args.length === 2) {
    const [on, index] = k.value.args as [Expr, Expr];
    const base = chainOf(on);
    if (!base || index.exprKind.case !== 'constExpr') return undefined;
    const c = index.exprKind.value.constantKind;
    if (c.case === 'stringValue') return { root: base.root, path: [...base.path, c.value] };
    if (c.case === 'int64Value') return { root: base.root, path: [...base.path, Number(c.value)] };
  }
  return undefined;
}

/**
 * The names an expression uses that are not bound by its own macros (free variables, with type names left out), the
 * functions it calls (qualified names like `sets.contains` when `isFunction` knows them), and the fields it reads
 * from the variables in `roots`.
 */
export function analyze(root: Expr, isFunction: (name: string) => boolean, roots: ReadonlySet<string>): { refs: Reference[]; reads: FieldRead[] } {
  const refs: Reference[] = [];
  const reads: FieldRead[] = [];
  const visit = (e: Expr, bound: ReadonlySet<string>, inChain: boolean): void => {
    const k = e.exprKind;
    if (!inChain) {
      const chain = chainOf(e);
      if (chain && chain.path.length && roots.has(chain.root) && !bound.has(chain.root)) reads.push(chain);
    }
    const chained = inChain || chainOf(e) !== undefined;
    switch (k.case) {
      case 'identExpr':
        if (!bound.has(k.value.name) && !TYPE_NAMES.has(k.value.name)) refs.push({ kind: 'variable', name: k.value.name, method: false, id: e.id, args: 0 });
        return;
      case 'callExpr': {
        const c = k.value;
        if (BUILTIN_CALLS.has(c.function)) break;
        if (c.function.startsWith('@')) break;
        const qual = c.target && qualifiedName(c.target);
        if (qual !== undefined && !bound.has(qual.split('.')[0]!) && isFunction(`${qual}.${c.function}`)) {
          refs.push({ kind: 'function', name: `${qual}.${c.function}`, method: false, id: e.id, args: c.args.length });
          for (const a of c.args) visit(a, bound, false);
          return;
        }
        refs.push({ kind: 'function', name: c.function, method: Boolean(c.target), id: e.id, args: c.args.length });
        break;
      }
      case 'comprehensionExpr': {
        const c = k.value;
        if (c.iterRange) visit(c.iterRange, bound, false);
        if (c.accuInit) visit(c.accuInit, bound, false);
        const inner = new Set([...bound, c.iterVar, c.accuVar]);
        for (const x of [c.loopCondition, c.loopStep, c.result]) if (x) visit(x, inner, false);
        return;
      }
    }
    for (const c of children(e)) visit(c, bound, chained && (k.case === 'selectExpr' || (k.case === 'callExpr' && k.value.function === '_[_]' && c === k.value.args[0])));
  };
  visit(root, new Set(), false);
  return { refs, reads };
}

/**
 * The parts of a top-level `range.all(v, predicate)`: the macro expands to a fold whose accumulator starts true and is
 * and-ed with the predicate at each step. Undefined for any other expression.
 */
export function forAllParts(root: Expr): { iterVar: string; range: Expr; predicate: Expr } | undefined {
  if (root.exprKind.case !== 'comprehensionExpr') return undefined;
  const c = root.exprKind.value;
  const init = c.accuInit?.exprKind;
  const step = c.loopStep?.exprKind;
  const result = c.result?.exprKind;
  if (init?.case !== 'constExpr' || init.value.constantKind.case !== 'boolValue' || init.value.constantKind.value !== true) return undefined;
  if (step?.case !== 'callExpr' || step.value.function !== '_&&_' || step.value.args.length !== 2) return undefined;
  const [accu, predicate] = step.value.args as [Expr, Expr];
  if (accu.exprKind.case !== 'identExpr' || accu.exprKind.value.name !== c.accuVar) return undefined;
  if (result?.case !== 'identExpr' || result.value.name !== c.accuVar || !c.iterRange) return undefined;
  return { iterVar: c.iterVar, range: c.iterRange, predicate };
}
