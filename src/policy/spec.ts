/**
 * Custom policies as written in `.daemonlint.yaml` (`policies:`) or in the policy files it names: their JSON schema,
 * and the validated definition the rest of daemonlint works with. Nothing here compiles CEL (that happens when a run
 * builds its rules, in ./custom.ts), so reading a config stays cheap.
 */
import type { Path, PathSegment, Severity } from '../types.js';

/** Policy ids look like built-in rule ids: kebab-case. */
export const POLICY_ID_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

/** Variables a custom policy's expressions may use. */
export const POLICY_VARIABLES = ['object', 'podSpec', 'podMetadata', 'containers', 'namespaceObject', 'params'] as const;

/** Where a `path:` may start: the object itself, or the Pod template's spec or metadata (for every kind that has one). */
export const PATH_ROOTS = ['object', 'podSpec', 'podMetadata'] as const;
export type PathRoot = (typeof PATH_ROOTS)[number];

export interface FieldPath {
  root: PathRoot;
  segments: PathSegment[];
  /** As written. */
  text: string;
}

export interface PolicyOrigin {
  /** Absolute path of the file the policy is defined in. */
  file: string;
  /** Where the definition sits in that file (e.g. `['policies', 2]`). */
  path: Path;
  /** 1-based position of a key of the definition (`id`, `expression` …), or of character `offset` of its value. */
  locate(key: string, offset?: number): { line: number; column: number };
}

export interface PolicySpec {
  id: string;
  severity: Severity;
  description: string;
  rationale?: string;
  remediation?: string;
  /** Kinds the policy applies to, or `*`. */
  kinds: readonly string[] | '*';
  /** CEL: true when the object complies. */
  expression: string;
  message?: string;
  messageExpression?: string;
  /** The field findings point at; when unset, the field the expression reads (if only one), else the object. */
  path?: FieldPath;
  /** Default parameters (`params` in expressions); a config's `rules: {id: [severity, {…}]}` overrides them. */
  params: Record<string, unknown>;
  tags: readonly string[];
  origin: PolicyOrigin;
}

/** JSON schema of one policy definition. */
export const POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'description', 'kinds', 'expression'],
  anyOf: [{ required: ['message'] }, { required: ['messageExpression'] }],
  properties: {
    id: { type: 'string', pattern: POLICY_ID_PATTERN, maxLength: 80, description: 'Rule id of the policy (kebab-case; must not be a built-in rule id).' },
    severity: { enum: ['error', 'warning', 'info'], description: 'Default severity (default: warning).' },
    description: { type: 'string', minLength: 1, description: 'One line, shown by `daemonlint rules`.' },
    rationale: { type: 'string', description: 'Why it matters (shown by `daemonlint explain` and in SARIF).' },
    remediation: { type: 'string', description: 'How to fix a finding.' },
    kinds: {
      description: 'Kinds the policy applies to, or "*" for every object.',
      anyOf: [{ const: '*' }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }],
    },
    expression: {
      type: 'string',
      minLength: 1,
      description: `CEL expression that is true when the object complies. Variables: ${POLICY_VARIABLES.join(', ')}.`,
    },
    message: { type: 'string', minLength: 1, description: 'Finding message.' },
    messageExpression: { type: 'string', minLength: 1, description: 'CEL expression giving the finding message (a string); wins over message.' },
    path: {
      type: 'string',
      minLength: 1,
      description: 'The field findings point at, e.g. podSpec.priorityClassName or object.spec.replicas.',
    },
    params: { type: 'object', description: 'Parameters for the expressions (`params`).' },
    tags: { type: 'array', items: { type: 'string', minLength: 1 } },
  },
} as const;

/** JSON schema of a policy file: `policies: [...]`. */
export const POLICY_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['policies'],
  properties: {
    $schema: { type: 'string' },
    policies: { type: 'array', items: POLICY_SCHEMA },
  },
} as const;

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

/** Parse `podSpec.containers[0].image` or `object.metadata.labels['app']`; a message on error. */
export function parseFieldPath(text: string): FieldPath | string {
  const root = PATH_ROOTS.find((r) => text === r || text.startsWith(`${r}.`) || text.startsWith(`${r}[`));
  if (!root) return `must start with ${PATH_ROOTS.join(', ')} (e.g. podSpec.priorityClassName)`;
  const segments: PathSegment[] = [];
  let rest = text.slice(root.length);
  while (rest) {
    const m = SEGMENT.exec(rest);
    if (!m) return `cannot read ${JSON.stringify(rest)}: use .field, [index] or ['key']`;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4]!).replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return { root, segments, text };
}

/** A definition that passed POLICY_SCHEMA, as a spec; or the key and message of what is still wrong with it. */
export function toPolicySpec(value: Record<string, any>, origin: PolicyOrigin): PolicySpec | { key: string; message: string } {
  let path: FieldPath | undefined;
  if (typeof value.path === 'string') {
    const p = parseFieldPath(value.path);
    if (typeof p === 'string') return { key: 'path', message: p };
    path = p;
  }
  const spec: PolicySpec = {
    id: value.id,
    severity: value.severity ?? 'warning',
    description: value.description,
    kinds: value.kinds === '*' ? '*' : [...value.kinds],
    expression: value.expression,
    params: value.params ?? {},
    tags: value.tags ?? [],
    origin,
  };
  for (const k of ['rationale', 'remediation', 'message', 'messageExpression'] as const) if (typeof value[k] === 'string') spec[k] = value[k];
  if (path) spec.path = path;
  return spec;
}
