/**
 * `x-kubernetes-validations` of a CRD schema: the CEL rules that apply to a custom resource, found by walking the
 * schema along the object, and their evaluation through a {@link CelRuleEvaluator}.
 *
 * The seam: daemonlint has no CEL engine wired in here yet, so `validateCustomResource` is called without an
 * evaluator and these rules are not checked (the CRD rule's documentation says so). An evaluator only has to answer
 * "does this rule hold for this `self`?"; rules about transitions (`oldSelf`) never apply to a manifest and are left
 * out.
 */
import { isRecord } from '../k8s/workloads.js';
import { showPath } from '../schema/explain.js';
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
  self: unknown;
}

/** Evaluates one CEL rule; `true` when it holds, `false` when violated, `{error}` when it cannot be evaluated. */
export interface CelRuleEvaluator {
  check(rule: string, self: unknown): boolean | { error: string };
}

const USES_OLD_SELF = /\boldSelf\b/;

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
        self: value,
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

export interface CelIssue {
  path: Path;
  message: string;
}

/** The violated rules, worded like the API server's messages. Without an evaluator: none (not checked). */
export function celIssues(rules: readonly ValidationRuleAt[], evaluator: CelRuleEvaluator | undefined): CelIssue[] {
  if (!evaluator) return [];
  const issues: CelIssue[] = [];
  for (const r of rules) {
    const verdict = evaluator.check(r.rule, r.self);
    if (verdict === true || typeof verdict === 'object') continue;
    const text = r.message ?? `failed rule: ${r.rule}`;
    issues.push({ path: r.path, message: `${r.path.length ? '`' + showPath(r.path) + '`' : 'The object'}: ${text} (x-kubernetes-validations rule of the CRD).` });
  }
  return issues;
}
