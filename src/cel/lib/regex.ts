/**
 * Regular expressions with RE2 semantics, as in the API server: `matches` (the evaluator's own RE2 engine, with
 * compiled patterns cached) and the Kubernetes regex library's `find(re)`, `findAll(re)`, `findAll(re, n)` (re2js,
 * a JavaScript port of RE2 with match positions). Both run in linear time: no pattern can backtrack forever.
 */
import { RE2JS as BoolRE2 } from '@bufbuild/re2';
import { CelScalar, celMethod, listType, type CelFunc } from '@bufbuild/cel';
import { RE2JS } from 're2js';

const { INT, STRING } = CelScalar;
const MAX_CACHED = 256;

function cached<T>(compile: (p: string) => T): (p: string) => T {
  const cache = new Map<string, T>();
  return (p) => {
    let v = cache.get(p);
    if (v === undefined) {
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(p, (v = compile(p)));
    }
    return v;
  };
}

/** A regex error in one line (re2js messages name the pattern and the problem). */
function compileError(pattern: string, err: unknown): Error {
  return new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
}

const boolPattern = cached((p) => {
  try {
    return BoolRE2.compile(p);
  } catch (err) {
    throw compileError(p, err);
  }
});

const findPattern = cached((p) => {
  try {
    return RE2JS.compile(p);
  } catch (err) {
    throw compileError(p, err);
  }
});

/** The RE2 engine for the evaluator's `matches`. */
export const re2 = { compile: (pattern: string) => boolPattern(pattern) };

/** Throws when a pattern does not compile (used to check constant patterns before any evaluation). */
export function checkPattern(pattern: string): void {
  boolPattern(pattern);
}

function findAll(s: string, pattern: string, limit: number): string[] {
  const out: string[] = [];
  if (limit === 0) return out;
  const m = findPattern(pattern).matcher(s);
  while (m.find()) {
    out.push(m.group() ?? '');
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

export const regexFunctions: CelFunc[] = [
  celMethod('find', STRING, [STRING], STRING, function (pattern) {
    const m = findPattern(pattern).matcher(this);
    return m.find() ? (m.group() ?? '') : '';
  }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (pattern) {
    return findAll(this, pattern, -1);
  }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (pattern, n) {
    return findAll(this, pattern, Number(n));
  }),
];
