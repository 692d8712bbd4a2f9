/**
 * The Kubernetes list library: on a list `isSorted()`, `sum()`, `min()`, `max()`, `indexOf(x)`, `lastIndexOf(x)`,
 * with CEL's own ordering, addition and equality.
 */
import { CelScalar, celMethod, listType, type CelFunc, type CelList, type CelValue } from '@bufbuild/cel';
import { equal, less, op } from './std.js';

const { BOOL, DYN, INT } = CelScalar;
const LIST = listType(DYN);

function extreme(list: CelList, name: string, better: (a: CelValue, b: CelValue) => boolean): CelValue {
  let best: CelValue | undefined;
  for (const v of list) if (best === undefined || better(v, best)) best = v;
  if (best === undefined) throw new Error(`${name}() called on an empty list`);
  return best;
}

export const listFunctions: CelFunc[] = [
  celMethod('isSorted', LIST, [], BOOL, function () {
    let prev: CelValue | undefined;
    for (const v of this) {
      if (prev !== undefined && less(v, prev)) return false;
      prev = v;
    }
    return true;
  }),
  celMethod('sum', LIST, [], DYN, function () {
    let total: CelValue | undefined;
    for (const v of this) total = total === undefined ? v : op('_+_', total, v);
    return (total ?? 0n) as never;
  }),
  celMethod('min', LIST, [], DYN, function () {
    return extreme(this, 'min', less) as never;
  }),
  celMethod('max', LIST, [], DYN, function () {
    return extreme(this, 'max', (a, b) => less(b, a)) as never;
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (x) {
    let i = 0n;
    for (const v of this) {
      if (equal(v, x)) return i;
      i++;
    }
    return -1n;
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (x) {
    let found = -1n;
    let i = 0n;
    for (const v of this) {
      if (equal(v, x)) found = i;
      i++;
    }
    return found;
  }),
];
