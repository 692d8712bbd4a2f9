/**
 * Per-run indexes for cross-resource rules: the workloads of a run with their Pod templates,
 * which of them a Service selects, and where each runs on the node inventory. Built once per
 * run and cached in `run.cache`.
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

const WORKLOADS_KEY = 'daemonlint:k8s:workloads';
const PLACEMENT_KEY = 'daemonlint:k8s:placements';

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

/** Every object of the run with a Pod template (Pods, controllers, Jobs, CronJobs). */
export function runWorkloads(run: RunContext): readonly Workload[] {
  const cached = run.cache.get(WORKLOADS_KEY) as Workload[] | undefined;
  if (cached) return cached;
  const out: Workload[] = [];
  run.manifests.forEach((manifest, index) => {
    const template = podTemplate(manifest);
    if (!template) return;
    const labels = labelsOf(template.metadata);
    out.push({
      manifest,
      index,
      kind: manifest.ref.kind,
      namespace: manifest.namespace,
      template,
      labels,
      selector: controllerSelector(manifest, labels),
      constraints: nodeConstraints(template),
    });
  });
  run.cache.set(WORKLOADS_KEY, out);
  return out;
}

export function workloadOf(run: RunContext, m: Manifest): Workload | undefined {
  return runWorkloads(run).find((w) => w.manifest === m);
}

export function workloadsInNamespace(run: RunContext, namespace: string): Workload[] {
  return runWorkloads(run).filter((w) => w.namespace === namespace);
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

/** Workloads in the Service's namespace whose Pod template labels its selector matches. */
export function selectedWorkloads(run: RunContext, service: Manifest): Workload[] {
  const sel = serviceSelector(service.object);
  if (!sel) return [];
  return workloadsInNamespace(run, service.namespace).filter((w) => w.kind !== 'Job' && w.kind !== 'CronJob' && selectorMatches(sel, w.labels));
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
