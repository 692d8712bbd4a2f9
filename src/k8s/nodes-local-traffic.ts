/**
 * Node-local Services: with `internalTrafficPolicy: Local` (or `externalTrafficPolicy: Local` on a NodePort or
 * LoadBalancer Service) traffic only goes to an endpoint on the node it starts on or arrives at, with no fallback.
 * Which DaemonSets provide those endpoints, and whether a node has one.
 */
import type { Manifest, NodeInfo, RunContext } from '../types.js';
import { placeOnNode, type Placement } from './nodes-model.js';
import { selectedWorkloads, type Workload } from './run-index.js';
import { builtinKind, isRecord } from './workloads.js';

export type LocalPolicyField = 'internalTrafficPolicy' | 'externalTrafficPolicy';

/** The field that makes a Service spec node-local, if any (`externalTrafficPolicy` only counts for NodePort/LoadBalancer). */
export function localPolicyField(spec: Record<string, any>): LocalPolicyField | undefined {
  if (spec.internalTrafficPolicy === 'Local') return 'internalTrafficPolicy';
  const type = spec.type ?? 'ClusterIP';
  if (spec.externalTrafficPolicy === 'Local' && (type === 'NodePort' || type === 'LoadBalancer')) return 'externalTrafficPolicy';
  return undefined;
}

export interface LocalService {
  manifest: Manifest;
  field: LocalPolicyField;
  /** The selected DaemonSets: the workloads that can give every node a local endpoint. */
  daemons: Workload[];
  /** The other selected workloads (Deployments, StatefulSets …), which do not run one Pod per node. */
  others: Workload[];
}

/** A Service as a node-local Service; undefined when it has no Local policy or selects no workload of the run. */
export function localService(run: RunContext, service: Manifest): LocalService | undefined {
  const spec = service.object.spec;
  if (builtinKind(service.ref) !== 'Service' || !isRecord(spec)) return undefined;
  const field = localPolicyField(spec);
  if (!field) return undefined;
  const selected = selectedWorkloads(run, service);
  if (!selected.length) return undefined;
  return { manifest: service, field, daemons: selected.filter((w) => w.kind === 'DaemonSet'), others: selected.filter((w) => w.kind !== 'DaemonSet') };
}

/**
 * Why the Service has no local endpoint on a node: each selected DaemonSet with its placement there. Undefined when
 * one of them runs on the node, or when the Service selects no DaemonSet (then no node is sure of an endpoint).
 */
export function missingLocalEndpoint(ls: LocalService, node: NodeInfo): { workload: Workload; placement: Placement }[] | undefined {
  if (!ls.daemons.length) return undefined;
  const out: { workload: Workload; placement: Placement }[] = [];
  for (const workload of ls.daemons) {
    const placement = placeOnNode(workload.constraints, node, true);
    if (placement.runs) return undefined;
    out.push({ workload, placement });
  }
  return out;
}
