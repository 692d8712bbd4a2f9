/**
 * Builds a kustomization the way `kustomize build` does, far enough for linting: resources and bases (files and
 * directories), components, strategic-merge and JSON 6902 patches (files or inline, with or without a target),
 * namespace, name prefix and suffix, labels and commonLabels (into selectors and templates), commonAnnotations,
 * images, replicas, and the name references renaming rewrites. Every built object is traced to its sources (see
 * ../trace.ts). What it does not model (generators, remote bases, Helm charts, replacements, vars, custom
 * transformers) is reported, never guessed.
 */
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { yamlValues } from '../../load/parse.js';
import type { LoadProblem, Manifest, Origin, SourceFile } from '../../types.js';
import { apiGroup } from '../identity.js';
import { NodeTrace, deepCopy, rootOrigin } from '../trace.js';
import { PatchError, applyJson6902 } from './json6902.js';
import { PatchContext, applyStrategicMerge } from './smp.js';
import { addAnnotations, addLabels, addNameAffixes, fixNameReferences, groupOf, kindOf, nameOf, namespaceOf, setImages, setNamespace, setReplicas, type Res } from './transform.js';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A kustomization's fields as kustomize reads them: YAML 1.2 scalars (`.` and `on` are strings, unlike in the YAML
 * 1.1 that manifests are decoded with). Undefined when the text is not valid YAML.
 */
function decodeKustomization(text: string): unknown {
  const docs = parseAllDocuments(text, { prettyErrors: false, logLevel: 'error' });
  if (!Array.isArray(docs) || !docs.length || docs.some((d) => d.errors.length)) return undefined;
  try {
    return docs[0]!.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** How the build reaches files: loaded ones first, the disk otherwise. */
export interface KustomizeHost {
  /** The file at an absolute path, or undefined when it does not exist or cannot be read. */
  file(abs: string): SourceFile | undefined;
  /** True when the absolute path is a directory. */
  isDirectory(abs: string): boolean;
  /**
   * When a kustomization in `fromDir` may not read `abs` (a file or directory outside its repository that the run
   * was not given): the repository, as shown to users. Undefined when it may.
   */
  outside?(abs: string, fromDir: string): string | undefined;
}

/** Fields of a kustomization this builder does not model: the build is incomplete when one is used. */
const UNMODELLED = ['configMapGenerator', 'secretGenerator', 'helmCharts', 'helmChartInflationGenerator', 'generators', 'transformers', 'replacements', 'vars', 'openapi', 'crds', 'configurations', 'validators', 'sortOptions'];

/** A patch of a build and the objects it changed. */
export interface AppliedPatch {
  /** Where the patch is written: a patch file's document, or an inline patch in the kustomization. */
  at: Origin;
  /** The patch's own object when it is a document of a patch file (a partial object). */
  manifest?: Manifest;
  targets: Res[];
}

export interface KustomizeBuild {
  /** Absolute directory of the kustomization. */
  dir: string;
  kustomization: SourceFile;
  resources: Res[];
  /** Every file the build read (kustomizations, resources, patches). */
  files: Set<SourceFile>;
  patches: AppliedPatch[];
  /** Problems: a missing file, a patch without a target, an unmodelled feature. */
  problems: Map<SourceFile, LoadProblem[]>;
  /** Directories of the kustomizations it used as bases or components. */
  bases: Set<string>;
  trace: NodeTrace;
}

/** The kustomization file of a directory, if any. */
export function kustomizationIn(host: KustomizeHost, dir: string): SourceFile | undefined {
  for (const n of KUSTOMIZATION_NAMES) {
    const f = host.file(join(dir, n));
    if (f) return f;
  }
  return undefined;
}

const isRemote = (p: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(p) || p.startsWith('git@');

class Builder {
  readonly trace = new NodeTrace();
  readonly patchCtx = new PatchContext(this.trace);
  readonly files = new Set<SourceFile>();
  readonly patches: AppliedPatch[] = [];
  readonly problems = new Map<SourceFile, LoadProblem[]>();
  readonly bases = new Set<string>();

  constructor(private readonly host: KustomizeHost) {}

  /** A problem of the build: an error kustomize would refuse (`unbuildable`), or a feature not modelled (`info`). */
  problem(at: Origin, message: string, severity: 'error' | 'info'): void {
    this.add(at, { ruleId: 'kustomization', severity, message, messageId: severity === 'error' ? 'unbuildable' : 'unmodelled', data: { detail: message } });
  }

  private add(at: Origin, p: Omit<LoadProblem, 'range'>): void {
    const range = at.file.locate(at.docIndex, [...at.base, ...at.path], 'key');
    const list = this.problems.get(at.file);
    if (list) list.push({ ...p, range });
    else this.problems.set(at.file, [{ ...p, range }]);
  }

  /** True (and reported) when the kustomization in `dir` may not read `abs`, which it names as `p`: see KustomizeHost.outside. */
  private refused(dir: string, abs: string, p: string, at: Origin): boolean {
    const root = this.host.outside?.(abs, dir);
    if (root === undefined) return false;
    const message = `${p} is outside the repository of this kustomization (${root}) and was not read: its objects and changes are missing from this build. Name it on the command line to build it with this kustomization.`;
    this.add(at, { ruleId: 'kustomization', severity: 'warning', message, messageId: 'outsideRepository', data: { path: p, root } });
    return true;
  }

  /** Build the kustomization of `dir` (`stack`: the directories being built, to stop cycles). */
  build(dir: string, stack: string[], into?: Res[]): Res[] | undefined {
    const kfile = kustomizationIn(this.host, dir);
    if (!kfile) return undefined;
    this.files.add(kfile);
    const k = decodeKustomization(kfile.text);
    const at = (...path: (string | number)[]): Origin => ({ file: kfile, docIndex: 0, base: [], path });
    if (!isObj(k)) {
      this.problem(at(), 'This kustomization is not a mapping of fields; it was not built.', 'error');
      return undefined;
    }
    for (const f of UNMODELLED)
      if (k[f] !== undefined && !(Array.isArray(k[f]) && !k[f].length))
        this.problem(at(f), `daemonlint does not model \`${f}\`: what it adds or changes is missing from the objects linted for this kustomization.`, 'info');
    const resources = into ?? [];
    const paths = (field: string) => this.pathList(k, field, at);
    for (const field of ['resources', 'bases']) for (const [p, i] of paths(field)) this.addResource(dir, p, at(field, i), stack, resources);
    for (const field of ['patches', 'patchesJson6902', 'images', 'replicas', 'labels'])
      if (k[field] !== undefined && k[field] !== null && !Array.isArray(k[field])) this.problem(at(field), `\`${field}\` must be a list; kustomize cannot build this.`, 'error');
    for (const field of ['commonLabels', 'commonAnnotations'])
      if (k[field] !== undefined && k[field] !== null && !isObj(k[field])) this.problem(at(field), `\`${field}\` must be a mapping of names to values; kustomize cannot build this.`, 'error');
    paths('components').forEach(([p, i]) => {
      const cdir = resolve(dir, p);
      if (!isRemote(p) && this.refused(dir, cdir, p, at('components', i))) return;
      if (isRemote(p) || !this.host.isDirectory(cdir)) {
        this.problem(at('components', i), isRemote(p) ? 'daemonlint does not fetch remote components; its objects are missing from this build.' : `The component ${p} is not a directory with a kustomization.`, isRemote(p) ? 'info' : 'error');
        return;
      }
      if (stack.includes(cdir)) return;
      this.bases.add(cdir);
      this.build(cdir, [...stack, cdir], resources);
    });
    this.transform(k, dir, resources, at);
    return resources;
  }

  /** Why a patch file cannot be read. */
  private missing(abs: string, p: string): string {
    return this.host.isDirectory(abs) ? `${p} is a directory, not a patch file; kustomize cannot build this.` : `${p} does not exist; kustomize cannot build this.`;
  }

  /** A list of paths: each entry with its index (for its position); anything else is reported, not guessed. */
  private pathList(k: Obj, field: string, at: (...path: (string | number)[]) => Origin, what = 'a list of paths'): [string, number][] {
    const v = k[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(at(field), `\`${field}\` must be ${what}; kustomize cannot build this.`, 'error');
      return [];
    }
    const out: [string, number][] = [];
    v.forEach((p, i) => {
      if (typeof p === 'string') out.push([p, i]);
      else this.problem(at(field, i), `This \`${field}\` entry must be a path (a string); kustomize cannot build this.`, 'error');
    });
    return out;
  }

  private addResource(dir: string, p: string, at: Origin, stack: string[], out: Res[]): void {
    if (isRemote(p)) {
      this.problem(at, 'daemonlint does not fetch remote resources; their objects are missing from this build.', 'info');
      return;
    }
    const abs = resolve(dir, p);
    if (this.refused(dir, abs, p, at)) return;
    if (this.host.isDirectory(abs)) {
      if (stack.includes(abs)) {
        this.problem(at, `${p} is already being built (a cycle of kustomizations).`, 'error');
        return;
      }
      this.bases.add(abs);
      const built = this.build(abs, [...stack, abs]);
      if (!built) this.problem(at, `${p} is a directory without a kustomization.yaml; kustomize cannot build it.`, 'error');
      else out.push(...built);
      return;
    }
    const f = this.host.file(abs);
    if (!f) {
      this.problem(at, `${p} does not exist; kustomize cannot build this.`, 'error');
      return;
    }
    this.files.add(f);
    for (const m of f.manifests) {
      const object = deepCopy(m.object);
      this.trace.setNode(object, rootOrigin(m));
      out.push({ source: m, object, names: [m.ref.name ?? ''], namespaces: [m.ref.namespace ?? ''] });
    }
  }

  private transform(k: Obj, dir: string, resources: Res[], at: (...path: (string | number)[]) => Origin): void {
    // The order kustomize runs its built-in transformers in.
    for (const [p, i] of this.pathList(k, 'patchesStrategicMerge', at, 'a list of patch files or patches')) this.strategicMerge(dir, p, undefined, at('patchesStrategicMerge', i), resources);
    if (Array.isArray(k.patches)) k.patches.forEach((p: unknown, i: number) => this.patch(dir, p, at('patches', i), resources));
    if (typeof k.namespace === 'string' && k.namespace) setNamespace(this.trace, resources, k.namespace, at('namespace'));
    addNameAffixes(resources, typeof k.namePrefix === 'string' ? k.namePrefix : '', typeof k.nameSuffix === 'string' ? k.nameSuffix : '');
    if (Array.isArray(k.labels))
      k.labels.forEach((l: unknown, i: number) => {
        if (!isObj(l) || !isObj(l.pairs)) return;
        addLabels(this.trace, resources, l.pairs, at('labels', i, 'pairs'), { selectors: l.includeSelectors === true, templates: l.includeTemplates === true });
      });
    if (isObj(k.commonLabels)) addLabels(this.trace, resources, k.commonLabels, at('commonLabels'), { selectors: true, templates: true });
    if (isObj(k.commonAnnotations)) addAnnotations(this.trace, resources, k.commonAnnotations, at('commonAnnotations'));
    if (Array.isArray(k.patchesJson6902)) k.patchesJson6902.forEach((p: unknown, i: number) => this.json6902Entry(dir, p, at('patchesJson6902', i), resources));
    if (Array.isArray(k.replicas)) setReplicas(this.trace, resources, k.replicas.filter(isObj), (i) => at('replicas', i));
    if (Array.isArray(k.images)) setImages(this.trace, resources, k.images.filter(isObj), (i) => at('images', i));
  }

  /** A `patches:` entry: a file or inline text, strategic merge or JSON 6902, with an optional target. */
  private patch(dir: string, entry: unknown, at: Origin, resources: Res[]): void {
    if (!isObj(entry)) return;
    const target = isObj(entry.target) ? entry.target : undefined;
    if (typeof entry.path === 'string') {
      const abs = resolve(dir, entry.path);
      if (this.refused(dir, abs, entry.path, { ...at, path: [...at.path, 'path'] })) return;
      const f = this.host.file(abs);
      if (!f) {
        this.problem({ ...at, path: [...at.path, 'path'] }, this.missing(abs, entry.path), 'error');
        return;
      }
      this.files.add(f);
      const docs = yamlValues(f.text);
      if (docs && docs.length === 1 && Array.isArray(docs[0])) {
        if (!target) {
          this.problem(at, 'A JSON patch needs a target.', 'error');
          return;
        }
        this.json6902(docs[0], (i) => ({ file: f, docIndex: 0, base: [], path: [i] }), target, resources, at, { file: f, docIndex: 0, base: [], path: [] });
        return;
      }
      this.strategicMerge(dir, entry.path, target, at, resources);
      return;
    }
    if (typeof entry.patch === 'string') {
      const patchAt: Origin = { ...at, path: [...at.path, 'patch'] };
      const docs = yamlValues(entry.patch);
      if (!docs) {
        this.problem(patchAt, 'This inline patch is not valid YAML.', 'error');
        return;
      }
      if (docs.length === 1 && Array.isArray(docs[0])) {
        if (!target) {
          this.problem(at, 'A JSON patch needs a target.', 'error');
          return;
        }
        this.json6902(docs[0], () => patchAt, target, resources, at, patchAt);
        return;
      }
      for (const d of docs) if (isObj(d)) this.applyStrategic(d, patchAt, undefined, target, resources, at);
    }
  }

  private strategicMerge(dir: string, p: string, target: Obj | undefined, at: Origin, resources: Res[]): void {
    if (/\n/.test(p) || /^\s*(apiVersion|kind)\s*:/.test(p)) {
      // Inline patch text in patchesStrategicMerge.
      for (const d of yamlValues(p) ?? []) if (isObj(d)) this.applyStrategic(d, at, undefined, target, resources, at);
      return;
    }
    if (this.refused(dir, resolve(dir, p), p, at)) return;
    const f = this.host.file(resolve(dir, p));
    if (!f) {
      this.problem(at, this.missing(resolve(dir, p), p), 'error');
      return;
    }
    this.files.add(f);
    const docs = yamlValues(f.text) ?? [];
    docs.forEach((d, docIndex) => {
      if (!isObj(d)) return;
      const m = f.manifests.find((x) => x.docIndex === docIndex && x.base.length === 0);
      this.applyStrategic(d, { file: f, docIndex, base: [], path: [] }, m, target, resources, at);
    });
  }

  private applyStrategic(patch: Obj, patchAt: Origin, manifest: Manifest | undefined, target: Obj | undefined, resources: Res[], entryAt: Origin): void {
    const targets = target ? selectTargets(resources, target) : matchById(resources, patch);
    if (!targets.length) {
      this.problem(manifest ? { ...patchAt, path: ['metadata', 'name'] } : entryAt, `This patch matches no object of the build (${describePatchTarget(target ?? patch)}); kustomize refuses it.`, 'error');
      return;
    }
    const applied: AppliedPatch = { at: patchAt, manifest, targets: [] };
    for (const r of targets) {
      const body = target && isObj(patch.metadata) ? withoutName(patch) : patch;
      if (applyStrategicMerge(this.patchCtx, r.object, body, patchAt)) applied.targets.push(r);
      else resources.splice(resources.indexOf(r), 1);
    }
    this.patches.push(applied);
  }

  private json6902Entry(dir: string, entry: unknown, at: Origin, resources: Res[]): void {
    if (!isObj(entry)) return;
    if (!isObj(entry.target)) {
      this.problem(at, 'A JSON patch needs a target.', 'error');
      return;
    }
    if (typeof entry.path === 'string') {
      if (this.refused(dir, resolve(dir, entry.path), entry.path, { ...at, path: [...at.path, 'path'] })) return;
      const f = this.host.file(resolve(dir, entry.path));
      if (!f) {
        this.problem({ ...at, path: [...at.path, 'path'] }, this.missing(resolve(dir, entry.path), entry.path), 'error');
        return;
      }
      this.files.add(f);
      const ops = yamlValues(f.text)?.[0];
      this.json6902(ops, (i) => ({ file: f, docIndex: 0, base: [], path: [i] }), entry.target, resources, at, { file: f, docIndex: 0, base: [], path: [] });
      return;
    }
    if (typeof entry.patch === 'string') {
      const patchAt: Origin = { ...at, path: [...at.path, 'patch'] };
      this.json6902(yamlValues(entry.patch)?.[0], () => patchAt, entry.target, resources, at, patchAt);
      return;
    }
  }

  private json6902(ops: unknown, opAt: (i: number) => Origin, target: Obj, resources: Res[], entryAt: Origin, patchAt: Origin): void {
    const targets = selectTargets(resources, target);
    if (!targets.length) {
      this.problem(entryAt, `This patch matches no object of the build (${describePatchTarget(target)}); kustomize refuses it.`, 'error');
      return;
    }
    const applied: AppliedPatch = { at: patchAt, targets: [] };
    for (const r of targets) {
      try {
        applyJson6902(this.trace, r.object, ops, opAt);
        applied.targets.push(r);
      } catch (err) {
        if (!(err instanceof PatchError)) throw err;
        this.problem(entryAt, `This JSON patch cannot be applied to ${kindOf(r)} ${nameOf(r)}: ${err.message}.`, 'error');
      }
    }
    this.patches.push(applied);
  }
}

function withoutName(patch: Obj): Obj {
  const md = { ...patch.metadata };
  delete md.name;
  delete md.namespace;
  return { ...patch, metadata: md };
}

function describePatchTarget(t: Obj): string {
  const md = isObj(t.metadata) ? t.metadata : t;
  return [t.kind, md.name].filter((x) => typeof x === 'string').join(' ') || 'no kind or name';
}

const nsEq = (a: string, b: string) => (a || 'default') === (b || 'default');

/** Objects a strategic-merge patch without a target applies to: same group, kind, name (any former name) and namespace. */
function matchById(resources: readonly Res[], patch: Obj): Res[] {
  const md = isObj(patch.metadata) ? patch.metadata : {};
  const group = apiGroup(String(patch.apiVersion ?? ''));
  const ns = typeof md.namespace === 'string' ? md.namespace : '';
  return resources.filter(
    (r) =>
      kindOf(r) === patch.kind &&
      groupOf(r) === group &&
      r.names.includes(String(md.name)) &&
      (ns === '' || r.namespaces.some((n) => nsEq(n, ns))),
  );
}

const anchored = (pattern: unknown) => {
  if (typeof pattern !== 'string') return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return { test: (s: string) => s === pattern };
  }
};

function labelsMatch(selector: unknown, labels: unknown): boolean {
  if (typeof selector !== 'string' || !selector.trim()) return true;
  const have = isObj(labels) ? labels : {};
  // Commas separate requirements, except inside the value list of `in (…)` / `notin (…)`.
  return selector.split(/,(?![^(]*\))/).every((term) => {
    const t = term.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(t))) return have[m[1]!] !== m[2];
    if ((m = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(t))) return have[m[1]!] === m[2];
    if ((m = /^!(\S+)$/.exec(t))) return !(m[1]! in have);
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(t))) {
      const values = m[3]!.split(',').map((v) => v.trim());
      return m[2] === 'in' ? values.includes(have[m[1]!]) : !values.includes(have[m[1]!]);
    }
    return t in have;
  });
}

/** Objects a patch `target:` selects (group, version, kind, name and namespace as regular expressions, label and annotation selectors). */
function selectTargets(resources: readonly Res[], t: Obj): Res[] {
  const name = anchored(t.name);
  const ns = anchored(t.namespace);
  const kind = anchored(t.kind);
  return resources.filter((r) => {
    const av = String(r.object.apiVersion ?? '');
    if (typeof t.group === 'string' && t.group !== groupOf(r)) return false;
    if (typeof t.version === 'string' && t.version !== av.slice(av.indexOf('/') + 1)) return false;
    if (kind && !kind.test(kindOf(r))) return false;
    if (name && !r.names.some((n) => name.test(n))) return false;
    if (ns && !ns.test(namespaceOf(r))) return false;
    const md = isObj(r.object.metadata) ? r.object.metadata : {};
    return labelsMatch(t.labelSelector, md.labels) && labelsMatch(t.annotationSelector, md.annotations);
  });
}

/** Build the kustomization in `dir` (absolute). Undefined when the directory has none. */
export function buildKustomization(host: KustomizeHost, dir: string): KustomizeBuild | undefined {
  const kustomization = kustomizationIn(host, dir);
  if (!kustomization) return undefined;
  const b = new Builder(host);
  // A kustomization that cannot be built at all (not a mapping) is still a unit: an empty one, with its problem.
  const resources = b.build(dir, [dir]) ?? [];
  fixNameReferences(resources);
  return { dir, kustomization, resources, files: b.files, patches: b.patches, problems: b.problems, bases: b.bases, trace: b.trace };
}
