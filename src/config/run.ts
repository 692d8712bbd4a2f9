/**
 * The configuration of one CLI run: which config applies to each linted file, which files are ignored, and the
 * run-wide settings (kubeVersion, nodes, crds, failOn). The validating loader (and ajv) is loaded only when a config file
 * exists or `--config` is given.
 */
import { dirname, resolve } from 'node:path';
import type { LintOptions } from '../engine/lint.js';
import { DEFAULT_PROFILE, type Profile } from '../engine/profile.js';
import type { Waiver } from '../engine/suppress.js';
import { displayPath } from '../load/files.js';
import type { PolicySpec } from '../policy/spec.js';
import type { FailOn, FileRef, Rule } from '../types.js';
import { ConfigError, findConfigFile } from './find.js';
import type { ClusterSetting, ResolvedConfig } from './index.js';

export interface RunConfigOptions {
  cwd: string;
  /** The rules of the run: a config may only name these. */
  rules: readonly Rule[];
  /** `--config FILE`: used for every file instead of discovery. */
  configFile?: string;
  /** The user named `configFile` on the command line: it may name files outside its repository. */
  trustConfigFile?: boolean;
  /** `--no-config`: no config at all. */
  noConfig?: boolean;
  /** Absolute paths of the files to lint (`-` for stdin). */
  targets: readonly string[];
  /** `--stdin-filename`: stdin is configured as if it were this file (relative to cwd). */
  stdinFilename?: string;
  /** `--profile`: the severity profile of every file, whatever the configs say. */
  profile?: Profile;
}

export interface RunConfig {
  /** Run-wide settings: from `--config`, else the working directory's config, else the one config every file shares. */
  settings: { kubeVersion?: string; nodes?: readonly string[]; nodesWithin?: string; crds?: readonly string[]; admissionPolicies?: readonly string[]; failOn?: FailOn; file?: string; clusters?: readonly ClusterSetting[] };
  /** The rules of the run: the built-in ones, then the custom policies of every config read (compiled). */
  rules: readonly Rule[];
  /** True when the file (absolute path) is excluded by an `ignore` glob of its config. */
  isIgnored(abs: string): boolean;
  /** Per-file severities, options, strict rules and waivers for the engine. */
  lintOptions: Pick<LintOptions, 'severity' | 'options' | 'strict' | 'waivers' | 'profile'>;
}

/**
 * The rules of a run: the given ones and the custom policies of its configs. The policy code (and CEL) is loaded only
 * when a config defines policies. Throws ConfigError when two configs define one id differently or an expression does
 * not compile.
 */
export async function runRules(rules: readonly Rule[], configs: Iterable<ResolvedConfig>, cwd: string): Promise<readonly Rule[]> {
  const specs = new Map<string, PolicySpec>();
  for (const c of configs) {
    for (const p of c.policies) {
      const other = specs.get(p.id);
      if (other && other !== p) {
        const at = (s: PolicySpec) => `${displayPath(s.origin.file, cwd)}:${s.origin.locate('id').line}`;
        throw new ConfigError(`policy "${p.id}" is defined twice, at ${at(other)} and at ${at(p)}; give one of them another id`);
      }
      specs.set(p.id, p);
    }
  }
  if (!specs.size) return rules;
  const { policyRules } = await import('../policy/index.js');
  const built = policyRules([...specs.values()], (abs) => displayPath(abs, cwd));
  if ('error' in built) throw new ConfigError(built.error);
  return [...rules, ...built.rules];
}

/** The options of a run without config files: only `--profile`, if given. */
function noConfig(rules: readonly Rule[], profile: Profile | undefined): RunConfig {
  const none: RunConfig = { settings: {}, rules, isIgnored: () => false, lintOptions: {} };
  return profile ? { ...none, lintOptions: { profile: () => profile } } : none;
}

/** Build a run's configuration. Throws ConfigError for a broken config file. */
export async function createRunConfig(opts: RunConfigOptions): Promise<RunConfig> {
  if (opts.noConfig) return noConfig(opts.rules, opts.profile);
  const stdinAbs = resolve(opts.cwd, opts.stdinFilename ?? '<stdin>');
  const absTargets = opts.targets.map((t) => (t === '-' ? stdinAbs : t));
  if (!opts.configFile) {
    const dirs = new Set([opts.cwd, ...absTargets.map((t) => dirname(t))]);
    const found = new Set<string>();
    for (const d of dirs) {
      const f = findConfigFile(d);
      if (f) found.add(f);
    }
    if (!found.size) return noConfig(opts.rules, opts.profile);
  }
  const { loadConfigFile, loadConfigFor } = await import('./index.js');
  const fixed = opts.configFile ? loadConfigFile(resolve(opts.cwd, opts.configFile), opts.rules, { trusted: opts.trustConfigFile }) : undefined;
  // One lookup per directory and run: a later run in the same process (the exported API) sees edited config files.
  const byDir = new Map<string, ResolvedConfig>();
  const configFor = (abs: string): ResolvedConfig => fixed ?? loadConfigFor(abs, opts.rules, byDir);
  const absOf = (file: FileRef): string => file.absPath ?? (file.path === (opts.stdinFilename ?? '<stdin>') ? stdinAbs : resolve(opts.cwd, file.path));

  // Read every config now, so a broken one is reported before anything is linted.
  const configs = new Set<ResolvedConfig>();
  for (const t of absTargets) configs.add(configFor(t));
  let runLevel = fixed ?? configFor(resolve(opts.cwd, 'any-file'));
  if (!runLevel.file) {
    const shared = new Set(absTargets.map((t) => configFor(t).file));
    if (shared.size === 1) runLevel = configFor(absTargets[0]!);
  }
  configs.add(runLevel);
  const rules = await runRules(opts.rules, configs, opts.cwd);
  // Waivers are reported at their config file's display path; one copy per waiver keeps their identity.
  const shown = new WeakMap<Waiver, Waiver>();
  const display = (w: Waiver): Waiver => {
    let d = shown.get(w);
    if (!d) shown.set(w, (d = { ...w, origin: { ...w.origin, file: displayPath(w.origin.file, opts.cwd) } }));
    return d;
  };
  return {
    settings: { kubeVersion: runLevel.kubeVersion, nodes: runLevel.nodes, nodesWithin: runLevel.nodesWithin, crds: runLevel.crds, admissionPolicies: runLevel.admissionPolicies, failOn: runLevel.failOn, file: runLevel.file, clusters: runLevel.clusters },
    rules,
    isIgnored: (abs) => configFor(abs).isIgnored(abs),
    lintOptions: {
      severity: (ruleId, file) => {
        const abs = absOf(file);
        return configFor(abs).severity(ruleId, abs);
      },
      options: (ruleId, file) => {
        const abs = absOf(file);
        return configFor(abs).options(ruleId, abs);
      },
      strict: (ruleId, file) => configFor(absOf(file)).isStrict(ruleId),
      waivers: (file) => configFor(absOf(file)).waivers.map(display),
      profile: (file) => opts.profile ?? configFor(absOf(file)).profile ?? DEFAULT_PROFILE,
    },
  };
}
