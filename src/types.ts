/**
 * Core types shared by the loader, the rules, the engine and the reporters.
 * Rules never compute line numbers: they report a path inside the object and the
 * positions module turns it into a source range.
 */
import type { TextModel } from './load/text.js';

export type Severity = 'error' | 'warning' | 'info';

/** `--fail-on`, a config's `failOn` and the Action's `fail-on`: one set of values everywhere (`none`: never fail on findings). */
export const FAIL_ON_VALUES = ['error', 'warning', 'info', 'none'] as const;
export type FailOn = (typeof FAIL_ON_VALUES)[number];

/** Report formats of a lint run: `--format`, the API and the Action's `format` (which adds `none`). */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `daemonlint coverage --format` and `--by`. */
export const COVERAGE_FORMATS = ['text', 'json', 'html'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];
export const COVERAGE_GROUPINGS = ['pool', 'node'] as const;
export type CoverageGrouping = (typeof COVERAGE_GROUPINGS)[number];

/** `daemonlint rules --format`. */
export const RULES_FORMATS = ['text', 'json'] as const;

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** One step into a parsed object: a mapping key or a sequence index. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** A 1-based source range. `endColumn` is exclusive, as in SARIF. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The identity of a Kubernetes object in reports. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string;
}

/** A change to a YAML document, expressed on object paths (relative to the object root). */
export type FixEdit =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'delete'; path: Path }
  | { op: 'move'; from: Path; to: Path };

export interface Fix {
  /** What applying the fix does, in one short sentence. */
  description: string;
  edits: FixEdit[];
  /**
   * `false` when the fix is one of several reasonable changes (the author may have meant another): editors offer it
   * as a quick fix, but `--fix` never applies it. Default: safe.
   */
  safe?: boolean;
}

/** How a finding was waived (kept in SARIF, dropped from text output). */
export interface Suppression {
  kind: 'inSource' | 'external';
  /** Where the waiver came from, e.g. `annotation`, `comment`, `config`, `baseline`. */
  source: string;
  justification?: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Key of the rule's `meta.messages` template the message was rendered from. */
  messageId?: string;
  /** Relative to the working directory, forward slashes. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Dotted path inside the object, e.g. `spec.template.spec.containers[0].image`; empty for file-level findings. */
  path: string;
  object?: ObjectRef;
  related?: RelatedLocation[];
  fix?: Fix;
  suppressions?: Suppression[];
  /** Index of the YAML document holding the object (set for object findings; lets a fix find its document). */
  docIndex?: number;
  /** The deployment units a cross-resource finding was made in, when the run has more than one (see src/units). */
  units?: string[];
  /** Path of the object inside its document (`[]`, or `['items', i]` in a List); fix paths are relative to it. */
  base?: Path;
}

/** Where a finding should land on the YAML node found at its path. */
export type Anchor = 'key' | 'value' | 'node';

export interface RelatedReport {
  manifest: Manifest;
  path: Path;
  message: string;
  at?: Anchor;
}

/** Values for the `{{name}}` placeholders of a message template. */
export type MessageData = Readonly<Record<string, string | number>>;

/** What a rule passes to `ctx.report`. */
export interface Report {
  /** Path inside the object; a missing field resolves to its nearest existing parent. */
  path: Path;
  /** Key of `meta.messages`: the engine renders that template with `data`. */
  messageId: string;
  data?: MessageData;
  /** `key` (default): the key of a mapping entry; `value`: its value; `node`: key through value. */
  at?: Anchor;
  /** Overrides the rule's configured severity for this one finding (e.g. info for a weaker variant). */
  severity?: Severity;
  /**
   * The finding is the expected posture of what the object is for (a privileged CNI agent, a hostNetwork network agent,
   * hostPID for a node monitor): reported at info in the default profile, at the configured severity in the strict
   * profile (src/engine/profile.ts). A severity set by the user's config wins either way.
   */
  expected?: boolean;
  related?: RelatedReport[];
  fix?: Fix;
}

/** A Kubernetes object found in a source file. */
export interface Manifest {
  file: SourceFile;
  /** Index of the YAML document inside the file. */
  docIndex: number;
  /** Path of the object inside its document: `[]`, or `['items', i]` for an item of a List. */
  base: Path;
  /** The object as kubectl would decode it (YAML 1.1 scalars). */
  object: Record<string, any>;
  ref: ObjectRef;
  /** `namespace` or `default`. */
  namespace: string;
  /**
   * Set on an object built for a deployment unit (the output of a Kustomize build): `file`, `docIndex` and `base`
   * name the resource it was built from, `object` is the result, and the trace says where each part of it was
   * written (the resource, a patch, the kustomization).
   */
  trace?: Trace;
  /** A partial object (a Kustomize patch): only what it contains is checked, never what it leaves out. */
  partial?: boolean;
}

/** A node of a source file: an object of one of its documents, and a path inside that object. */
export interface Origin {
  file: SourceFile;
  docIndex: number;
  /** Path of the object inside its document (as `Manifest.base`). */
  base: Path;
  path: Path;
}

/** Where the parts of a built object come from. */
export interface Trace {
  /** The source node behind `path` of the built object (the deepest node of the path that exists). */
  origin(object: Record<string, any>, path: Path): Origin;
}

/** A problem found while reading a file (not tied to an object). */
export interface LoadProblem {
  ruleId: string;
  severity?: Severity;
  message: string;
  range: Range;
  /** The reporting rule's message id and its data, when the rule has several messages (else the rule words it from `message`). */
  messageId?: string;
  data?: MessageData;
}

/** How a file is named in a run: enough for per-file settings (config) and reports. */
export interface FileRef {
  /** Display path: relative to cwd, forward slashes (or the --stdin-filename). */
  path: string;
  /** Absolute path on disk; absent for stdin. */
  absPath?: string;
}

export interface SourceFile {
  /** Display path: relative to cwd, forward slashes (or the --stdin-filename). */
  path: string;
  /** Absolute path on disk; absent for stdin. */
  absPath?: string;
  text: string;
  /** The file's text model: line index, offset↔position conversion, parsed documents (src/load/text.ts). */
  readonly model: TextModel;
  manifests: Manifest[];
  problems: LoadProblem[];
  /** Resolve an object path (inside document `docIndex`) to a source range. */
  locate(docIndex: number, path: Path, at?: Anchor): Range;
  /** Number of lines in the file. */
  lineCount: number;
}

/** A node of the cluster, from a `--nodes` inventory. */
export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  /** Where the node was defined (for related locations). */
  manifest?: Manifest;
}

export interface RunContext {
  manifests: readonly Manifest[];
  files: readonly SourceFile[];
  /**
   * Objects of the admission policy files (`--policy`, config `admissionPolicies`): policies, bindings, parameter
   * and Namespace objects that admission-policy evaluates against the linted objects. Not linted themselves.
   */
  policyManifests?: readonly Manifest[];
  /** Node inventory, when `--nodes` was given. */
  nodes?: readonly NodeInfo[];
  kubeVersion: string;
  /** CustomResourceDefinitions given with `--crd` or `crds:` in config (read, not linted). */
  crds?: readonly Manifest[];
  /**
   * Every CustomResourceDefinition of the whole run, those of the linted files first (in run order), then `crds`. Set
   * when `manifests` holds only part of the run (a file checked on its own, src/app/pipeline.ts): the CRD index is
   * then built from it, so a custom resource is checked against a CRD in another file as in a run of all files.
   */
  runCrds?: readonly Manifest[];
  /**
   * Objects no Kubernetes API would recognise (an apiVersion no version serves, a kind its apiVersion never had), each
   * with the id of the rule that reports it. Other rules do not lint them (unless that rule is off for the file): what
   * they would say assumes an object the API server accepts. Filled by rules' `prepare()`.
   */
  unrecognized: Map<Manifest, string>;
  /** Scratch space for cross-resource rules to cache per-run indexes. */
  cache: Map<string, unknown>;
  /**
   * For cross-resource rules: the deployment unit whose objects `manifests` holds (one object per identity, the
   * last definition). Absent in the run that per-object rules see.
   */
  unit?: UnitContext;
  /** Problems met while working out the deployment units (a kustomization that cannot be built), by file. */
  unitProblems?: ReadonlyMap<SourceFile, readonly LoadProblem[]>;
}

/** A deployment unit as cross-resource rules see it. */
export interface UnitContext {
  /** Shown in findings when the run has more than one unit. */
  name: string;
  /** Definitions replaced by a later one with the same identity within the unit, keyed by the one that won. */
  shadowed: ReadonlyMap<Manifest, readonly Manifest[]>;
}

export interface RuleContext {
  manifest: Manifest;
  object: Record<string, any>;
  run: RunContext;
  options: Record<string, unknown>;
  report(r: Report): void;
}

export interface FileRuleContext {
  file: SourceFile;
  run: RunContext;
  options: Record<string, unknown>;
  report(p: { messageId: string; data?: MessageData; range: Range; severity?: Severity }): void;
}

export interface RuleMeta {
  /** kebab-case; equals the file name, the fixture folder, the document docs/rules/<id>.md and the README anchor. */
  id: string;
  severity: Severity;
  /**
   * One line, shown by `daemonlint rules`. Why it matters, how to fix it and examples are in the rule's documentation,
   * docs/rules/<id>.md (src/rule-docs.ts).
   */
  description: string;
  /** Kinds the rule applies to, or `*` for every object. */
  kinds: readonly string[] | '*';
  tags: readonly string[];
  /** 0.0–10.0 for security rules (GitHub code scanning's security-severity). */
  securitySeverity?: number;
  /**
   * Message templates by id: `ctx.report({ messageId, data })` renders one, replacing each `{{name}}` with
   * `data.name`. The wording of every finding lives here.
   */
  messages: Readonly<Record<string, string>>;
  /** True when the rule can offer a fix. */
  fixable?: boolean;
  /** JSON schema for the rule's options object. */
  optionsSchema?: Record<string, unknown>;
  /**
   * Set for a custom policy defined in a config or policy file. It has no document in docs/rules and no page on the
   * project site: its documentation is Markdown in the same outline (title, summary, Why, How to fix …) built from
   * its definition.
   */
  custom?: { documentation: string };
}

export interface Rule {
  meta: RuleMeta;
  /** Called once per run before any check, e.g. to load what the run's objects need (lazily, asynchronously). */
  prepare?(run: RunContext): Promise<void> | void;
  /** Called once per object whose kind is in `meta.kinds`. */
  check?(ctx: RuleContext): void;
  /** Called once per file (for rules about the file itself, such as YAML syntax). */
  checkFile?(ctx: FileRuleContext): void;
}
