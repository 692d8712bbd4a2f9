/**
 * The JSON schema of `.daemonlint.yaml`, built from the rules' metadata (ids and options schemas).
 * `scripts/gen-config-schema.mjs` writes it to `schemas/config.schema.json` for editors; the loader builds the same
 * schema at run time from the rules it runs, so a new rule is accepted before the file is regenerated.
 */
import { PROFILES } from '../engine/profile.js';
import { LINKS } from '../links.js';
import { NEWEST_KUBE_MINOR, OLDEST_KUBE_MINOR, SCHEMA_KUBE_VERSION, supportedRange } from '../k8s/kube-version.js';
import { POLICY_ID_PATTERN, POLICY_SCHEMA } from '../policy/spec.js';
import { FAIL_ON_VALUES, type Rule } from '../types.js';

export const SEVERITY_SETTINGS = ['off', 'info', 'warning', 'error'] as const;

/** `1.16` … `1.35`, optionally with a `v` prefix and a patch number. */
const KUBE_VERSION_PATTERN = `^v?1\\.(${Array.from({ length: NEWEST_KUBE_MINOR - OLDEST_KUBE_MINOR + 1 }, (_, i) => OLDEST_KUBE_MINOR + i).join('|')})(\\.[0-9]+)?$`;

/** Top-level keys of a config file. */
export const CONFIG_KEYS = ['$schema', 'extends', 'rules', 'overrides', 'ignore', 'kubeVersion', 'nodes', 'crds', 'failOn', 'strict', 'waivers', 'clusters', 'policies', 'admissionPolicies', 'profile'] as const;

const stringOrList = (description: string) => ({
  description,
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 } }],
});

/**
 * The config schema (JSON Schema draft-07) for a set of rules. With `policyIds`, exactly those custom policy ids are
 * accepted besides the rules (how a config is validated once its policies are known). Without, it is the schema editors
 * get: a config that defines `policies` or `extends` another (which may define some) may name any kebab-case id, and
 * one that does neither only the built-in rules, so editors still flag a misspelt rule id there.
 */
export function configSchema(rules: readonly Rule[], policyIds?: readonly string[], schemaId: string | undefined = LINKS?.configSchema): Record<string, unknown> {
  const builtinIds = rules.map((r) => r.meta.id).sort();
  const ids = [...builtinIds, ...(policyIds ?? [])].sort();
  const policySetting = {
    description: 'A custom policy: a severity, or [severity, {params}] to override its params.',
    anyOf: [{ $ref: '#/definitions/severity' }, { type: 'array', items: [{ $ref: '#/definitions/severity' }, { type: 'object' }], minItems: 1, maxItems: 2, additionalItems: false }],
  };
  const ruleEntries: Record<string, unknown> = {};
  for (const r of [...rules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))) {
    const m = r.meta;
    const tuple = m.optionsSchema
      ? { type: 'array', items: [{ $ref: '#/definitions/severity' }, m.optionsSchema], minItems: 1, maxItems: 2, additionalItems: false }
      : { type: 'array', items: [{ $ref: '#/definitions/severity' }], minItems: 1, maxItems: 1, additionalItems: false };
    ruleEntries[m.id] = {
      description: `${m.description} (default: ${m.severity})`,
      anyOf: [{ $ref: '#/definitions/severity' }, tuple],
    };
  }
  for (const id of policyIds ?? []) ruleEntries[id] = policySetting;
  // Editors: without policies of its own or of a config it extends, a config names built-in rules only.
  const builtinRule = { $ref: '#/definitions/builtinRuleId' };
  const builtinRules = { propertyNames: builtinRule };
  const builtinOnly = policyIds
    ? {}
    : {
        if: { not: { anyOf: [{ required: ['policies'] }, { required: ['extends'] }] } },
        // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword, not a promise.
        then: {
          properties: {
            rules: builtinRules,
            overrides: { items: { properties: { rules: builtinRules } } },
            strict: { items: builtinRule },
            waivers: { items: { properties: { rules: { items: builtinRule } } } },
          },
        },
      };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    // Its address once published (package.json's repository); no id while there is none, rather than a dead one.
    ...(schemaId ? { $id: schemaId } : {}),
    title: 'daemonlint configuration (.daemonlint.yaml, .daemonlint.yml, .daemonlint.json)',
    type: 'object',
    additionalProperties: false,
    ...builtinOnly,
    properties: {
      $schema: { type: 'string', description: 'The schema of this file, for editors.' },
      extends: stringOrList('Config files this one builds on (paths relative to this file); later ones and this file win.'),
      rules: { $ref: '#/definitions/rules' },
      overrides: {
        description: 'Rule settings for the files matching `files` (globs relative to this file\'s directory); later entries win.',
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['files', 'rules'],
          properties: {
            files: stringOrList('Globs (minimatch) relative to this file\'s directory; a pattern without a slash matches a file or directory name anywhere below it.'),
            rules: { $ref: '#/definitions/rules' },
          },
        },
      },
      ignore: {
        description: 'Files not linted at all: globs relative to this file\'s directory (a directory name ignores everything below it).',
        type: 'array',
        items: { type: 'string', minLength: 1 },
      },
      clusters: {
        description:
          'Deployment units: what is applied together. Each entry names a unit and lists its files (globs relative to this file\'s directory, as in `overrides`); cross-resource rules compare objects only within a unit. Files in no entry are grouped by Kustomize and by directory.',
        type: 'object',
        minProperties: 1,
        propertyNames: { minLength: 1 },
        additionalProperties: stringOrList('Globs of the files applied together in this unit.'),
      },
      kubeVersion: {
        description: `Kubernetes version to check API availability against, ${supportedRange()} (like --kube-version); the strict schemas are those of ${SCHEMA_KUBE_VERSION} whatever the version.`,
        type: 'string',
        pattern: KUBE_VERSION_PATTERN,
      },
      nodes: stringOrList('Node inventory file(s) relative to this file (like --nodes).'),
      crds: stringOrList('CustomResourceDefinition files or directories relative to this file (like --crd): custom resources are checked against them.'),
      failOn: { description: 'Exit 1 when a finding is at least this severe (like --fail-on); none: never fail on findings.', enum: [...FAIL_ON_VALUES] },
      profile: {
        description:
          'Severity profile: `default` reports the expected posture of an agent that needs it (a privileged CNI agent, hostNetwork for a network agent, hostPID for a node monitor) at info; `strict` reports every finding at its rule\'s severity (like --profile).',
        enum: [...PROFILES],
      },
      strict: {
        description: 'Rules whose findings no annotation or comment may suppress (config waivers and the baseline still can).',
        type: 'array',
        items: { $ref: '#/definitions/ruleId' },
      },
      waivers: {
        description: 'Per-object waivers: findings of `rules` on the objects matching kind, name and namespace (globs) are suppressed.',
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['rules'],
          anyOf: [{ required: ['kind'] }, { required: ['name'] }, { required: ['namespace'] }],
          properties: {
            kind: { type: 'string', minLength: 1 },
            name: { type: 'string', minLength: 1 },
            namespace: { type: 'string', minLength: 1 },
            rules: { type: 'array', minItems: 1, items: { $ref: '#/definitions/ruleId' } },
            reason: { type: 'string', description: 'Why the finding is accepted (kept in SARIF as the justification).' },
          },
        },
      },
      policies: {
        description: 'Custom policies: CEL rules of your own, defined here or in policy files (paths relative to this file) holding `policies: [...]`.',
        type: 'array',
        items: { anyOf: [{ type: 'string', minLength: 1 }, POLICY_SCHEMA] },
      },
      admissionPolicies: stringOrList(
        'Files or directories (relative to this file) with ValidatingAdmissionPolicies, their bindings and parameter objects, evaluated against the linted objects (like --policy).',
      ),
    },
    definitions: {
      severity: { enum: [...SEVERITY_SETTINGS] },
      ruleId: policyIds ? { enum: ids } : { anyOf: [{ enum: ids }, { type: 'string', pattern: POLICY_ID_PATTERN }] },
      ...(policyIds ? {} : { builtinRuleId: { description: 'A built-in rule (see daemonlint rules).', enum: builtinIds } }),
      rules: {
        description: 'Severity (off, info, warning, error) per rule id, or [severity, options] for rules with options.',
        type: 'object',
        additionalProperties: policyIds ? false : policySetting,
        ...(policyIds ? {} : { propertyNames: { pattern: POLICY_ID_PATTERN } }),
        properties: ruleEntries,
      },
    },
  };
}
