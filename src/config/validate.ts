/**
 * Validating daemonlint's own files (configs, policy files) against their JSON schema and saying what is wrong in one
 * line naming the file, line, column and key of the most telling problem.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DEFAULT_KUBE_VERSION, supportedRange } from '../k8s/kube-version.js';
import { formatPath } from '../load/positions.js';
import type { Path } from '../types.js';
import { closest } from '../util/suggest.js';
import { ConfigError } from './find.js';
import { SEVERITY_SETTINGS } from './schema.js';
import type { Source } from './source.js';

function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function showPath(path: Path): string {
  return formatPath(path) || '(top level)';
}

const KEYWORD_RANK: Record<string, number> = { additionalProperties: 0, enum: 1, required: 2, pattern: 3, minItems: 3, maxItems: 3, minLength: 3, const: 3, type: 8, anyOf: 9, oneOf: 9 };

/** Pick the most telling ajv error: the deepest path, then the most specific keyword. */
function bestError(errors: ErrorObject[]): ErrorObject {
  return [...errors].sort((a, b) => {
    const da = pointerToPath(a.instancePath).length + (a.keyword === 'additionalProperties' ? 1 : 0);
    const db = pointerToPath(b.instancePath).length + (b.keyword === 'additionalProperties' ? 1 : 0);
    return db - da || (KEYWORD_RANK[a.keyword] ?? 5) - (KEYWORD_RANK[b.keyword] ?? 5);
  })[0]!;
}

function describeError(e: ErrorObject, ruleIds: readonly string[]): { path: Path; at: 'key' | 'value'; message: string } {
  const path = pointerToPath(e.instancePath);
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const inRules = last === 'rules';
      const allowed = inRules ? ruleIds : Object.keys(((e.parentSchema as { properties?: object })?.properties ?? {}) as object);
      const near = closest(key, allowed);
      const what = inRules ? `unknown rule "${key}"` : `unknown key "${key}"`;
      const hint = near ? `; did you mean "${near}"?` : inRules ? ' (see daemonlint rules)' : `; expected one of ${allowed.join(', ')}`;
      return { path: [...path, key], at: 'key', message: `${what}${hint}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const isRuleId = allowed.length === ruleIds.length && allowed.every((a) => ruleIds.includes(String(a)));
      if (isRuleId) {
        const got = String(e.data);
        const near = closest(got, ruleIds);
        return { path, at: 'value', message: `unknown rule "${got}"${near ? `; did you mean "${near}"?` : ' (see daemonlint rules)'}` };
      }
      return { path, at: 'value', message: `must be one of ${allowed.join(', ')} (got ${JSON.stringify(e.data)})` };
    }
    case 'required':
      return { path, at: 'key', message: `missing required key "${String(params.missingProperty)}"` };
    case 'pattern':
      if (last === 'kubeVersion') return { path, at: 'value', message: `must be a Kubernetes version from ${supportedRange()}, such as "${DEFAULT_KUBE_VERSION}" (got ${JSON.stringify(e.data)})` };
      return { path, at: 'value', message: e.message ?? 'is invalid' };
    case 'anyOf':
      if (parent === 'waivers' || path[path.length - 3] === 'waivers')
        return { path, at: 'key', message: 'a waiver must name at least one of kind, name or namespace' };
      return { path, at: 'value', message: 'has the wrong shape' };
    default:
      return { path, at: 'value', message: e.message ?? 'is invalid' };
  }
}

/**
 * Validate a source with a compiled schema; throws ConfigError naming the file, line, column and key of the most
 * telling problem. `ruleIds` are the rule ids the schema accepts (for did-you-mean hints); `takesOptions` says whether
 * a rule accepts `[severity, {options}]`.
 */
export function validateSource(src: Source, v: ValidateFunction, ruleIds: readonly string[], takesOptions: (ruleId: string) => boolean): void {
  if (v(src.value)) return;
  const errors = v.errors ?? [];
  // A rule entry that is neither a severity nor a tuple: say what is allowed rather than an ajv branch message.
  // `required` inside an anyOf (a waiver's kind/name/namespace) is explained by the anyOf error itself.
  const e = bestError(errors.filter((x) => !(x.keyword === 'required' && x.schemaPath.includes('/anyOf/'))));
  let d = describeError(e, ruleIds);
  // A clusters entry is a glob or a list of globs: one message for any wrong shape below it.
  if (d.path[0] === 'clusters' && d.path.length >= 2 && e.keyword !== 'additionalProperties')
    d = { path: d.path.slice(0, 2), at: 'value', message: 'must be a glob or a list of globs (the files of this unit)' };
  const path = d.path;
  const ruleEntry = path.length >= 2 && path[path.length - 2] === 'rules' && typeof path[path.length - 1] === 'string' && e.keyword !== 'additionalProperties';
  let message = d.message;
  if (ruleEntry && (e.keyword === 'type' || e.keyword === 'enum')) {
    const id = String(path[path.length - 1]);
    message = `must be one of ${SEVERITY_SETTINGS.join(', ')}${takesOptions(id) ? ', or [severity, {options}]' : ' (this rule takes no options)'}; got ${JSON.stringify(e.data)}`;
  }
  const r = src.locate(path, d.at);
  throw new ConfigError(`${src.file}:${r.line}:${r.column}: ${showPath(path)}: ${message}`);
}
