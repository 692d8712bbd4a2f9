/**
 * Linting one editor buffer the way the CLI lints the file on disk: the nearest config file applies (severities,
 * options, strict rules, waivers, ignore globs, kubeVersion, nodes), and cross-resource rules see the other
 * manifests of the workspace folder. Fixes are the ones `--fix` applies.
 */
import { dirname } from 'node:path';
import { allRules } from '../../rules/index.js';
import { loadAdmissionPolicies, unitPlanner } from '../app/lint.js';
import { ConfigError, findConfigFile, loadConfigFor, type ResolvedConfig } from '../config/index.js';
import { runRules } from '../config/run.js';
import { DEFAULT_KUBE_VERSION, lint, prepareRules, prepareRun, type LintOptions, type LintResult } from '../engine/lint.js';
import { DEFAULT_PROFILE } from '../engine/profile.js';
import { normalizeKubeVersion } from '../k8s/kube-version.js';
import type { Waiver } from '../engine/suppress.js';
import { applyFixes } from '../fix/apply.js';
import { fixUntilStable } from '../fix/run.js';
import { displayPath } from '../load/files.js';
import { loadCrdFiles } from '../load/crds.js';
import { isJsonInput } from '../load/json.js';
import { loadInventory } from '../load/inventory.js';
import type { Finding, Manifest, NodeInfo, Rule, SourceFile } from '../types.js';
import type { Folder } from './workspace.js';

export interface LintSettings {
  /** From the client's initializationOptions; a config file's `kubeVersion` wins. */
  kubeVersion?: string;
  /** Absolute node inventory paths from initializationOptions; a config file's `nodes` win. */
  nodes?: string[];
  /** Absolute CustomResourceDefinition paths from initializationOptions; a config file's `crds` win. */
  crds?: string[];
}

export type BufferLint =
  /** `rules`: the built-in rules and the custom policies of the buffer's config. */
  | { kind: 'linted'; result: LintResult; rules: readonly Rule[] }
  /** The nearest config file excludes the file (`ignore`): the CLI does not lint it either. */
  | { kind: 'ignored' }
  /** The config file (or a node inventory) is broken: the one problem to show. */
  | { kind: 'config-error'; message: string };

/** The config of a file on disk, or undefined (no config file, or not a file on disk). */
function configOf(abs: string | undefined): ResolvedConfig | undefined {
  if (!abs) return undefined;
  if (!findConfigFile(dirname(abs))) return undefined;
  return loadConfigFor(abs, allRules);
}

/** Like configOf, but a broken config of *another* file only means that file is linted with defaults. */
function quietConfigOf(abs: string | undefined): ResolvedConfig | undefined {
  try {
    return configOf(abs);
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

type ConfigLookup = (abs: string | undefined) => ResolvedConfig | undefined;

/**
 * quietConfigOf memoised per directory for the length of one lint: the rules ask for every (rule, file) pair and
 * the config search walks up to the root on each call, which would otherwise dominate a re-lint.
 */
function memoConfigLookup(): ConfigLookup {
  const byDir = new Map<string, ResolvedConfig | undefined>();
  return (abs) => {
    if (!abs) return undefined;
    const dir = dirname(abs);
    if (byDir.has(dir)) return byDir.get(dir);
    const c = quietConfigOf(abs);
    byDir.set(dir, c);
    return c;
  };
}

/** What a buffer is linted with, from its config: the rules (custom policies included) and admission policy files. */
interface Setup {
  config: ResolvedConfig | undefined;
  nodes: NodeInfo[] | undefined;
  crds: Manifest[] | undefined;
  rules: readonly Rule[];
  policyFiles: SourceFile[];
}

export class BufferLinter {
  private readonly inventories = new Map<string, NodeInfo[]>();
  private readonly policyFiles = new Map<string, SourceFile[]>();
  private readonly definitions = new Map<string, Manifest[]>();

  constructor(private readonly settings: LintSettings) {}

  /** The nodes of inventories (files or directories); `within`: the repository a found config's `nodes` stay in. */
  private nodes(paths: readonly string[] | undefined, within?: string): NodeInfo[] | undefined {
    if (!paths?.length) return undefined;
    const key = `${within ?? ''}\0${paths.join('\0')}`;
    let n = this.inventories.get(key);
    if (!n) this.inventories.set(key, (n = loadInventory([...paths], '/', { within })));
    return n;
  }

  private crds(paths: readonly string[] | undefined): Manifest[] | undefined {
    if (!paths?.length) return undefined;
    const key = paths.join('\0');
    let c = this.definitions.get(key);
    if (!c) this.definitions.set(key, (c = loadCrdFiles(paths, '/')));
    return c;
  }

  /** Forget cached inventories, CRDs and policy files (a file changed). */
  reset(): void {
    this.inventories.clear();
    this.definitions.clear();
    this.policyFiles.clear();
  }

  /** The config, node inventory, CRDs, rules and admission policy files for a buffer; throws on a broken config. */
  private async setup(self: SourceFile, root: string): Promise<Setup> {
    const config = configOf(self.absPath);
    const nodes = config?.nodes ? this.nodes(config.nodes, config.nodesWithin) : this.nodes(this.settings.nodes);
    const crds = this.crds(config?.crds ?? this.settings.crds);
    const rules = config ? await runRules(allRules, [config], root) : allRules;
    const paths = config?.admissionPolicies ?? [];
    const key = paths.join('\0');
    let policyFiles = this.policyFiles.get(key);
    if (!policyFiles) this.policyFiles.set(key, (policyFiles = await loadAdmissionPolicies(paths, root)));
    return { config, nodes, crds, rules, policyFiles };
  }

  private options(folder: Folder | undefined, configFor: ConfigLookup): Pick<LintOptions, 'severity' | 'options' | 'strict' | 'waivers' | 'profile'> {
    const shown = new WeakMap<Waiver, Waiver>();
    return {
      severity: (ruleId, file) => configFor(file.absPath)?.severity(ruleId, file.absPath!),
      options: (ruleId, file) => configFor(file.absPath)?.options(ruleId, file.absPath!),
      strict: (ruleId, file) => configFor(file.absPath)?.isStrict(ruleId) ?? false,
      profile: (file) => configFor(file.absPath)?.profile ?? DEFAULT_PROFILE,
      waivers: (file) =>
        (configFor(file.absPath)?.waivers ?? []).map((w) => {
          let d = shown.get(w);
          if (!d) shown.set(w, (d = folder ? { ...w, origin: { ...w.origin, file: displayPath(w.origin.file, folder.root) } } : w));
          return d;
        }),
    };
  }

  /**
   * Lint a parsed buffer. `others` are the rest of the folder (cross-resource rules see them). Resolves with the
   * findings of the buffer only. `stillCurrent` is asked after the asynchronous rule preparation: when it says no,
   * the lint stops and resolves undefined.
   */
  async lint(self: SourceFile, folder: Folder | undefined, stillCurrent: () => boolean = () => true): Promise<BufferLint | undefined> {
    let setup: Setup;
    try {
      setup = await this.setup(self, folder?.root ?? process.cwd());
    } catch (err) {
      // A broken config, node inventory or admission policy file: the one problem to show.
      return { kind: 'config-error', message: (err as Error).message };
    }
    const { config } = setup;
    if (config && self.absPath && config.isIgnored(self.absPath)) return { kind: 'ignored' };
    const configFor = memoConfigLookup();
    const files = folder ? folder.files(self).filter((f) => f === self || !f.absPath || !configFor(f.absPath)?.isIgnored(f.absPath)) : [self];
    const result = await this.run(self, files, folder, setup, stillCurrent, configFor);
    return result && { kind: 'linted', result, rules: setup.rules };
  }

  private async run(self: SourceFile, files: SourceFile[], folder: Folder | undefined, setup: Setup, stillCurrent: () => boolean, configFor: ConfigLookup = memoConfigLookup()): Promise<LintResult | undefined> {
    const { config, nodes, crds, rules, policyFiles } = setup;
    // The deployment units of the workspace, worked out as the CLI does: cross-resource rules compare the buffer's
    // objects only with what is applied together with them.
    const plan = unitPlanner({ cwd: folder?.root ?? (self.absPath ? dirname(self.absPath) : '/'), clusters: config?.clusters, isIgnored: (abs) => !!configFor(abs)?.isIgnored(abs) });
    const kubeVersion = (config?.kubeVersion && normalizeKubeVersion(config.kubeVersion)) || this.settings.kubeVersion || DEFAULT_KUBE_VERSION;
    const opts: LintOptions = { rules, nodes, crds, policyFiles, kubeVersion, ...this.options(folder, configFor), plan };
    const prepared = prepareRun(files, opts);
    await prepareRules(prepared, rules);
    if (!stillCurrent()) return undefined;
    const r = lint(files, opts, prepared, new Set([self]));
    const mine = (fs: Finding[]) => fs.filter((f) => f.file === self.path);
    return { findings: mine(r.findings), suppressed: mine(r.suppressed), internalErrors: r.internalErrors };
  }

  /** The text after one finding's fix (safe or not: an editor offers both, `--fix` applies only safe ones). */
  fixOne(file: SourceFile, f: Finding): string {
    if (!f.fix || f.docIndex === undefined) return file.text;
    return applyFixes(file.text, [{ docIndex: f.docIndex, base: f.base ?? [], fix: f.fix }], { json: isJsonInput(file.path, file.text) });
  }

  /** The text `daemonlint --fix` would write for this buffer: safe fixes, re-linted until stable. */
  async fixAll(self: SourceFile, folder: Folder | undefined): Promise<string> {
    let setup: Setup;
    try {
      setup = await this.setup(self, folder?.root ?? process.cwd());
    } catch {
      return self.text;
    }
    const others = folder ? folder.files(self).slice(1) : [];
    const outcome = await fixUntilStable([self], async ([cur]) => (await this.run(cur!, [cur!, ...others], folder, setup, () => true))!);
    return outcome.files[0]!.text;
  }
}
