/**
 * Configuration: `.daemonlint.yaml` (or `.yml`, `.json`) files, found from a linted file's directory upward to the
 * repository root (a directory holding `.git`) or the filesystem root. The nearest file wins; it may `extends` others.
 * Config files are data only: nothing from the linted repository is ever imported or executed.
 *
 * For the language server and other callers: {@link loadConfigFor} (cached per directory), {@link loadConfigFile}
 * (an explicit `--config`), {@link clearConfigCache} (after a config file changed), and the {@link ResolvedConfig}
 * they return. Problems are thrown as {@link ConfigError} with a one-line `file:line:column: key: message`.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Minimatch } from 'minimatch';
import { describeFsError } from '../io/read.js';
import type { SeveritySetting } from '../engine/lint.js';
import type { Profile } from '../engine/profile.js';
import type { Waiver } from '../engine/suppress.js';
import type { PolicySpec } from '../policy/spec.js';
import type { FailOn, Rule } from '../types.js';
import { CONFIG_NAMES, ConfigError, findConfigFile } from './find.js';
import { checkPolicyIds, definedAt, inlinePolicies, preReadPolicies } from './policies.js';
import { configSchema } from './schema.js';
import { CONFIG_KEYS, configBoundary, readSource, referenceRefused } from './source.js';
import { validateSource } from './validate.js';

export { MAX_CONFIG_BYTES, configBoundary } from './source.js';

export { CONFIG_NAMES, ConfigError, findConfigFile } from './find.js';

/** A rule's setting in a config: its severity and, for rules that take them, options. */
export interface RuleSetting {
  severity: SeveritySetting;
  options?: Record<string, unknown>;
}

/** The configuration that applies to the files of one directory. */
export interface ResolvedConfig {
  /** The config file that applies (the nearest one, or `--config`); undefined when there is none. */
  file?: string;
  /** Every config file read for it: extended files first, `file` last. */
  files: readonly string[];
  /** The configured severity of a rule for a file (absolute path), or undefined for the rule's default. */
  severity(ruleId: string, filePath: string): SeveritySetting | undefined;
  /** The configured options of a rule for a file (absolute path). */
  options(ruleId: string, filePath: string): Record<string, unknown> | undefined;
  /** True when an `ignore` glob excludes the file (absolute path) from linting. */
  isIgnored(filePath: string): boolean;
  /** True when a rule is `strict`: no annotation or comment may suppress it. */
  isStrict(ruleId: string): boolean;
  /** Per-object waivers (`origin.file` is the absolute path of the config file). */
  waivers: readonly Waiver[];
  /**
   * Custom policies defined by this config and those it extends. A policy defined by another config is off for the
   * files of this one (`severity` says `off`).
   */
  policies: readonly PolicySpec[];
  kubeVersion?: string;
  /** Node inventories, absolute paths. */
  nodes?: readonly string[];
  /** Files and directories with admission policies (`admissionPolicies`), absolute paths. */
  admissionPolicies?: readonly string[];
  /**
   * The folder every file read for `nodes` must stay inside (symbolic links resolved) when a config found in a
   * repository set them: a directory of Node manifests may hold links out of the repository.
   */
  nodesWithin?: string;
  /** CustomResourceDefinition files or directories, absolute paths. */
  crds?: readonly string[];
  failOn?: FailOn;
  /** The severity profile (`profile`), when a config file sets one. */
  profile?: Profile;
  /** Deployment units declared in `clusters`: a name and whether a file (absolute path) belongs to it. */
  clusters?: readonly ClusterSetting[];
}

/** One `clusters` entry. */
export interface ClusterSetting {
  name: string;
  match: (abs: string) => boolean;
}

/** One config file after validation, with paths resolved against its directory. */
interface Layer {
  file: string;
  dir: string;
  rules: Map<string, RuleSetting>;
  /** Globs are matched against the prefixes of a file's path relative to `dir` (see relativePrefixes). */
  overrides: { match: (prefixes: readonly string[]) => boolean; rules: Map<string, RuleSetting> }[];
  ignore: ((prefixes: readonly string[]) => boolean)[];
  strict: string[];
  waivers: Waiver[];
  /** Policies defined here (inline or in the policy files named here). */
  policies: PolicySpec[];
  kubeVersion?: string;
  nodes?: string[];
  admissionPolicies?: string[];
  /** See ResolvedConfig.nodesWithin. */
  nodesWithin?: string;
  crds?: string[];
  failOn?: FailOn;
  clusters?: ClusterSetting[];
  profile?: Profile;
  extends: string[];
}

/** The configuration of files no config file applies to: defaults, and no custom policy. */
function emptyConfig(rules: readonly Rule[]): ResolvedConfig {
  const known = new Set(rules.map((r) => r.meta.id));
  return {
    files: [],
    severity: (ruleId) => (known.has(ruleId) ? undefined : 'off'),
    options: () => undefined,
    isIgnored: () => false,
    isStrict: () => false,
    waivers: [],
    policies: [],
  };
}

const toPosix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/**
 * A glob relative to `dir`. A pattern without a slash matches a name at any depth; a pattern matches a file or any
 * directory above it (so `legacy`, `legacy/` and `legacy/**` all cover the files under `legacy`).
 */
export function globMatcher(pattern: string, dir: string): (abs: string) => boolean {
  const match = relativeGlob(pattern);
  return (abs: string) => {
    const prefixes = relativePrefixes(dir, abs);
    return prefixes !== undefined && match(prefixes);
  };
}

/**
 * A path relative to `dir` as the list of its prefixes, longest first (`a/b/c.yaml`, `a/b`, `a`): what a glob of a
 * config in `dir` is matched against. Undefined when the path is not below `dir`.
 */
function relativePrefixes(dir: string, abs: string): string[] | undefined {
  const rel = toPosix(relative(dir, abs));
  if (!rel || rel.startsWith('../') || rel === '..' || isAbsolute(rel)) return undefined;
  const parts = rel.split('/');
  const out: string[] = [];
  for (let n = parts.length; n >= 1; n--) out.push(parts.slice(0, n).join('/'));
  return out;
}

/** {@link globMatcher} on the prefixes of a path already made relative (computed once per file and config file). */
function relativeGlob(pattern: string): (prefixes: readonly string[]) => boolean {
  let p = pattern.trim().replace(/^\.\//, '');
  if (p.endsWith('/')) p = p.slice(0, -1);
  const anchored = p.startsWith('/');
  if (anchored) p = p.slice(1);
  const mm = new Minimatch(p, { dot: true, matchBase: !anchored && !p.includes('/'), nocomment: true });
  return (prefixes) => prefixes.some((x) => mm.match(x));
}

/** Compiled config schemas per rule list and set of policy ids (usually one or two per run). */
const validators = new WeakMap<readonly Rule[], Map<string, ValidateFunction>>();
function validator(rules: readonly Rule[], policyIds: readonly string[]): ValidateFunction {
  let byIds = validators.get(rules);
  if (!byIds) validators.set(rules, (byIds = new Map()));
  const key = [...policyIds].sort().join(' ');
  let v = byIds.get(key);
  if (!v) byIds.set(key, (v = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(configSchema(rules, policyIds))));
  return v;
}

function toSetting(value: unknown): RuleSetting {
  if (typeof value === 'string') return { severity: value as SeveritySetting };
  const [severity, options] = value as [SeveritySetting, Record<string, unknown>?];
  return options ? { severity, options } : { severity };
}

function ruleMap(value: unknown): Map<string, RuleSetting> {
  const out = new Map<string, RuleSetting>();
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.set(k, toSetting(v));
  return out;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/**
 * Read one config file. The configs it extends are read first and the policy files it names next, so the file can
 * be validated knowing every policy id it may refer to (in `rules`, `overrides`, `strict`, `waivers`).
 */
function readLayer(file: string, rules: readonly Rule[], trusted: boolean, stack: readonly string[]): Layer {
  const src = readSource(file);
  if (src.value === null || typeof src.value !== 'object' || Array.isArray(src.value))
    throw new ConfigError(`${file}:1:1: a config file must be a mapping of keys (rules, overrides, ignore …)`);
  // A file that is not a config at all (a file of another program named by mistake) is not validated key by key:
  // the messages would quote its content.
  const keys = Object.keys(src.value);
  if (keys.length && !keys.some((k) => CONFIG_KEYS.includes(k)) && !(CONFIG_NAMES as readonly string[]).includes(basename(file)))
    throw new ConfigError(`${file}: not a daemonlint config: it has none of the keys ${CONFIG_KEYS.join(', ')}`);
  const c = src.value as Record<string, any>;
  const dir = dirname(file);
  // Check the files it names here, where the position of the key is known: extended configs before they are read.
  const checkNamed = (key: 'extends' | 'nodes' | 'crds' | 'admissionPolicies') => {
    if (typeof c[key] !== 'string' && !Array.isArray(c[key])) return;
    list(c[key]).forEach((p, i) => {
      if (typeof p !== 'string') return;
      const where = () => {
        const r = src.locate(Array.isArray(c[key]) ? [key, i] : [key], 'value');
        return `${file}:${r.line}:${r.column}: ${key}`;
      };
      const refused = referenceRefused(file, p, trusted);
      if (refused) throw new ConfigError(`${where()}: ${refused}`);
      if (key === 'extends' && !existsSync(resolve(dir, p))) throw new ConfigError(`${where()}: ${p} does not exist`);
    });
  };
  checkNamed('extends');
  const extendsList = typeof c.extends === 'string' || Array.isArray(c.extends) ? list(c.extends).filter((p) => typeof p === 'string') : [];
  const inherited = uniquePolicies(extendsList.flatMap((p) => chain(resolve(dir, p), rules, false, [...stack, file])));
  const { fromFiles, inlineIds } = preReadPolicies(src, trusted);
  const builtinIds = rules.map((r) => r.meta.id);
  const policyIds = [...new Set([...inherited.map((p) => p.id), ...fromFiles.map((p) => p.id), ...inlineIds])].filter((id) => !builtinIds.includes(id));
  validateSource(src, validator(rules, policyIds), [...builtinIds, ...policyIds], (id) => policyIds.includes(id) || Boolean(rules.find((r) => r.meta.id === id)?.meta.optionsSchema));
  checkNamed('nodes');
  checkNamed('crds');
  checkNamed('admissionPolicies');
  const policies = [...fromFiles, ...inlinePolicies(src)];
  checkPolicyIds(policies, inherited, new Set(builtinIds));
  const layer: Layer = {
    file,
    dir,
    rules: ruleMap(c.rules),
    overrides: ((c.overrides as { files: string | string[]; rules: unknown }[]) ?? []).map((o) => {
      const matchers = list(o.files).map((g) => relativeGlob(g));
      return { match: (prefixes: readonly string[]) => matchers.some((m) => m(prefixes)), rules: ruleMap(o.rules) };
    }),
    ignore: ((c.ignore as string[]) ?? []).map((g) => relativeGlob(g)),
    strict: (c.strict as string[]) ?? [],
    waivers: ((c.waivers as Record<string, any>[]) ?? []).map((w, i) => {
      const range = src.locate(['waivers', i], 'value');
      const waiver: Waiver = { rules: w.rules, origin: { file, range: { ...range, endLine: range.line, endColumn: range.column + 1 } } };
      for (const k of ['kind', 'name', 'namespace', 'reason'] as const) if (typeof w[k] === 'string') waiver[k] = w[k];
      return waiver;
    }),
    policies,
    extends: list(c.extends).map((p) => resolve(dir, p)),
  };
  if (typeof c.kubeVersion === 'string') layer.kubeVersion = c.kubeVersion;
  if (c.nodes !== undefined) {
    layer.nodes = list(c.nodes).map((p) => resolve(dir, p));
    if (!trusted) layer.nodesWithin = configBoundary(file);
  }
  if (c.crds !== undefined) layer.crds = list(c.crds).map((p) => resolve(dir, p));
  if (c.admissionPolicies !== undefined) layer.admissionPolicies = list(c.admissionPolicies).map((p) => resolve(dir, p));
  if (typeof c.failOn === 'string') layer.failOn = c.failOn as FailOn;
  if (c.clusters && typeof c.clusters === 'object')
    layer.clusters = Object.entries(c.clusters as Record<string, string | string[]>).map(([name, globs]) => {
      const matchers = list(globs).map((g) => globMatcher(g, dir));
      return { name, match: (abs: string) => matchers.some((m) => m(abs)) };
    });
  if (typeof c.profile === 'string') layer.profile = c.profile as Profile;
  return layer;
}

/** Policies in order, each once (a config reached twice through `extends` defines the same objects). */
function uniquePolicies(layers: readonly Layer[]): PolicySpec[] {
  return [...new Set(layers.flatMap((l) => l.policies))];
}

/** Validated layers per rule list (a config is valid or not for a given set of rules), by file. */
let layerCache = new WeakMap<readonly Rule[], Map<string, { mtimeMs: number; size: number; layer: Layer }>>();

function layerOf(file: string, rules: readonly Rule[], trusted: boolean, stack: readonly string[]): Layer {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    throw new ConfigError(`cannot read config ${file}: ${describeFsError(err)}`);
  }
  let byFile = layerCache.get(rules);
  if (!byFile) layerCache.set(rules, (byFile = new Map()));
  // A layer is valid or not depending on whether it may name files outside its repository.
  const key = `${trusted ? 'trusted' : 'found'}\0${file}`;
  const hit = byFile.get(key);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.layer;
  const layer = readLayer(file, rules, trusted, stack);
  byFile.set(key, { mtimeMs: st.mtimeMs, size: st.size, layer });
  return layer;
}

/**
 * The layers of a config file in the order they apply: what it extends (depth first, in order), then itself. Only the
 * first file may be `trusted` (given on the command line); the files it extends are checked like found ones.
 */
function chain(file: string, rules: readonly Rule[], trusted: boolean, stack: string[] = []): Layer[] {
  if (stack.includes(file)) throw new ConfigError(`${stack[stack.length - 1]}: extends cycle: ${[...stack.slice(stack.indexOf(file)), file].join(' → ')}`);
  const layer = layerOf(file, rules, trusted, stack);
  const out: Layer[] = [];
  for (const base of layer.extends) for (const l of chain(base, rules, false, [...stack, file])) if (!out.includes(l)) out.push(l);
  out.push(layer);
  return out;
}

function resolveLayers(file: string, layers: Layer[], rules: readonly Rule[]): ResolvedConfig {
  // Two configs this one extends may each define a policy with the same id.
  const policies = uniquePolicies(layers);
  const byId = new Map<string, PolicySpec>();
  for (const p of policies) {
    const other = byId.get(p.id);
    if (other) throw new ConfigError(`${file}: extends two definitions of policy "${p.id}": ${definedAt(other)} and ${definedAt(p)}`);
    byId.set(p.id, p);
  }
  const known = new Set([...rules.map((r) => r.meta.id), ...byId.keys()]);
  // The rule maps that apply to a file, in order (each layer's rules, then its matching overrides), worked out once
  // per file: asking for every rule then costs the number of maps that apply, not the number of overrides.
  const applying = new Map<string, { maps: Map<string, RuleSetting>[]; ignored: boolean }>();
  const forFile = (filePath: string) => {
    let a = applying.get(filePath);
    if (!a) {
      a = { maps: [], ignored: false };
      for (const l of layers) {
        a.maps.push(l.rules);
        const prefixes = relativePrefixes(l.dir, filePath);
        if (!prefixes) continue;
        for (const o of l.overrides) if (o.match(prefixes)) a.maps.push(o.rules);
        if (!a.ignored && l.ignore.some((m) => m(prefixes))) a.ignored = true;
      }
      applying.set(filePath, a);
    }
    return a;
  };
  const settingFor = (ruleId: string, filePath: string): RuleSetting | undefined => {
    let s: RuleSetting | undefined;
    for (const m of forFile(filePath).maps) {
      const next = m.get(ruleId);
      // A severity alone keeps options set earlier.
      if (next) s = { severity: next.severity, options: next.options ?? s?.options };
    }
    return s;
  };
  const strict = new Set(layers.flatMap((l) => l.strict));
  const resolved: ResolvedConfig = {
    file,
    files: layers.map((l) => l.file),
    severity: (ruleId, filePath) => (known.has(ruleId) ? settingFor(ruleId, filePath)?.severity : 'off'),
    options: (ruleId, filePath) => settingFor(ruleId, filePath)?.options,
    isIgnored: (filePath) => forFile(filePath).ignored,
    isStrict: (ruleId) => strict.has(ruleId),
    waivers: layers.flatMap((l) => l.waivers),
    policies,
  };
  for (const l of layers) {
    if (l.kubeVersion !== undefined) resolved.kubeVersion = l.kubeVersion;
    if (l.nodes !== undefined) {
      resolved.nodes = l.nodes;
      if (l.nodesWithin !== undefined) resolved.nodesWithin = l.nodesWithin;
      else delete resolved.nodesWithin;
    }
    if (l.crds !== undefined) resolved.crds = l.crds;
    if (l.admissionPolicies !== undefined) resolved.admissionPolicies = l.admissionPolicies;
    if (l.failOn !== undefined) resolved.failOn = l.failOn;
    if (l.clusters !== undefined) resolved.clusters = l.clusters;
    if (l.profile !== undefined) resolved.profile = l.profile;
  }
  return resolved;
}

export interface LoadConfigOptions {
  /**
   * The user named this file on the command line (`--config`): it may extend files and name inventories and policy files anywhere.
   * Otherwise (a config found next to the files, or one from a repository's workflow) it may only name files inside
   * its repository.
   */
  trusted?: boolean;
}

/** Load one config file (and what it extends), e.g. for `--config FILE`, validated against `rules`. */
export function loadConfigFile(file: string, rules: readonly Rule[], opts: LoadConfigOptions = {}): ResolvedConfig {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new ConfigError(`config file ${file} does not exist`);
  return resolveLayers(abs, chain(abs, rules, opts.trusted ?? false), rules);
}

let dirCache = new WeakMap<readonly Rule[], Map<string, ResolvedConfig>>();

/**
 * The configuration for a file (absolute or relative to the working directory): the nearest config file from the
 * file's directory upward, with what it extends, validated against `rules`. Cached per directory (in `byDir` when
 * given, e.g. one map per lint run; else in a process-wide cache: call {@link clearConfigCache} after a config file
 * changes). Throws {@link ConfigError}.
 */
export function loadConfigFor(filePath: string, rules: readonly Rule[], byDir?: Map<string, ResolvedConfig>): ResolvedConfig {
  const dir = dirname(resolve(filePath));
  if (!byDir) {
    byDir = dirCache.get(rules);
    if (!byDir) dirCache.set(rules, (byDir = new Map()));
  }
  const hit = byDir.get(dir);
  if (hit) return hit;
  const file = findConfigFile(dir);
  const resolved = file ? loadConfigFile(file, rules) : emptyConfig(rules);
  byDir.set(dir, resolved);
  return resolved;
}

/** Forget cached configs (e.g. when the language server sees a config file change). */
export function clearConfigCache(): void {
  dirCache = new WeakMap();
  layerCache = new WeakMap();
}
