/**
 * Patterns of CRD schemas evaluated the way the API server evaluates them: with RE2 (Go's regexp), in linear time.
 * JavaScript's backtracking RegExp would both read some patterns differently (`(?i)`) and take exponential time on
 * others (`^(a+)+$`), so a hostile CRD could hang a run; re2js is a port of RE2 to JavaScript.
 */
import { RE2JS } from 're2js';
import type { RegExpEngine } from 'ajv/dist/types/index.js';

const compiled = new Map<string, RE2JS>();

function compile(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = RE2JS.compile(pattern)));
  return re;
}

/** Is this a pattern RE2 accepts? (The API server refuses a CRD whose pattern is not.) */
export function isRe2Pattern(pattern: string): boolean {
  try {
    compile(pattern);
    return true;
  } catch {
    return false;
  }
}

/** ajv's `code.regExp`: `pattern` searched anywhere in the value, as JSON Schema and the API server do. */
export const re2Engine: RegExpEngine = Object.assign((pattern: string) => {
  const re = compile(pattern);
  // ajv shares compiled patterns by their toString(): it must tell patterns apart.
  return { test: (s: string) => re.matcher(s).find(), toString: () => `re2:${pattern}` };
}, { code: 'daemonlintRe2' });
