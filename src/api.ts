/**
 * The programmatic API (`import { lint } from 'daemonlint'`): lint files as `daemonlint [options] paths...` does and
 * get the findings back, with the exit code the command line would give. A thin layer over the application layer
 * (src/app/); its types are declared here, self-contained, and shipped as dist/index.d.ts.
 */
import { UsageError, lintPaths } from './app/lint.js';
import { verdictOf, verdictReason } from './app/verdict.js';
import { PROFILES } from './engine/profile.js';
import { PathError } from './load/files.js';
import { FAIL_ON_VALUES, type Finding as InternalFinding } from './types.js';
import { VERSION } from './version.js';

export type Severity = 'error' | 'warning' | 'info';

/** One problem daemonlint found, at the exact YAML node. Lines and columns are 1-based; `endColumn` is exclusive. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Which message template of the rule the message was made from. */
  messageId?: string;
  /** Relative to `cwd`, forward slashes. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Dotted path inside the object, e.g. `spec.template.spec.containers[0].image`; empty for file-level findings. */
  path: string;
  object?: { apiVersion: string; kind: string; namespace?: string; name?: string };
  related?: { file: string; line: number; column: number; endLine?: number; endColumn?: number; message: string }[];
  /** A fix exists (`daemonlint --fix` applies it unless `safe` is false). */
  fix?: { description: string; safe: boolean };
  /** The deployment units a cross-resource finding was made in, when the run has more than one. */
  units?: string[];
  /** How a suppressed finding was waived (only in `suppressed`). */
  suppressions?: { kind: 'inSource' | 'external'; source: string; justification?: string }[];
}

export interface LintOptions {
  /** Folder the paths are relative to, and where config discovery starts (default: the process's working directory). */
  cwd?: string;
  /** A config file to use instead of discovering `.daemonlint.yaml` files (`--config`). */
  config?: string;
  /** Ignore config files (`--no-config`). */
  noConfig?: boolean;
  /** Node inventories (`--nodes`). */
  nodes?: string[];
  /** CustomResourceDefinition files or directories (`--crd`). */
  crds?: string[];
  /** Kubernetes version (`--kube-version`). */
  kubeVersion?: string;
  /** A baseline file (`--baseline`): its findings are returned as suppressed. */
  baseline?: string;
  /** `--fail-on`: what makes `exitCode` 1 (default: the config's failOn, else error). */
  failOn?: Severity | 'none';
  /** `--profile`: `default` reports an agent's expected posture at info, `strict` at the rule's severity (default: the config's profile, else default). */
  profile?: 'default' | 'strict';
  /** Time budget in seconds (`--timeout`, default 300). */
  timeout?: number;
  /** Also lint what `.gitignore` files ignore when walking directories (`--no-ignore`). */
  noIgnore?: boolean;
  /** A directory without Kubernetes objects is not an error (`--allow-empty`); otherwise lint() rejects with a LintError. */
  allowEmpty?: boolean;
}

export interface LintReport {
  /** What `daemonlint` would report, sorted by file, line, column and rule. */
  findings: Finding[];
  /** Findings waived by a comment, an annotation, a config waiver or the baseline. */
  suppressed: Finding[];
  /** Files and Kubernetes objects read. */
  files: number;
  objects: number;
  /** Problems that make the run incomplete: unreadable paths, files not linted in time, internal errors (one line each). */
  errors: string[];
  /** The command line's exit code for this run: 0, 1 (findings at or above failOn) or 2 (`errors` is not empty). */
  exitCode: 0 | 1 | 2;
  /** Why the run passed or failed, as the text report's summary line ends ('' for a clean pass). */
  reason: string;
}

/** A bad option, config file or baseline: the message is the one line the command line prints. */
export class LintError extends Error {
  override name = 'LintError';
}

export const version: string = VERSION;

function publicFinding(f: InternalFinding): Finding {
  const out: Finding = { ruleId: f.ruleId, severity: f.severity, message: f.message, file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, path: f.path };
  if (f.messageId) out.messageId = f.messageId;
  if (f.object) out.object = { ...f.object };
  if (f.related?.length) out.related = f.related.map((r) => ({ ...r }));
  if (f.units?.length) out.units = [...f.units];
  if (f.fix) out.fix = { description: f.fix.description, safe: f.fix.safe !== false };
  if (f.suppressions?.length) out.suppressions = f.suppressions.map((s) => ({ ...s }));
  return out;
}

/**
 * Lint files, directories (recursively) and globs, as `daemonlint [options] paths...` does (stdin is not read: `-`
 * is not a path here). Resolves with the findings; rejects with a LintError for a bad option, config or baseline.
 */
export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<LintReport> {
  if (paths.includes('-')) throw new LintError('"-" (stdin) is not supported by lint(); pass file paths');
  if (options.failOn !== undefined && !(FAIL_ON_VALUES as readonly string[]).includes(options.failOn)) throw new LintError(`failOn must be one of ${FAIL_ON_VALUES.join(', ')} (got "${options.failOn}")`);
  if (options.profile !== undefined && !(PROFILES as readonly string[]).includes(options.profile)) throw new LintError(`profile must be one of ${PROFILES.join(', ')} (got "${options.profile}")`);
  const timeout = options.timeout ?? 300;
  if (!(timeout > 0)) throw new LintError(`timeout must be a number of seconds above 0 (got ${timeout})`);
  try {
    const r = await lintPaths({
      paths: [...paths],
      cwd: options.cwd ?? process.cwd(),
      readStdin: async () => Buffer.alloc(0),
      config: options.config,
      trustConfig: true,
      noConfig: options.noConfig,
      nodes: options.nodes,
      crds: options.crds,
      kubeVersion: options.kubeVersion,
      baseline: options.baseline,
      profile: options.profile,
      timeout,
      noIgnore: options.noIgnore,
      allowEmpty: options.allowEmpty,
    });
    const failOn = options.failOn ?? r.failOn ?? 'error';
    const verdict = verdictOf({ findings: r.findings, failOn, readErrors: r.readErrors.length, internalErrors: r.internalErrors.length, unfinished: r.unfinished.length, timeout });
    const errors = [
      ...r.readErrors,
      ...r.internalErrors.map((e) => `internal error in rule ${e.ruleId} on ${e.file}: ${(e.error as Error)?.message ?? e.error}`),
      ...(r.unfinished.length ? [`the time budget of ${timeout} s ran out; not linted: ${r.unfinished.join(', ')}`] : []),
    ];
    return {
      findings: r.findings.map(publicFinding),
      suppressed: r.suppressed.map(publicFinding),
      files: r.fileCount,
      objects: r.objectCount,
      errors,
      exitCode: verdict.exitCode,
      reason: verdictReason(verdict, r.findings.length > 0),
    };
  } catch (err) {
    if (err instanceof UsageError || err instanceof PathError) throw new LintError((err as Error).message);
    throw err;
  }
}
