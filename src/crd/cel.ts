/**
 * `x-kubernetes-validations` of a CRD schema: the CEL rules that apply to a custom resource, found by walking the
 * schema along the object, and their evaluation through a {@link CelRuleEvaluator}.
 *
 * The evaluator is the CEL engine's `selfRuleEvaluator` (src/cel/rule.ts), which the custom-resource-schema rule loads
 * lazily, only when a CRD of the run has such rules. This module stays free of the engine: it finds the rules, turns
 * `fieldPath` into the node to point at, and words the outcome. Rules about transitions (`oldSelf`) never apply to a
 * manifest (it has no previous version) and are left out, as the API server leaves them out when an object is created.
 */
import { isRecord } from '../k8s/workloads.js';
import type { Path } from '../types.js';

/** One rule of an `x-kubernetes-validations` list, at the object node it constrains. */
export interface ValidationRuleAt {
  /** Path of the node whose value is `self`. */
  path: Path;
  rule: string;
  message?: string;
  messageExpression?: string;
  /** Where the API server reports a failure, relative to `path` (a JSON path like `.spec.x`). */
  fieldPath?: string;
  /** The API server's error type for a failure (`FieldValueInvalid` when absent). */
  reason?: string;
  self: unknown;
  /** The schema of `self` (numbers are typed by it). */
  schema: Record<string, unknown>;
}

/** Why a rule could not be decided (see RuleError in src/cel/rule.ts). */
export interface CelRuleError {
  error: string;
  stage: 'compile' | 'cost' | 'evaluation';
}

/** Evaluates one CEL rule: `true` when it holds, `false` when violated, `{error}` when it cannot be decided. */
export interface CelRuleEvaluator {
  check(rule: string, self: unknown, oldSelf?: unknown, schema?: unknown): boolean | CelRuleError;
  /** A `messageExpression`'s text, or `{error}`. */
  message(expression: string, self: unknown, oldSelf?: unknown, schema?: unknown): string | CelRuleError;
  /** Why an expression could never compile, or undefined (see SelfRuleEvaluator.problem). */
  problem?(source: string): CelRuleError | undefined;
}

const USES_OLD_SELF = /\boldSelf\b/;

/** Does a schema have `x-kubernetes-validations` anywhere (so CEL is worth loading)? Cached per schema object. */
export function hasValidationRules(schema: unknown): boolean {
  if (!isRecord(schema)) return false;
  let known = withRules.get(schema);
  if (known === undefined) withRules.set(schema, (known = anyRules(schema, 0)));
  return known;
}

const withRules = new WeakMap<object, boolean>();

function anyRules(node: unknown, depth: number): boolean {
  if (depth > 256 || node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((x) => anyRules(x, depth + 1));
  const rules = (node as Record<string, unknown>)['x-kubernetes-validations'];
  if (Array.isArray(rules) && rules.length) return true;
  return Object.values(node).some((x) => anyRules(x, depth + 1));
}

/**
 * `value` with the schema's `default`s filled in where a field is missing, as the API server fills them before it
 * validates (a rule may read a field the manifest leaves to its default). Copies only what it changes.
 */
export function withDefaults(value: unknown, schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 256) return value;
  if (Array.isArray(value)) {
    if (!isRecord(schema.items)) return value;
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const d = withDefaults(item, schema.items, depth + 1);
      if (d !== item) (out ??= [...value])[i] = d;
    });
    return out ?? value;
  }
  if (!isRecord(value)) return value;
  const props = isRecord(schema.properties) ? schema.properties : {};
  const rest = isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined;
  let out: Record<string, unknown> | undefined;
  for (const [k, p] of Object.entries(props)) {
    if (!Object.hasOwn(value, k) && isRecord(p) && p.default !== undefined && p.default !== null) (out ??= { ...value })[k] = structuredClone(p.default);
  }
  const cur = out ?? value;
  for (const [k, v] of Object.entries(cur)) {
    const child = Object.hasOwn(props, k) ? props[k] : rest;
    const d = withDefaults(v, child, depth + 1);
    if (d !== v) (out ??= { ...value })[k] = d;
  }
  return out ?? value;
}

/** The longest beginning of `path` that exists in `value` (a node a finding can point at in the manifest). */
export function existingPrefix(value: unknown, path: Path): Path {
  let cur = value;
  for (let i = 0; i < path.length; i++) {
    const s = path[i]!;
    if (Array.isArray(cur) && typeof s === 'number' && s < cur.length) cur = cur[s];
    else if (isRecord(cur) && typeof s === 'string' && Object.hasOwn(cur, s)) cur = cur[s];
    else return path.slice(0, i);
  }
  return path;
}

/** Every CEL rule of `schema` that applies to `value`, outermost first. Transition rules (`oldSelf`) are skipped. */
export function validationRulesFor(schema: unknown, value: unknown, path: Path = [], out: ValidationRuleAt[] = []): ValidationRuleAt[] {
  if (!isRecord(schema) || value === undefined || value === null) return out;
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules)) {
    for (const r of rules) {
      if (!isRecord(r) || typeof r.rule !== 'string' || USES_OLD_SELF.test(r.rule)) continue;
      out.push({
        path,
        rule: r.rule,
        message: typeof r.message === 'string' ? r.message : undefined,
        messageExpression: typeof r.messageExpression === 'string' ? r.messageExpression : undefined,
        fieldPath: typeof r.fieldPath === 'string' ? r.fieldPath : undefined,
        reason: typeof r.reason === 'string' ? r.reason : undefined,
        self: value,
        schema,
      });
    }
  }
  if (Array.isArray(value)) {
    if (isRecord(schema.items)) value.forEach((item, i) => validationRulesFor(schema.items, item, [...path, i], out));
  } else if (isRecord(value)) {
    const props = isRecord(schema.properties) ? schema.properties : {};
    for (const [k, v] of Object.entries(value)) {
      const child = Object.hasOwn(props, k) ? props[k] : isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined;
      if (child) validationRulesFor(child, v, [...path, k], out);
    }
  }
  return out;
}

/**
 * The segments of a rule's `fieldPath` (`.spec.replicas`, `.labels['app.kubernetes.io/name']`), or undefined when it
 * is not of that form. The API server accepts field names only (no list index).
 */
export function parseFieldPath(fieldPath: string): string[] | undefined {
  const out: string[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]/y;
  let at = 0;
  while (at < fieldPath.length) {
    re.lastIndex = at;
    const m = re.exec(fieldPath);
    if (!m) return undefined;
    out.push(m[1] ?? m[2]!.replace(/\\(.)/g, '$1'));
    at = re.lastIndex;
  }
  return out.length ? out : undefined;
}

/** `path` followed by as much of `segments` as exists in `value` (the node a fieldPath points at, or its nearest parent). */
function existingPath(path: Path, value: unknown, segments: readonly string[]): Path {
  const out: (string | number)[] = [...path];
  let cur = value;
  for (const s of segments) {
    if (!isRecord(cur) || !Object.hasOwn(cur, s)) break;
    out.push(s);
    cur = cur[s];
  }
  return out;
}

/** One entry of an `x-kubernetes-validations` list in a schema, for checking the CRD itself. */
export interface SchemaRuleEntry {
  /** Path of the entry within the schema (`['properties', 'spec', 'x-kubernetes-validations', 0]`). */
  path: Path;
  /** The schema node the list belongs to. */
  node: Record<string, unknown>;
  entry: Record<string, unknown>;
}

/** Every `x-kubernetes-validations` entry of a schema, along properties, additionalProperties and items. */
export function schemaRuleEntries(schema: unknown, path: Path = [], out: SchemaRuleEntry[] = [], depth = 0): SchemaRuleEntry[] {
  if (!isRecord(schema) || depth > 256) return out;
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules)) rules.forEach((entry, i) => isRecord(entry) && out.push({ path: [...path, 'x-kubernetes-validations', i], node: schema, entry }));
  if (isRecord(schema.properties)) for (const [k, v] of Object.entries(schema.properties)) schemaRuleEntries(v, [...path, 'properties', k], out, depth + 1);
  if (isRecord(schema.additionalProperties)) schemaRuleEntries(schema.additionalProperties, [...path, 'additionalProperties'], out, depth + 1);
  if (isRecord(schema.items)) schemaRuleEntries(schema.items, [...path, 'items'], out, depth + 1);
  return out;
}

/**
 * The first segment of a rule's `fieldPath` that the schema certainly does not declare (a node with `properties`,
 * without additionalProperties or preserved unknown fields), with the fields it does declare; undefined when the path
 * is fine or cannot be judged.
 */
export function undeclaredFieldPathSegment(node: Record<string, unknown>, fieldPath: string): { segment: string; declared: string[] } | undefined {
  const segments = parseFieldPath(fieldPath);
  if (!segments) return undefined;
  let cur: unknown = node;
  for (const s of segments) {
    if (!isRecord(cur)) return undefined;
    if (isRecord(cur.properties) && Object.hasOwn(cur.properties, s)) cur = cur.properties[s];
    else if (isRecord(cur.additionalProperties) && !isRecord(cur.properties)) cur = cur.additionalProperties;
    else if (isRecord(cur.properties) && cur.additionalProperties === undefined && cur['x-kubernetes-preserve-unknown-fields'] !== true) return { segment: s, declared: Object.keys(cur.properties) };
    else return undefined;
  }
  return undefined;
}

/** The reasons a rule may give (the API server rejects any other). */
export const RULE_REASONS = ['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate'] as const;

/** The API server's wording of a rule's `reason`. */
const REASONS: Record<string, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueForbidden: 'Forbidden',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
};

export interface CelIssue {
  /** The node to point at: fieldPath's when the rule has one (and it exists), else the node the rule applies to. */
  path: Path;
  /** The node the rule applies to (its `self`). */
  rulePath: Path;
  rule: string;
  /**
   * `violated`: the rule is false (the API server rejects the object); `notEvaluated`: it failed on this object;
   * `tooCostly`: it ran out of its cost budget; `notChecked`: it does not compile here.
   */
  kind: 'violated' | 'notEvaluated' | 'tooCostly' | 'notChecked';
  /** For `violated`: the message (messageExpression's, else message, else the API server's default); else the reason. */
  text: string;
  /** For `violated`: the API server's wording of the error type (`Invalid value`, `Forbidden` …). */
  reason?: string;
}

const MAX_TEXT = 240;
/** One line (a `message: |` block keeps its line breaks), cut when long. */
const cut = (text: string) => {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
};

/**
 * The outcome of every rule: violated ones as the API server words them, and those that could not be decided with
 * the reason. A rule that does not compile or runs out of budget is named once per object, not once per list item.
 */
export function celIssues(rules: readonly ValidationRuleAt[], evaluator: CelRuleEvaluator): CelIssue[] {
  const issues: CelIssue[] = [];
  const undecided = new Set<string>();
  for (const r of rules) {
    const verdict = evaluator.check(r.rule, r.self, undefined, r.schema);
    if (verdict === true) continue;
    const segments = r.fieldPath === undefined ? undefined : parseFieldPath(r.fieldPath);
    const path = segments ? existingPath(r.path, r.self, segments) : r.path;
    if (verdict === false) {
      let text = r.message?.trim() || `failed rule: ${r.rule}`;
      if (r.messageExpression !== undefined) {
        const m = evaluator.message(r.messageExpression, r.self, undefined, r.schema);
        if (typeof m === 'string') text = m;
      }
      issues.push({ path, rulePath: r.path, rule: r.rule, kind: 'violated', text: cut(text), reason: REASONS[r.reason ?? 'FieldValueInvalid'] ?? REASONS.FieldValueInvalid });
      continue;
    }
    const kind = verdict.stage === 'compile' ? 'notChecked' : verdict.stage === 'cost' ? 'tooCostly' : 'notEvaluated';
    if (kind !== 'notEvaluated') {
      if (undecided.has(r.rule)) continue;
      undecided.add(r.rule);
    }
    issues.push({ path: r.path, rulePath: r.path, rule: r.rule, kind, text: cut(verdict.error) });
  }
  return issues;
}
