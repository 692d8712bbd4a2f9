/**
 * Validates custom resources against their CRD's schema: ajv (compiled at run time, cached per schema) decides, and
 * a rejected object is explained one issue per root cause, with the exact path, like the built-in schema rule:
 * unknown (pruned) fields with "did you mean" and "it belongs in" advice and wrong types from the shared explainer
 * (src/schema/explain.ts), value validations (enum, pattern, bounds …) from ajv's errors.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { explain, showPath } from '../schema/explain.js';
import { pathFromPointer } from '../schema/pointer.js';
import { closest } from '../util/suggest.js';
import type { Anchor, Fix, Path } from '../types.js';
import { re2Engine } from './regex.js';
import { celIssues, existingPrefix, hasValidationRules, validationRulesFor, withDefaults, type CelIssue, type CelRuleEvaluator } from './cel.js';
import { convertCrdSchema, pruneNulls, type ConvertedSchema } from './schema.js';

export interface CrIssue {
  path: Path;
  at: Anchor;
  message: string;
  fix?: Fix;
}

/** A CRD version's schema, converted and compiled. */
export interface CompiledCrd {
  converted: ConvertedSchema;
  openAPIV3Schema: Record<string, unknown>;
  validate: ValidateFunction;
}

let ajv: Ajv | undefined;
function ajvInstance(): Ajv {
  ajv ??= new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, messages: false, verbose: true, validateSchema: false, validateFormats: false, code: { regExp: re2Engine } });
  return ajv;
}

/** Compiled schemas by their converted JSON (the same CRD in every run of a language server compiles once). */
const cache = new Map<string, CompiledCrd>();
const CACHE_LIMIT = 256;

/** Compile one CRD version's schema (cached). Throws when ajv cannot compile it. */
export function compileCrdSchema(openAPIV3Schema: Record<string, unknown>, kind: string, keepUnknownFields: boolean): CompiledCrd {
  // The same schema object (every custom resource of one CRD in a run) skips the conversion and the cache key.
  const bySchema = byObject.get(openAPIV3Schema);
  const mine = bySchema?.get(`${kind}\u0000${keepUnknownFields}`);
  if (mine) return mine;
  const compiled = compileConverted(openAPIV3Schema, kind, keepUnknownFields);
  if (bySchema) bySchema.set(`${kind}\u0000${keepUnknownFields}`, compiled);
  else byObject.set(openAPIV3Schema, new Map([[`${kind}\u0000${keepUnknownFields}`, compiled]]));
  return compiled;
}

const byObject = new WeakMap<object, Map<string, CompiledCrd>>();

function compileConverted(openAPIV3Schema: Record<string, unknown>, kind: string, keepUnknownFields: boolean): CompiledCrd {
  const converted = convertCrdSchema(openAPIV3Schema, kind, keepUnknownFields);
  const key = JSON.stringify(converted.json);
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const compiled: CompiledCrd = { converted, openAPIV3Schema, validate: ajvInstance().compile(converted.json) };
  cache.set(key, compiled);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  // ajv keeps every compiled schema; drop its own references so the cache above is the only one.
  ajvInstance().removeSchema(converted.json);
  return compiled;
}

const code = (s: string) => '`' + s + '`';

function show(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return code(s.length > 40 ? s.slice(0, 37) + '…' : s);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Keywords the explainer covers (shape): ajv's errors for them are only a fallback. */
const SHAPE_KEYWORDS = new Set(['type', 'required', 'additionalProperties']);
const JUNCTORS = /\/(?:anyOf|oneOf|not)\/|\/not$/;

/** One sentence for an ajv error of a value validation, or undefined for keywords the explainer covers. */
/** A safe-looking replacement for an enum value that is one typo away (offered in editors, never applied by --fix). */
function enumFix(e: ErrorObject, path: Path): Fix | undefined {
  if (e.keyword !== 'enum' || typeof e.data !== 'string') return undefined;
  const allowed = ((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).filter((v): v is string => typeof v === 'string');
  const near = closest(e.data, allowed);
  return near ? { description: `Change ${e.data} to ${near}`, edits: [{ op: 'set', path, value: near }], safe: false } : undefined;
}

function describe(e: ErrorObject, path: Path, branches: ErrorObject[]): string | undefined {
  const where = path.length ? code(showPath(path)) : 'The object';
  const p = e.params as Record<string, any>;
  const data = e.data;
  switch (e.keyword) {
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      const list = allowed.map((v) => show(v)).join(', ');
      const near = typeof data === 'string' ? closest(data, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
      return `${where} must be one of ${list}, not ${show(data)}${near ? `; did you mean ${code(near)}?` : '.'}`;
    }
    case 'pattern':
      return `${where} is ${show(data)}, which does not match the pattern ${code(String(p.pattern))} the CRD requires.`;
    case 'minLength':
      return `${where} must be at least ${plural(p.limit, 'character')} long; ${show(data)} has ${String(data).length}.`;
    case 'maxLength':
      return `${where} may be at most ${plural(p.limit, 'character')} long; it has ${String(data).length}.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${where} must be ${p.comparison} ${p.limit}, but it is ${String(data)}.`;
    case 'multipleOf':
      return `${where} must be a multiple of ${p.multipleOf}, but it is ${String(data)}.`;
    case 'minItems':
      return `${where} needs at least ${plural(p.limit, 'item')}; it has ${Array.isArray(data) ? data.length : 0}.`;
    case 'maxItems':
      return `${where} may have at most ${plural(p.limit, 'item')}; it has ${Array.isArray(data) ? data.length : 0}.`;
    case 'minProperties':
      return `${where} needs at least ${plural(p.limit, 'field')}.`;
    case 'maxProperties':
      return `${where} may have at most ${plural(p.limit, 'field')}.`;
    case 'uniqueItems':
      return `${where} must not repeat items: items ${p.j} and ${p.i} are equal.`;
    case 'oneOf':
    case 'anyOf': {
      if (e.keyword === 'oneOf' && Array.isArray(p.passingSchemas)) return `${where} matches more than one of the alternatives the CRD allows (oneOf): set only one of them.`;
      // The usual shape: each alternative requires one field ("set exactly one of a, b, c").
      const required = [...new Set(branches.filter((b) => b.keyword === 'required').map((b) => String((b.params as { missingProperty: string }).missingProperty)))];
      if (required.length >= 2 && branches.every((b) => b.keyword === 'required')) return `${where} must set one of ${required.map(code).join(', ')}.`;
      return `${where} does not match any of the alternatives the CRD allows (${e.keyword}).`;
    }
    case 'not':
      return `${where} has a value or combination of fields that the CRD forbids (not).`;
    default:
      return undefined;
  }
}

/** Plain JSON path segments for an instance pointer. */
function at(object: unknown, e: ErrorObject): Path {
  return pathFromPointer(object, e.instancePath);
}

export interface ValidateInput {
  compiled: CompiledCrd;
  kind: string;
  object: unknown;
  sourceText?: (path: Path) => string | undefined;
}

/** Does this CRD version's schema hold `x-kubernetes-validations` rules (CEL to evaluate)? */
export function hasCelRules(compiled: CompiledCrd): boolean {
  return hasValidationRules(compiled.openAPIV3Schema);
}

/**
 * The outcome of the schema's `x-kubernetes-validations` rules on a custom resource (see ./cel.ts). `schemaValid`:
 * whether the schema accepted the object; when it did not, only violated rules are kept (a rule failing on a value of
 * the wrong type says nothing the schema finding does not).
 */
export function customResourceCelIssues(compiled: CompiledCrd, object: unknown, evaluator: CelRuleEvaluator, schemaValid: boolean): CelIssue[] {
  if (!hasCelRules(compiled)) return [];
  const pruned = pruneNulls(object, compiled.openAPIV3Schema);
  // Rules see the object with its defaults filled in; findings point at what the manifest has.
  const issues = celIssues(validationRulesFor(compiled.openAPIV3Schema, withDefaults(pruned, compiled.openAPIV3Schema)), evaluator).map((i) => ({ ...i, path: existingPrefix(pruned, i.path) }));
  return schemaValid ? issues : issues.filter((i) => i.kind === 'violated');
}

/** Every issue of a custom resource; empty when its CRD schema accepts it. */
export function validateCustomResource(input: ValidateInput): CrIssue[] {
  const { compiled, kind } = input;
  const object = pruneNulls(input.object, compiled.openAPIV3Schema);
  if (compiled.validate(object)) return [];
  const errors = [...(compiled.validate.errors ?? [])];
  const issues: CrIssue[] = explain({ schema: compiled.converted.shape, definition: compiled.converted.root, kind, object, sourceText: input.sourceText }).map((i) => ({
    path: i.path,
    at: i.at,
    message: i.message,
    fix: i.fix,
  }));
  const typed = new Set(issues.map((i) => showPath(i.path)));
  const seen = new Set<string>();
  for (const e of errors) {
    if (SHAPE_KEYWORDS.has(e.keyword) || JUNCTORS.test(e.schemaPath)) continue;
    const path = at(object, e);
    const shown = showPath(path);
    // A value of the wrong type is one mistake, already reported.
    if (typed.has(shown)) continue;
    const branches = e.keyword === 'anyOf' || e.keyword === 'oneOf' ? errors.filter((b) => b.instancePath.startsWith(e.instancePath) && b.schemaPath.startsWith(e.schemaPath + '/')) : [];
    const message = describe(e, path, branches);
    if (!message || seen.has(`${shown} ${message}`)) continue;
    seen.add(`${shown} ${message}`);
    const fix = enumFix(e, path);
    issues.push({ path, at: e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'not' ? 'key' : 'value', message, ...(fix ? { fix } : {}) });
  }
  if (!issues.length) {
    // The explainer mirrors ajv's shape checks; should they ever disagree, still report the rejection.
    const e = errors[0];
    issues.push({ path: e ? at(object, e) : [], at: 'key', message: `This ${kind} does not match its CustomResourceDefinition's schema (${e?.keyword ?? 'invalid'} at ${e?.instancePath || '/'}).` });
  }
  return issues;
}
