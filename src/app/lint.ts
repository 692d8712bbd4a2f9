/**
 * The application layer: what a lint of paths means, independent of who asked. The command line (src/cli.ts), the
 * GitHub Action (src/action) and programmatic callers all go through here; none of them imports another's entry point.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { allRules } from '../../rules/index.js';
import { CONFIG_NAMES, ConfigError } from '../config/find.js';
import { lintAsync, type LintOptions, type LintResult } from '../engine/lint.js';
import type { Profile } from '../engine/profile.js';
import { beginRun } from '../io/read.js';
import { PathError, displayPath, expandPaths, fromBuffer, loadFile } from '../load/files.js';
import type { ClusterSetting } from '../config/index.js';
import { leavesBoundary, repositoryOf } from '../config/source.js';
import { KUSTOMIZATION_NAMES } from '../units/kustomize/build.js';
import { planUnits, type UnitPlan } from '../units/plan.js';
import type { FailOn, Finding, Manifest, NodeInfo, Rule, SourceFile } from '../types.js';
import { DEFAULT_KUBE_VERSION, normalizeKubeVersion, supportedRange } from '../k8s/kube-version.js';
import { withinDeadline } from './deadline.js';
import { UsageError } from './errors.js';

export { UsageError } from './errors.js';

/**
 * The Kubernetes minor version a run checks against (`--kube-version`, else the config's, else the newest supported).
 * Every minor from 1.16 to 1.35 is accepted for API availability; the strict schemas stay those of 1.35.
 */
export function resolveKubeVersion(requested: string | undefined): string {
  if (requested === undefined) return DEFAULT_KUBE_VERSION;
  const normalized = normalizeKubeVersion(requested);
  if (!normalized) throw new UsageError(`--kube-version ${requested} is not supported; supported: ${supportedRange()} (as 1.N, v1.N or 1.N.P)`);
  return normalized;
}

/**
 * Load every path (and stdin) into SourceFiles. Unreadable files are reported and counted; files not read by the
 * deadline are named in `unfinished`. The caller begins the run (`beginRun`) before reading any of its inputs.
 */
export async function loadInputs(
  positionals: string[],
  opts: { cwd: string; stdinFilename?: string; readStdin: (deadline?: number) => Promise<Buffer>; deadline?: number; noIgnore?: boolean },
): Promise<{ files: SourceFile[]; readErrors: string[]; unfinished: string[] }> {
  const walkErrors: string[] = [];
  const loaded = await loadTargets(expandPaths(positionals, opts.cwd, walkErrors, { gitignore: !opts.noIgnore }), opts);
  return { files: loaded.files, readErrors: [...walkErrors, ...loaded.readErrors], unfinished: loaded.unfinished ?? [] };
}

/** Read expanded targets (absolute paths, `-` for stdin) into SourceFiles. */
export async function loadTargets(
  targets: readonly string[],
  opts: { cwd: string; stdinFilename?: string; readStdin: (deadline?: number) => Promise<Buffer>; deadline?: number },
): Promise<{ files: SourceFile[]; readErrors: string[]; unfinished?: string[] }> {
  const files: SourceFile[] = [];
  const readErrors: string[] = [];
  const late = () => opts.deadline !== undefined && Date.now() >= opts.deadline;
  const rest = (i: number) => targets.slice(i).map((x) => (x === '-' ? (opts.stdinFilename ?? '<stdin>') : displayPath(x, opts.cwd)));
  for (const [i, t] of targets.entries()) {
    // Out of time: the rest are named, not read.
    if (late()) return { files, readErrors, unfinished: rest(i) };
    if (t === '-') {
      // Bounded by the deadline too: a writer that never closes stdin does not hang the run.
      const buf = await withinDeadline(opts.readStdin(opts.deadline), opts.deadline);
      if (!buf) return { files, readErrors, unfinished: rest(i) };
      files.push(fromBuffer(buf, opts.stdinFilename ?? '<stdin>'));
      continue;
    }
    try {
      files.push(loadFile(t, opts.cwd, { deadline: opts.deadline }));
    } catch (err) {
      if (!(err instanceof PathError)) throw err;
      // A read the deadline cut short: not linted in time, like the files after it.
      if (late()) return { files, readErrors, unfinished: rest(i) };
      readErrors.push(err.message);
    }
  }
  return { files, readErrors };
}

/**
 * How a run works out its deployment units: the config's `clusters`, then Kustomize (reading bases and patches
 * outside the linted paths from disk), then directories.
 */
export function unitPlanner(opts: {
  cwd: string;
  clusters?: readonly ClusterSetting[];
  stdinFilename?: string;
  isIgnored?: (abs: string) => boolean;
  deadline?: number;
}): (files: readonly SourceFile[]) => UnitPlan {
  const absOf = (f: SourceFile) => f.absPath ?? resolve(opts.cwd, f.path === '<stdin>' ? (opts.stdinFilename ?? '<stdin>') : f.path);
  return (files) =>
    planUnits(files, {
      clusters: opts.clusters?.map((c) => ({ name: c.name, match: (f: SourceFile) => c.match(absOf(f)) })),
      display: (abs) => displayPath(abs, opts.cwd),
      // A kustomization reads only inside its repository (symbolic links resolved), as a found config does: a cloned
      // repository or a pull request cannot make daemonlint read ~/.kube/config through `resources: [../../..]`.
      // What the run was given (named, or under a directory named) is always used.
      outside: (abs, fromDir) => {
        const root = repositoryOf(fromDir, opts.cwd);
        return leavesBoundary(root, abs) ? displayPath(root, opts.cwd) : undefined;
      },
      readFile: (abs) => {
        if (opts.isIgnored?.(abs)) return undefined;
        try {
          // Through the guarded reader, with the run's deadline; not an input named by the user (no stdin advice).
          return loadFile(abs, opts.cwd, { deadline: opts.deadline, stdinHint: false });
        } catch (err) {
          if (err instanceof PathError) return undefined;
          throw err;
        }
      },
    });
}

/**
 * The nodes of the inventories `paths` (files or directories); undefined without any. `opts.within` keeps every file
 * read inside a folder (the repository of a config found there that named them).
 */
export async function loadNodes(paths: readonly string[] | undefined, cwd: string, opts: { deadline?: number; within?: string } = {}): Promise<NodeInfo[] | undefined> {
  if (!paths?.length) return undefined;
  const { loadInventory, InventoryError } = await import('../load/inventory.js');
  try {
    return loadInventory([...paths], cwd, opts);
  } catch (err) {
    if (err instanceof InventoryError || err instanceof PathError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Read admission policy files (`--policy`, config `admissionPolicies`): files or directories, relative to `cwd`. Their
 * objects are evaluated against, not linted. Missing or unreadable paths are usage errors.
 */
export function loadPolicyFiles(paths: readonly string[] | undefined, cwd: string, deadline?: number): SourceFile[] {
  if (!paths?.length) return [];
  try {
    // Through the loader, so through the guarded reader: regular files only, size limit, the run's deadline.
    return expandPaths(paths, cwd).map((abs) => loadFile(abs, cwd, { deadline }));
  } catch (err) {
    if (err instanceof PathError) throw new UsageError(`admission policies: ${err.message}`);
    throw err;
  }
}

/**
 * Admission policy files, checked: an expression that does not compile is a usage error naming its file, line and
 * column (the API server would not have stored that policy either).
 */
export async function loadAdmissionPolicies(paths: readonly string[] | undefined, cwd: string, deadline?: number): Promise<SourceFile[]> {
  const files = loadPolicyFiles(paths, cwd, deadline);
  if (!files.length) return files;
  const { admissionFileProblem } = await import('../policy/index.js');
  const problem = admissionFileProblem(files);
  if (problem) throw new UsageError(problem);
  return files;
}

/** The rules a run uses in `cwd`: the built-in ones and the custom policies of the config (for `rules`, `explain`). */
export async function rulesFor(opts: { cwd: string; config?: string; trustConfig?: boolean; noConfig?: boolean }): Promise<readonly Rule[]> {
  try {
    const { createRunConfig } = await import('../config/run.js');
    const config = await createRunConfig({ cwd: opts.cwd, rules: allRules, configFile: opts.config, trustConfigFile: opts.trustConfig, noConfig: opts.noConfig, targets: [] });
    return config.rules;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message.split(`${opts.cwd}/`).join(''));
    throw err;
  }
}

/** CustomResourceDefinitions from `--crd` / `crds:` (files or directories); a bad path is a usage error. */
export async function loadCrds(paths: readonly string[] | undefined, cwd: string, deadline?: number): Promise<Manifest[] | undefined> {
  if (!paths?.length) return undefined;
  const { loadCrdFiles, CrdFileError } = await import('../load/crds.js');
  try {
    return loadCrdFiles(paths, cwd, deadline);
  } catch (err) {
    if (err instanceof CrdFileError) throw new UsageError(err.message);
    throw err;
  }
}

export interface LintPathsOptions {
  paths: string[];
  cwd: string;
  stdinFilename?: string;
  readStdin: (deadline?: number) => Promise<Buffer>;
  /** Node inventory files (`--nodes`). */
  nodes?: string[];
  /** Admission policy files or directories (`--policy`); the config's `admissionPolicies` when absent. */
  policies?: string[];
  /** `--crd`: CustomResourceDefinition files or directories. */
  crds?: string[];
  /** `--kube-version`; the newest supported version when absent. */
  kubeVersion?: string;
  /** `--config FILE` instead of discovering `.daemonlint.yaml` files. */
  config?: string;
  /**
   * The config file was named by the user on the command line (the CLI's `--config`), so it may extend files and name
   * inventories outside its repository. The GitHub Action's `config` input names a file of the repository: not trusted.
   */
  trustConfig?: boolean;
  /** `--no-config`. */
  noConfig?: boolean;
  /** `--baseline FILE`: findings recorded there are suppressed. */
  baseline?: string;
  /** `--write-baseline FILE` (not linted itself). */
  writeBaseline?: string;
  /** `--timeout`: seconds the run may take before the files not yet linted are given up (and named). */
  timeout?: number;
  /**
   * Keep every parsed file in the result (`files`), as `--fix` needs them; otherwise a file's text is let go once it
   * is checked (src/app/pipeline.ts) and `files` is empty.
   */
  keepFiles?: boolean;
  /** `--jobs`: threads that read and check files (1: none besides the main one; default: by the amount of work). */
  jobs?: number;
  /** `--profile`: the severity profile of every file, whatever the configs say. */
  profile?: Profile;
  /** `--no-ignore`: also lint what `.gitignore` files ignore. */
  noIgnore?: boolean;
  /** `--allow-empty`: a directory without Kubernetes objects is not an error. */
  allowEmpty?: boolean;
}

/**
 * The directory arguments (the working directory when no path is given) under which no file holds a Kubernetes
 * object or anything to report: most likely the wrong directory. Files named explicitly never count.
 */
export function emptyDirectories(paths: readonly string[], cwd: string, filled: readonly string[]): string[] {
  const dirs = (paths.length ? paths : ['.']).filter((p) => {
    if (p === '-') return false;
    try {
      return statSync(resolve(cwd, p)).isDirectory();
    } catch {
      return false;
    }
  });
  return dirs.filter((d) => {
    const abs = resolve(cwd, d);
    return !filled.some((f) => f === abs || f.startsWith(abs.endsWith(sep) ? abs : abs + sep));
  });
}

/** The files (absolute paths) holding a Kubernetes object or something to report. */
function filledPaths(files: readonly SourceFile[]): string[] {
  return files.flatMap((f) => (f.absPath && (f.manifests.length || f.problems.length) ? [f.absPath] : []));
}

/** A directory argument without Kubernetes objects is most likely the wrong one: a usage error unless --allow-empty. */
function refuseEmpty(opts: LintPathsOptions, filled: readonly string[]): void {
  const empty = emptyDirectories(opts.paths, opts.cwd, filled);
  if (!empty.length) return;
  const where = empty.length === 1 ? (empty[0] === '.' ? 'the current directory' : empty[0]) : empty.join(', ');
  throw new UsageError(`no Kubernetes objects found in ${where}${opts.noIgnore ? '' : ' (files ignored by .gitignore are skipped; --no-ignore reads them)'}; name the directory or files holding your manifests, or pass --allow-empty`);
}

/**
 * Whether a run has several deployment units that are known from paths alone: config `clusters`, or a kustomization
 * among the targets or beside one of them (its build reads the target). Runs of a single plain unit go through the
 * memory-bounded pipeline, which tells afterwards whether copies of one object (alternative directories) or rendered
 * Helm output call for the per-unit lint after all.
 */
function severalUnits(targets: readonly string[], clusters: readonly ClusterSetting[] | undefined): boolean {
  if (clusters?.length) return true;
  const names: readonly string[] = KUSTOMIZATION_NAMES;
  const dirs = new Set<string>();
  for (const t of targets) {
    if (t === '-') continue;
    if (names.includes(basename(t))) return true;
    dirs.add(dirname(t));
  }
  for (const d of dirs) for (const n of names) if (existsSync(join(d, n))) return true;
  return false;
}

/** A reader of stdin that reads it once and answers again with what it read. */
function onceOnly(read: (deadline?: number) => Promise<Buffer>): (deadline?: number) => Promise<Buffer> {
  let first: Promise<Buffer> | undefined;
  return (deadline) => (first ??= read(deadline));
}

export interface LintPathsResult {
  /** The rules of the run: the built-in ones and the custom policies of its configs (reports describe them). */
  rules: readonly Rule[];
  /** The parsed files, with `keepFiles` (else empty). */
  files: SourceFile[];
  /** Files read and Kubernetes objects found (for summaries). */
  fileCount: number;
  objectCount: number;
  findings: Finding[];
  readErrors: string[];
  internalErrors: LintResult['internalErrors'];
  /** Findings waived by a suppression or the baseline (with `suppressions`; for SARIF and the summary). */
  suppressed: Finding[];
  /** `failOn` from the config, when it sets one. */
  failOn?: FailOn;
  /** Lint other versions of the files with the same settings (used by --fix). */
  relint: (files: SourceFile[]) => Promise<RunOutcome>;
  /** Files not read or not fully linted within `timeout` (display paths); their findings are left out. */
  unfinished: string[];
  /** The run's deadline (`Date.now()` value) from `timeout`, for work done after the lint (fixes, writes). */
  deadline?: number;
}

/** One lint of a set of files with a run's settings. */
export interface RunOutcome {
  findings: Finding[];
  suppressed: Finding[];
  internalErrors: LintResult['internalErrors'];
  unfinished?: string[];
}

/**
 * Load and lint paths exactly as `daemonlint [options] paths...` does. Shared by the CLI and the GitHub Action, so both
 * honour the same options. Throws UsageError for bad options.
 */
export async function lintPaths(opts: LintPathsOptions): Promise<LintPathsResult> {
  const deadline = opts.timeout === undefined ? undefined : Date.now() + opts.timeout * 1000;
  // Every file read from here on is an input of the run: the writer never overwrites one.
  beginRun();
  try {
    // Unreadable directories are reported (exit 2) while everything else is still linted.
    const walkErrors: string[] = [];
    const targets = expandPaths(opts.paths, opts.cwd, walkErrors, { gitignore: !opts.noIgnore });
    const { createRunConfig } = await import('../config/run.js');
    const ownFiles = new Set([opts.baseline, opts.writeBaseline].filter((p): p is string => !!p).map((p) => resolve(opts.cwd, p)));
    const config = await createRunConfig({ cwd: opts.cwd, rules: allRules, configFile: opts.config, trustConfigFile: opts.trustConfig, noConfig: opts.noConfig, targets, stdinFilename: opts.stdinFilename, profile: opts.profile });
    const kubeVersion = resolveKubeVersion(opts.kubeVersion ?? config.settings.kubeVersion);
    // Inventories named by a config found in a repository stay inside it (`nodesWithin`); --nodes may name any file.
    const nodes =
      opts.nodes !== undefined
        ? await loadNodes(opts.nodes, opts.cwd, { deadline })
        : await loadNodes(config.settings.nodes, opts.cwd, { deadline, within: config.settings.nodesWithin });
    const crdPaths = opts.crds ?? (config.settings.crds ? [...config.settings.crds] : undefined);
    const crds = await loadCrds(crdPaths, opts.cwd, deadline);
    const policyFiles = await loadAdmissionPolicies(opts.policies ?? config.settings.admissionPolicies, opts.cwd, deadline);
    // Config files and the baseline are daemonlint's own files, not manifests.
    const lintTargets = targets.filter((t) => t === '-' || (!config.isIgnored(t) && !CONFIG_NAMES.includes(basename(t) as never) && !ownFiles.has(t)));
    const baseline = opts.baseline ? await import('../engine/baseline.js').then((b) => ({ b, data: b.readBaseline(opts.baseline!, opts.cwd, deadline) })) : undefined;
    // Stdin cannot be read twice: what was read is kept for a second, in-memory lint of the run (see below).
    const readStdin = onceOnly(opts.readStdin);
    const withBaseline = (r: RunOutcome): RunOutcome => {
      if (!baseline) return r;
      const split = baseline.b.applyBaseline(r.findings, baseline.data, opts.cwd, opts.baseline!);
      return { findings: split.findings, suppressed: [...r.suppressed, ...split.suppressed], internalErrors: r.internalErrors, unfinished: r.unfinished };
    };
    const plan = unitPlanner({ cwd: opts.cwd, clusters: config.settings.clusters, stdinFilename: opts.stdinFilename, isIgnored: (abs) => config.isIgnored(abs), deadline });
    // `plan` serves the in-memory lint (per deployment unit); the file-by-file pipeline lints one unit.
    const lintOptions: LintOptions = { rules: config.rules, nodes, kubeVersion, crds, policyFiles, ...config.lintOptions, deadline, plan };
    const relint = async (fs: SourceFile[]): Promise<RunOutcome> => withBaseline(await lintAsync(fs, lintOptions));
    const common = { rules: config.rules, failOn: config.settings.failOn, relint, deadline };
    const inMemory = async (): Promise<LintPathsResult> => {
      const { files, readErrors, unfinished: notRead = [] } = await loadTargets(lintTargets, { cwd: opts.cwd, stdinFilename: opts.stdinFilename, readStdin, deadline });
      if (!opts.allowEmpty && !notRead.length) refuseEmpty(opts, filledPaths(files));
      const { findings, suppressed, internalErrors, unfinished = [] } = await relint(files);
      const objectCount = files.reduce((n, f) => n + f.manifests.length, 0);
      return { ...common, files, fileCount: files.length, objectCount, findings, suppressed, readErrors: [...walkErrors, ...readErrors], internalErrors, unfinished: [...unfinished, ...notRead] };
    };
    // Admission policies judge whole objects of every file against each other, and a run of several deployment units
    // (config `clusters`, a kustomization) is linted unit by unit: such runs are linted in memory.
    if (opts.keepFiles || policyFiles.length || severalUnits(lintTargets, config.settings.clusters)) return await inMemory();
    const { workerCount, lintInWorkers } = await import('./workers.js');
    const count = workerCount(lintTargets, opts.jobs);
    const out =
      count >= 2
        ? await lintInWorkers(
            lintTargets,
            count,
            { cwd: opts.cwd, configFile: opts.config, trustConfigFile: opts.trustConfig, noConfig: opts.noConfig, stdinFilename: opts.stdinFilename, crds: crdPaths, profile: opts.profile },
            { readStdin },
            lintOptions,
          )
        : await (await import('./pipeline.js')).lintInProcess(lintTargets, { cwd: opts.cwd, stdinFilename: opts.stdinFilename, readStdin }, lintOptions);
    // A ValidatingAdmissionPolicy or binding in one of several files applies to the objects of the others, which the
    // file-by-file pipeline did not show it: lint again in memory (stdin cannot be read twice, so not with stdin).
    if (out.admission && out.fileCount > 1 && !lintTargets.includes('-')) return await inMemory();
    // An object defined twice (environment copies in sibling directories, or a duplicate) or rendered Helm output
    // (findings name their templates): the run is linted again in memory, per deployment unit.
    if (out.units) return await inMemory();
    if (!opts.allowEmpty && !out.unfinished.length) refuseEmpty(opts, out.filled);
    const { findings, suppressed, internalErrors } = withBaseline(out);
    return { ...common, files: [], fileCount: out.fileCount, objectCount: out.objectCount, findings, suppressed, readErrors: [...walkErrors, ...out.readErrors], internalErrors, unfinished: out.unfinished };
  } catch (err) {
    // Config and baseline problems are usage errors: one line, exit 2.
    if (err instanceof ConfigError || (err as Error)?.name === 'BaselineError') throw new UsageError((err as Error).message.split(`${opts.cwd}/`).join(''));
    throw err;
  }
}

