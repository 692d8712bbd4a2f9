/**
 * Deployment units: which objects of a run are applied together. Cross-resource rules compare objects only within
 * a unit. Units come from, in order:
 *
 * 1. the config's `clusters` (unit name → globs): exactly the files a user says are applied together;
 * 2. Kustomize: every kustomization that no other one uses as a base or component is a unit of the objects it
 *    builds (namespace, prefixes, labels and patches applied);
 * 3. directories: sibling directories (or files) holding different copies of the same objects are alternatives
 *    and become separate units sharing what is above them (see directories.ts);
 * 4. otherwise one unit.
 *
 * Objects with the same identity (group, kind, namespace, name) in different files are never compared with each
 * other; within one unit the last definition wins, as with `kubectl apply`.
 */
import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { LoadProblem, Manifest, Origin, SourceFile } from '../types.js';
import { directoryUnits } from './directories.js';
import { KUSTOMIZATION_NAMES, buildKustomization, kustomizationIn, type KustomizeBuild, type KustomizeHost } from './kustomize/build.js';
import type { Res } from './kustomize/transform.js';
import { makeUnit, type DeploymentUnit } from './unit.js';

export type { DeploymentUnit } from './unit.js';

/** A patch (a partial object) and the built objects it changed: linted as what it changes. */
export interface PlannedPatch {
  at: Origin;
  /** The patch document's own object, when the patch is a file (it is then not linted as a whole object). */
  manifest?: Manifest;
  targets: Manifest[];
}

export interface UnitPlan {
  units: DeploymentUnit[];
  /** Files read only to complete a unit (a base outside the linted paths). */
  context: SourceFile[];
  patches: PlannedPatch[];
  /** Patch documents: partial objects, not linted as whole objects. */
  partial: Set<Manifest>;
  /** Problems found while building kustomizations, by the file they are in. */
  problems: Map<SourceFile, LoadProblem[]>;
}

export interface PlanOptions {
  /** Config `clusters`: unit name and which files (absolute paths, or display paths for stdin) belong to it. */
  clusters?: readonly { name: string; match: (file: SourceFile) => boolean }[];
  /** Read files a kustomization refers to that the run did not load (absolute path → file); none when absent. */
  readFile?: (abs: string) => SourceFile | undefined;
  /** Display a directory (absolute) in unit names. */
  display?: (abs: string) => string;
  /**
   * The boundary of what a kustomization may read from disk: given a path it names and its own directory, the
   * repository (as shown) when the path leads out of it; undefined when it may read it. Files the run was given are
   * always used. Without this option, any path may be read.
   */
  outside?: (abs: string, fromDir: string) => string | undefined;
}

const isKustomization = (f: SourceFile) => !!f.absPath && (KUSTOMIZATION_NAMES as readonly string[]).includes(basename(f.absPath));

function host(files: readonly SourceFile[], opts: PlanOptions): KustomizeHost & { extra: Set<SourceFile> } {
  const byPath = new Map<string, SourceFile>();
  for (const f of files) if (f.absPath) byPath.set(f.absPath, f);
  const extra = new Set<SourceFile>();
  const missing = new Set<string>();
  const dirs = new Map<string, boolean>();
  const given = new Map<string, boolean>();
  /** Was the path (a file, or a directory holding files) given to the run? */
  const isGiven = (abs: string) => {
    let g = given.get(abs);
    if (g === undefined) {
      g = byPath.has(abs);
      if (!g) for (const p of byPath.keys()) if (p.startsWith(`${abs}/`)) g = true;
      given.set(abs, g);
    }
    return g;
  };
  return {
    extra,
    outside(abs, fromDir) {
      if (!opts.outside || isGiven(abs)) return undefined;
      return opts.outside(abs, fromDir);
    },
    file(abs) {
      const hit = byPath.get(abs);
      if (hit) return hit;
      if (!opts.readFile || missing.has(abs)) return undefined;
      const f = opts.readFile(abs);
      if (!f) {
        missing.add(abs);
        return undefined;
      }
      byPath.set(abs, f);
      extra.add(f);
      return f;
    },
    isDirectory(abs) {
      let d = dirs.get(abs);
      if (d === undefined) {
        try {
          d = statSync(abs).isDirectory();
        } catch {
          d = false;
        }
        // A directory known only through loaded files (e.g. in a test without a disk) counts too.
        if (!d) for (const p of byPath.keys()) if (p.startsWith(`${abs}/`)) d = true;
        dirs.set(abs, d);
      }
      return d;
    },
  };
}

function effective(build: KustomizeBuild, r: Res): Manifest {
  const o = r.object;
  const md = typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {};
  const ref: Manifest['ref'] = { apiVersion: String(o.apiVersion ?? r.source.ref.apiVersion), kind: String(o.kind ?? r.source.ref.kind) };
  if (typeof md.namespace === 'string') ref.namespace = md.namespace;
  if (typeof md.name === 'string') ref.name = md.name;
  return { file: r.source.file, docIndex: r.source.docIndex, base: r.source.base, object: o, ref, namespace: ref.namespace || 'default', trace: build.trace };
}

interface Kustomized {
  /** Root builds (units) and their effective objects. */
  roots: { build: KustomizeBuild; manifests: Manifest[]; byRes: Map<Res, Manifest> }[];
  consumed: Set<SourceFile>;
}

function kustomize(files: readonly SourceFile[], h: KustomizeHost, plan: UnitPlan, discover: boolean): Kustomized {
  const dirs = new Set<string>();
  for (const f of files) if (isKustomization(f)) dirs.add(dirname(f.absPath!));
  // A file linted without its kustomization (a patch staged alone for pre-commit) is still read as part of the
  // kustomization beside it, when the disk can be read.
  if (discover) for (const f of files) if (f.absPath && !dirs.has(dirname(f.absPath)) && kustomizationIn(h, dirname(f.absPath))) dirs.add(dirname(f.absPath));
  const builds: KustomizeBuild[] = [];
  for (const dir of dirs) {
    const b = buildKustomization(h, dir);
    if (b) builds.push(b);
  }
  const used = new Set<string>();
  for (const b of builds) for (const d of b.bases) used.add(d);
  const consumed = new Set<SourceFile>();
  const roots: Kustomized['roots'] = [];
  const record = (b: KustomizeBuild) => {
    for (const [file, problems] of b.problems) {
      const list = plan.problems.get(file) ?? [];
      // The same base problem seen from several overlays is one problem.
      for (const p of problems) if (!list.some((q) => q.message === p.message && q.range.line === p.range.line && q.range.column === p.range.column)) list.push(p);
      plan.problems.set(file, list);
    }
  };
  const reached = new Set<string>();
  for (const b of builds) {
    for (const f of b.files) consumed.add(f);
    const isComponent = b.kustomization.manifests.some((m) => m.ref.kind === 'Component') || /\bkind:\s*Component\b/.test(b.kustomization.text);
    if (used.has(b.dir) || isComponent) continue;
    reached.add(b.dir);
    for (const d of b.bases) reached.add(d);
    record(b);
    const byRes = new Map<Res, Manifest>();
    const manifests = b.resources.map((r) => {
      const m = effective(b, r);
      byRes.set(r, m);
      return m;
    });
    roots.push({ build: b, manifests, byRes });
    for (const p of b.patches) {
      const targets = p.targets.map((r) => byRes.get(r)).filter((m): m is Manifest => !!m);
      plan.patches.push({ at: p.at, manifest: p.manifest, targets });
      if (p.manifest) plan.partial.add(p.manifest);
    }
  }
  // Patch documents of kustomizations that are only bases are partial too.
  for (const b of builds) for (const p of b.patches) if (p.manifest) plan.partial.add(p.manifest);
  // Kustomizations only used as bases of each other (a cycle, no overlay above them): their problems are reported too.
  for (const b of builds) if (!reached.has(b.dir) && used.has(b.dir)) record(b);
  return { roots, consumed };
}

/** Work out the deployment units of a run's files. */
export function planUnits(files: readonly SourceFile[], opts: PlanOptions = {}): UnitPlan {
  const plan: UnitPlan = { units: [], context: [], patches: [], partial: new Set(), problems: new Map() };
  const h = host(files, opts);
  const display = opts.display ?? ((abs: string) => abs);
  const clustered = new Set<SourceFile>();
  for (const c of opts.clusters ?? []) {
    const members = files.filter((f) => c.match(f));
    members.forEach((f) => clustered.add(f));
    const k = kustomize(members, h, plan, !!opts.readFile);
    const raw = members.filter((f) => !k.consumed.has(f)).flatMap((f) => f.manifests);
    plan.units.push(makeUnit(c.name, 'config', [...k.roots.flatMap((r) => r.manifests), ...raw]));
  }
  const rest = files.filter((f) => !clustered.has(f));
  const k = kustomize(rest, h, plan, !!opts.readFile);
  for (const r of k.roots) plan.units.push(makeUnit(display(r.build.dir), 'kustomize', r.manifests));
  const plain = rest.filter((f) => !k.consumed.has(f) && f.manifests.length);
  for (const g of directoryUnits(plain)) plan.units.push(makeUnit(g.name, 'directory', g.files.flatMap((f) => f.manifests)));
  plan.context = [...h.extra];
  return plan;
}
