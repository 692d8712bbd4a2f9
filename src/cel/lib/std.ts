/** The standard operators, for library functions that compare, add or test equality the way CEL does. */
import { celEnv, isCelError, type CelValue } from '@bufbuild/cel';

const std = celEnv().funcs;

/** Apply a standard operator (`_<_`, `_+_`, `_==_` …) to values; throws its error (or a missing overload). */
export function op(name: string, ...args: CelValue[]): CelValue {
  const r = std.find(name)?.call(0, undefined, args);
  if (r === undefined) throw new Error(`no matching overload for ${name.replace(/_/g, ' ').trim()} on these values`);
  if (isCelError(r)) throw r;
  return r;
}

export const equal = (a: CelValue, b: CelValue): boolean => op('_==_', a, b) === true;
export const less = (a: CelValue, b: CelValue): boolean => op('_<_', a, b) === true;
