/**
 * The meaning of a fix edit on plain values: what the documents must decode to after a fix (src/fix/apply.ts checks
 * the spliced text against it).
 */
import type { FixEdit, Path } from '../types.js';

/** A fix (or one of its edits) that cannot be applied exactly: it is skipped, never half-applied. */
export class Unfixable extends Error {}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function getIn(v: unknown, path: Path): unknown {
  let cur = v;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isObj(cur) && Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
  }
  return cur;
}

/** Set, delete or move on a plain value; missing mappings on a set path are created. Throws Unfixable otherwise. */
export function applyToValue(root: unknown, edit: FixEdit): unknown {
  return applyInPlace(structuredClone(root), edit);
}

/** {@link applyToValue} on the value itself (it may be left changed when the edit throws). */
export function applyInPlace(value: unknown, edit: FixEdit): unknown {
  const setIn = (path: Path, v: unknown) => {
    if (!path.length) throw new Unfixable('cannot replace a whole object');
    let cur: unknown = value;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      if (typeof seg === 'number') {
        if (!Array.isArray(cur) || seg < 0 || seg >= cur.length) throw new Unfixable('no such item');
        cur = cur[seg];
      } else {
        if (!isObj(cur)) throw new Unfixable('not a mapping');
        if (cur[seg] === undefined || cur[seg] === null) cur[seg] = {};
        cur = cur[seg];
      }
    }
    const last = path[path.length - 1]!;
    if (typeof last === 'number') {
      if (!Array.isArray(cur) || last < 0 || last >= cur.length) throw new Unfixable('no such item');
      cur[last] = structuredClone(v);
    } else {
      if (!isObj(cur)) throw new Unfixable('not a mapping');
      cur[last] = structuredClone(v);
    }
  };
  const deleteIn = (path: Path) => {
    const parent = getIn(value, path.slice(0, -1));
    const last = path[path.length - 1];
    if (typeof last === 'number' && Array.isArray(parent) && last >= 0 && last < parent.length) parent.splice(last, 1);
    else if (typeof last === 'string' && isObj(parent) && Object.prototype.hasOwnProperty.call(parent, last)) delete parent[last];
    else throw new Unfixable('nothing to delete');
  };
  switch (edit.op) {
    case 'set':
      setIn(edit.path, edit.value);
      break;
    case 'delete':
      deleteIn(edit.path);
      break;
    case 'move': {
      const v = getIn(value, edit.from);
      if (v === undefined || getIn(value, edit.to) !== undefined) throw new Unfixable('move needs a source and a free destination');
      deleteIn(edit.from);
      setIn(edit.to, v);
      break;
    }
  }
  return value;
}
