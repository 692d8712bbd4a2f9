/**
 * Cost limits. Every evaluation runs against a budget, like the API server's per-expression limit: each function
 * call costs 1 plus one unit per ten characters, bytes, list elements or map entries of its arguments (the work a
 * call does is about proportional to what it reads), and each loop step of a macro (`all`, `exists`, `map`,
 * `filter` …) costs 1. When the budget is spent, every further call and loop step fails at once, so a hostile
 * expression (nested macros over large lists, strings doubled in a loop) ends quickly with a clear error instead of
 * hanging the run.
 */
import { CelScalar, celFunc, celMethod, isCelError, isCelList, isCelMap, type CelFunc, type CelValue } from '@bufbuild/cel';

/** The API server's limit for one expression (cost units are comparable, not identical). */
export const DEFAULT_COST_LIMIT = 1_000_000;

export class CostMeter {
  used = 0;
  exceeded = false;
  constructor(readonly limit: number = DEFAULT_COST_LIMIT) {}

  charge(units: number): void {
    this.used += units;
    if (this.used > this.limit) {
      this.exceeded = true;
      throw new Error(`evaluation cost limit exceeded (budget ${this.limit})`);
    }
  }
}

/** The meters of the evaluations in progress (evaluation is synchronous; a variable is evaluated inside another). */
const meters: CostMeter[] = [];

/** Run `fn` with `meter` charged for every call and loop step. */
export function withMeter<T>(meter: CostMeter, fn: () => T): T {
  meters.push(meter);
  try {
    return fn();
  } finally {
    meters.pop();
  }
}

function charge(units: number): void {
  meters[meters.length - 1]?.charge(units);
}

function sizeOf(v: CelValue | undefined): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.length;
  if (isCelList(v) || isCelMap(v)) return v.size;
  return 0;
}

/** Name of the internal function wrapped around each macro's loop condition (no CEL source can call it). */
export const LOOP_STEP = '@step';

/** The loop-step function: charges one unit and passes its argument through. */
export const loopStep: CelFunc = celFunc(LOOP_STEP, [CelScalar.DYN], CelScalar.DYN, (x) => {
  charge(1);
  return x;
});

/** A function that charges for each call, then does what `f` does (same name, overload and result type). */
function metered(f: CelFunc): CelFunc {
  const impl = function (this: CelValue | undefined, ...args: CelValue[]): CelValue {
    let size = sizeOf(this);
    for (const a of args) size += sizeOf(a);
    charge(1 + Math.ceil(size / 10));
    const r = f.call(0, this, args);
    if (r === undefined) throw new Error(`found no matching overload for '${f.name}'`);
    if (isCelError(r)) throw r;
    return r;
  };
  return f.target ? celMethod(f.name, f.target, f.arguments, f.result, impl as never) : celFunc(f.name, f.arguments, f.result, impl as never);
}

/** Metered versions of every function of an environment (they replace the originals: same overload ids). */
export function meteredFunctions(funcs: Iterable<CelFunc>): CelFunc[] {
  const out: CelFunc[] = [];
  for (const f of funcs) if (f.name !== LOOP_STEP) out.push(metered(f));
  return out;
}
