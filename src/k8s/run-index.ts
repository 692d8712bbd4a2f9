/**
 * Per-run indexes for cross-resource rules: the workloads of a run with their Pod templates,
 * which of them a Service selects, and where each runs on the node inventory. Built once per
 * run and cached in `run.cache`.
 *
 * Lookups go through indexes so that a run's cost grows with its size, not with the square of the objects in a
 * namespace: workloads by manifest and by namespace, and template labels by key and by key=value, so that a
 * selector finds its candidate templates through one of the labels it requires instead of scanning every workload.
 * Candidates are always checked with `selectorMatches`; an index only narrows which workloads are checked.
 */
import type { Manifest, RunContext } from '../types.js';
import { nodeConstraints, placeOnNode, type NodeConstraints, type Placement } from './nodes.js';
import { mapSelector, parseLabelSelector, selectorMatches, type ParsedSelector } from './selectors.js';
import { isRecord, labelsOf, podTemplate, type PodTemplate } from './workloads.js';

/** Kinds whose controller keeps a set of Pods alive through a selector. */
export const CONTROLLER_KINDS = ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController'] as const;

export interface Workload {
  manifest: Manifest;
  /** Position in `run.manifests`: a deterministic order for pairwise rules. */
  index: number;
  kind: string;
  namespace: string;
  template: PodTemplate;
  /** Template labels. */
  labels: Record<string, string>;
  /** The controller's own selector, when the kind has one and it parses. */
  selector?: ParsedSelector;
  constraints: NodeConstraints;
}

/** Workloads of one namespace (or of the whole run), each list in run order. */
export interface LabelIndex {
  workloads: Workload[];
  /** Template label key → value → workloads whose template carries that label (own keys only, as selectors see them). */
  byLabel: Map<string, Map<string, Workload[]>>;
  /** Template label key → workloads whose template carries the key. */
  byKey: Map<string, Workload[]>;
}

interface RunIndex {
  workloads: Workload[];
  byManifest: Map<Manifest, Workload>;
  namespaces: Map<string, LabelIndex>;
  /** Every workload of the run, across namespaces (built on first use: one rule needs it, for a hint). */
  all?: LabelIndex;
  /** `selectedWorkloads` per Service (two rules ask for the same Service). */
  selected: Map<Manifest, readonly Workload[]>;
  /** Selections by namespace and selector: Services with the same selector share one (and what rules derive from it). */
  selections: Map<string, readonly Workload[]>;
}

const INDEX_KEY = 'daemonlint:k8s:run-index';
const PLACEMENT_KEY = 'daemonlint:k8s:placements';
const NO_WORKLOADS: readonly Workload[] = Object.freeze([]);

function controllerSelector(m: Manifest, labels: Record<string, string>): ParsedSelector | undefined {
  const spec = m.object.spec;
  if (!isRecord(spec)) return undefined;
  if (m.ref.kind === 'ReplicationController') {
    // An RC without a selector defaults it to the template labels.
    if (spec.selector === undefined || spec.selector === null) return Object.keys(labels).length ? mapSelector(labels) : undefined;
    return isRecord(spec.selector) ? mapSelector(spec.selector) : undefined;
  }
  if (!(CONTROLLER_KINDS as readonly string[]).includes(m.ref.kind) || !isRecord(spec.selector)) return undefined;
  const sel = parseLabelSelector(spec.selector);
  return sel.errors.length || sel.empty ? undefined : sel;
}

function emptyLabelIndex(): LabelIndex {
  return { workloads: [], byLabel: new Map(), byKey: new Map() };
}

/** Append `v` to the list kept under `key`. */
export function push<K, V>(map: Map<K, V[]>, key: K, v: V): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

function addToLabelIndex(ix: LabelIndex, w: Workload): void {
  ix.workloads.push(w);
  for (const key of Object.keys(w.labels)) {
    push(ix.byKey, key, w);
    let values = ix.byLabel.get(key);
    if (!values) ix.byLabel.set(key, (values = new Map()));
    push(values, w.labels[key]!, w);
  }
}

/** A workload whose node constraints are worked out when first asked for (most rules never ask). */
class RunWorkload implements Workload {
  readonly kind: string;
  readonly namespace: string;
  #constraints: NodeConstraints | undefined;
  constructor(
    readonly manifest: Manifest,
    readonly index: number,
    readonly template: PodTemplate,
    readonly labels: Record<string, string>,
    readonly selector: ParsedSelector | undefined,
  ) {
    this.kind = manifest.ref.kind;
    this.namespace = manifest.namespace;
  }
  get constraints(): NodeConstraints {
    return (this.#constraints ??= nodeConstraints(this.template));
  }
}

function runIndex(run: RunContext): RunIndex {
  const cached = run.cache.get(INDEX_KEY) as RunIndex | undefined;
  if (cached) return cached;
  const ix: RunIndex = { workloads: [], byManifest: new Map(), namespaces: new Map(), selected: new Map(), selections: new Map() };
  run.manifests.forEach((manifest, index) => {
    const template = podTemplate(manifest);
    if (!template) return;
    const labels = labelsOf(template.metadata);
    const w: Workload = new RunWorkload(manifest, index, template, labels, controllerSelector(manifest, labels));
    ix.workloads.push(w);
    // The same manifest object twice in a run is one workload to `workloadOf` (the first, as a linear search finds).
    if (!ix.byManifest.has(manifest)) ix.byManifest.set(manifest, w);
    let ns = ix.namespaces.get(w.namespace);
    if (!ns) ix.namespaces.set(w.namespace, (ns = emptyLabelIndex()));
    addToLabelIndex(ns, w);
  });
  run.cache.set(INDEX_KEY, ix);
  return ix;
}

/** Every object of the run with a Pod template (Pods, controllers, Jobs, CronJobs). */
export function runWorkloads(run: RunContext): readonly Workload[] {
  return runIndex(run).workloads;
}

export function workloadOf(run: RunContext, m: Manifest): Workload | undefined {
  return runIndex(run).byManifest.get(m);
}

/** The workloads of a namespace with their label indexes (empty when the namespace has none). */
export function namespaceIndex(run: RunContext, namespace: string): LabelIndex {
  return runIndex(run).namespaces.get(namespace) ?? { workloads: [], byLabel: new Map(), byKey: new Map() };
}

/** The workloads of the whole run with their label indexes. */
export function runLabelIndex(run: RunContext): LabelIndex {
  const ix = runIndex(run);
  if (!ix.all) {
    ix.all = emptyLabelIndex();
    for (const w of ix.workloads) addToLabelIndex(ix.all, w);
  }
  return ix.all;
}

export function workloadsInNamespace(run: RunContext, namespace: string): Workload[] {
  return namespaceIndex(run, namespace).workloads.slice();
}

/**
 * A superset of the workloads of `ix` whose template labels `sel` matches, in run order: the bucket of the
 * requirement that narrows most (an `In` requirement's key=value buckets, or an `Exists` requirement's key bucket),
 * or every workload when no requirement narrows. Filter with `selectorMatches`.
 */
export function selectorCandidates(ix: LabelIndex, sel: ParsedSelector): readonly Workload[] {
  if (sel.errors.length) return NO_WORKLOADS;
  let best: readonly Workload[][] | undefined;
  let bestSize = Infinity;
  for (const r of sel.requirements) {
    let lists: Workload[][];
    if (r.operator === 'In') {
      const values = ix.byLabel.get(r.key);
      lists = [];
      for (const v of new Set(r.values)) {
        const l = values?.get(v);
        if (l) lists.push(l);
      }
    } else if (r.operator === 'Exists') {
      const l = ix.byKey.get(r.key);
      lists = l ? [l] : [];
    } else continue;
    let size = 0;
    for (const l of lists) size += l.length;
    if (size === 0) return NO_WORKLOADS; // A required label no template carries: nothing matches.
    if (size < bestSize) {
      best = lists;
      bestSize = size;
    }
  }
  if (!best) return ix.workloads;
  if (best.length === 1) return best[0]!;
  // Several values of one key: disjoint buckets (a template has one value per key), merged back into run order.
  return best.flat().sort((a, b) => a.index - b.index);
}

/** The workloads of `ix` whose template labels `sel` matches, in run order. */
export function matchingWorkloads(ix: LabelIndex, sel: ParsedSelector): Workload[] {
  return selectorCandidates(ix, sel).filter((w) => selectorMatches(sel, w.labels));
}

/** A Service's selector as a parsed selector; undefined when absent, empty or malformed. */
export function serviceSelector(service: Record<string, any>): ParsedSelector | undefined {
  const spec = service.spec;
  if (!isRecord(spec) || !isRecord(spec.selector) || spec.type === 'ExternalName') return undefined;
  const labels: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.selector)) {
    if (v === null || typeof v === 'object') return undefined;
    labels[k] = v;
  }
  const sel = mapSelector(labels);
  return sel.empty ? undefined : sel;
}

/** Workloads in the Service's namespace whose Pod template labels its selector matches (cached per Service). */
export function selectedWorkloads(run: RunContext, service: Manifest): Workload[] {
  return sharedSelection(run, service).slice();
}

/**
 * The workloads a Service selects (as selectedWorkloads), as one frozen array shared by every Service of the namespace
 * with the same selector: n Services in front of the same n workloads cost n, and a rule can cache what it derives
 * from a selection (keyed by the array) instead of working it out again for each Service.
 */
export function sharedSelection(run: RunContext, service: Manifest): readonly Workload[] {
  const ix = runIndex(run);
  let out = ix.selected.get(service);
  if (!out) {
    const sel = serviceSelector(service.object);
    if (!sel) out = NO_WORKLOADS;
    else {
      const key = JSON.stringify([service.namespace, sel.requirements.map((r) => [r.key, r.operator, r.values])]);
      out = ix.selections.get(key);
      if (!out) {
        out = Object.freeze(matchingWorkloads(namespaceIndex(run, service.namespace), sel).filter((w) => w.kind !== 'Job' && w.kind !== 'CronJob'));
        ix.selections.set(key, out);
      }
    }
    ix.selected.set(service, out);
  }
  return out;
}

/** A value derived from a shared selection (see sharedSelection), worked out once per selection and `key`. */
export function perSelection<T>(run: RunContext, key: string, selection: readonly Workload[], make: () => T): T {
  let map = run.cache.get(key) as WeakMap<readonly Workload[], T> | undefined;
  if (!map) run.cache.set(key, (map = new WeakMap()));
  let v = map.get(selection);
  if (v === undefined) map.set(selection, (v = make()));
  return v;
}

/** Where a workload's Pods can run on the run's node inventory (undefined without one). */
export function placementsOf(run: RunContext, w: Workload): Placement[] | undefined {
  if (!run.nodes) return undefined;
  let map = run.cache.get(PLACEMENT_KEY) as Map<Workload, Placement[]> | undefined;
  if (!map) run.cache.set(PLACEMENT_KEY, (map = new Map()));
  let p = map.get(w);
  if (!p) {
    const daemon = w.kind === 'DaemonSet';
    p = run.nodes.map((n) => placeOnNode(w.constraints, n, daemon));
    map.set(w, p);
  }
  return p;
}
