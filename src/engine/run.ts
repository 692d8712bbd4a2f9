/**
 * What a lint needs before rules run: the run's deployment units (src/units), the context per-object rules see (every
 * source object), and one context per unit for cross-resource rules.
 */
import { DEFAULT_KUBE_VERSION } from '../k8s/kube-version.js';
import { planUnits, type UnitPlan } from '../units/plan.js';
import type { Manifest, NodeInfo, Rule, RunContext, SourceFile } from '../types.js';

export interface RunOptions {
  nodes?: readonly NodeInfo[];
  kubeVersion?: string;
  /** CustomResourceDefinitions from `--crd` / `crds:`. */
  crds?: readonly Manifest[];
  /** Admission policy files (`--policy`): their objects are seen by admission-policy, not linted. */
  policyFiles?: readonly SourceFile[];
  /** Works out the run's deployment units (default: `planUnits` with no config and no disk reads). */
  plan?: (files: readonly SourceFile[]) => UnitPlan;
}

/** Units named in a message before the rest are counted. */
const MAX_UNITS_NAMED = 3;

/** `deployment unit a`, `deployment units a, b`, `deployment units a, b, c and 4 more`, `all 9 deployment units`. */
export function describeUnits(units: readonly string[], total: number): string {
  if (units.length === 1) return `deployment unit ${units[0]}`;
  if (units.length === total) return `all ${total} deployment units`;
  const shown = units.slice(0, MAX_UNITS_NAMED).join(', ');
  return `deployment units ${shown}${units.length > MAX_UNITS_NAMED ? ` and ${units.length - MAX_UNITS_NAMED} more` : ''}`;
}

/** Rules that compare objects with each other: they run once per deployment unit, on the unit's objects. */
export function isUnitRule(rule: Rule): boolean {
  return rule.meta.tags.includes('cross-resource');
}

export function createRun(files: readonly SourceFile[], opts: Pick<RunOptions, 'nodes' | 'kubeVersion' | 'crds' | 'policyFiles'>): RunContext {
  return {
    manifests: files.flatMap((f) => f.manifests),
    files,
    policyManifests: opts.policyFiles?.flatMap((f) => f.manifests),
    nodes: opts.nodes,
    kubeVersion: opts.kubeVersion ?? DEFAULT_KUBE_VERSION,
    crds: opts.crds,
    unrecognized: new Map(),
    cache: new Map(),
  };
}

/** Everything a lint needs before rules run: the units, the run per-object rules see, and one run per unit. */
export interface PreparedRun {
  plan: UnitPlan;
  /** The run per-object and per-file rules see: every source object (and what patches changed). */
  run: RunContext;
  /** One run per unit, for cross-resource rules. */
  unitRuns: RunContext[];
}

/** Plan the units of a run and create the contexts the rules see. */
export function prepareRun(files: readonly SourceFile[], opts: RunOptions): PreparedRun {
  const plan = opts.plan ? opts.plan(files) : planUnits(files);
  const all = [...files, ...plan.context];
  const run = createRun(all, opts);
  run.unitProblems = plan.problems;
  // Objects changed by patches are checked through the patches: their validators must be ready too.
  const patched = plan.patches.flatMap((p) => p.targets);
  if (patched.length) run.manifests = [...run.manifests, ...patched];
  // Every unit has the run's target version and CRDs; objects the API would not recognise are found once, on the
  // source objects (the engine looks built objects up by the object they were built from).
  const unitRuns = plan.units.map(
    (u): RunContext => ({
      manifests: u.manifests,
      files: all,
      policyManifests: run.policyManifests,
      nodes: opts.nodes,
      kubeVersion: run.kubeVersion,
      crds: run.crds,
      unrecognized: run.unrecognized,
      cache: new Map(),
      unit: { name: u.name, shadowed: u.shadowed },
    }),
  );
  return { plan, run, unitRuns };
}

/** Await every rule's `prepare` (which may load code lazily) on the runs it will see. */
export async function prepareRules(prepared: PreparedRun, rules: readonly Rule[]): Promise<void> {
  for (const rule of rules) {
    if (!rule.prepare) continue;
    if (isUnitRule(rule)) for (const r of prepared.unitRuns) await rule.prepare(r);
    else await rule.prepare(prepared.run);
  }
}

