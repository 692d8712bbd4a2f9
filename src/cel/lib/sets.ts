/** The CEL sets library: `sets.contains(a, b)`, `sets.equivalent(a, b)`, `sets.intersects(a, b)` on lists. */
import { CelScalar, celFunc, listType, type CelFunc, type CelList } from '@bufbuild/cel';
import { equal } from './std.js';

const { BOOL, DYN } = CelScalar;
const LIST = listType(DYN);

const has = (list: CelList, x: unknown) => {
  for (const v of list) if (equal(v, x as never)) return true;
  return false;
};
const containsAll = (a: CelList, b: CelList) => {
  for (const x of b) if (!has(a, x)) return false;
  return true;
};

export const setFunctions: CelFunc[] = [
  celFunc('sets.contains', [LIST, LIST], BOOL, (a, b) => containsAll(a, b)),
  celFunc('sets.equivalent', [LIST, LIST], BOOL, (a, b) => containsAll(a, b) && containsAll(b, a)),
  celFunc('sets.intersects', [LIST, LIST], BOOL, (a, b) => {
    for (const x of b) if (has(a, x)) return true;
    return false;
  }),
];
