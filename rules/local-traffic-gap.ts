// Guards against node-local Services whose Pods do not run on every node: clients there lose the Service.
import { describeReasonShort, listNames, analyzeTemplate, type ExclusionReason } from '../src/k8s/nodes.js';
import { perSelection, placementsOf, sharedSelection, type Workload } from '../src/k8s/run-index.js';
import { displayName, isRecord } from '../src/k8s/workloads.js';
import type { Path, RelatedReport, Rule } from '../src/types.js';

type PolicyField = 'internalTrafficPolicy' | 'externalTrafficPolicy';

function policyField(spec: Record<string, any>): PolicyField | undefined {
  if (spec.internalTrafficPolicy === 'Local') return 'internalTrafficPolicy';
  const type = spec.type ?? 'ClusterIP';
  if (spec.externalTrafficPolicy === 'Local' && (type === 'NodePort' || type === 'LoadBalancer')) return 'externalTrafficPolicy';
  return undefined;
}

function reasonPath(w: Workload, r: ExclusionReason): Path {
  return r.kind === 'taint' ? w.constraints.tolerationsPath : r.path;
}

/** The first five names and how many more: a Service in front of many workloads still gets a short message. */
function names(ws: readonly Workload[]): string {
  return listNames(ws.map((w) => w.manifest.ref.name ?? '(unnamed)'));
}

const KINDS_KEY = 'local-traffic-gap:kinds';
const GAPS_KEY = 'local-traffic-gap:gaps';
const ANALYSES_KEY = 'local-traffic-gap:analyses';

/** Workloads described one by one in a finding (as related locations); the rest are counted. */
const MAX_DESCRIBED = 5;

const rule: Rule = {
  meta: {
    id: 'local-traffic-gap',
    severity: 'warning',
    description: 'A Service with a Local traffic policy must select Pods that run on every node.',
    rationale:
      'With `internalTrafficPolicy: Local` (or `externalTrafficPolicy: Local` on a NodePort/LoadBalancer Service) traffic only goes to an endpoint on the node it starts on or arrives at. On a node without such a Pod — skipped by the DaemonSet\'s nodeSelector, node affinity, nodeName or an untolerated taint, or simply not chosen for a Deployment\'s replicas — connections are dropped, with no fallback to other nodes.',
    remediation: 'Make the DaemonSet cover every node (tolerations, a wider nodeSelector or affinity), or use the Cluster traffic policy.',
    kinds: ['Service'],
    tags: ['reliability', 'cross-resource', 'node-coverage'],
    docs: `A Service with \`internalTrafficPolicy: Local\` sends each client only to a Pod on the client's own node;
\`externalTrafficPolicy: Local\` (NodePort and LoadBalancer Services) does the same for traffic arriving at a node.
There is **no fallback**: on a node with no local endpoint, connections are dropped. The pattern is meant for
DaemonSets that run on every node.

The rule matches the Service's selector against the Pod templates of the workloads in the same namespace, across
all files of the run, and reports on the traffic-policy field, with the workload's restriction as related location
(the first five workloads are described one by one, the rest counted):

- The Service selects only Deployments, StatefulSets, ReplicaSets or bare Pods: they do not run one Pod per node.
- **With a node inventory** (\`--nodes\`): the finding is exact. It names the nodes where no selected DaemonSet runs
  (up to five, then a count) and why: which nodeSelector entry, which affinity term, which untolerated taint. The
  DaemonSet controller's own tolerations (not-ready, unreachable, pressure, unschedulable; network-unavailable with
  hostNetwork) are taken into account; PreferNoSchedule taints and preferred affinity never exclude a node.
- **Without an inventory**: the rule reasons from the templates alone and says so. It reports when every selected
  DaemonSet is restricted by a nodeSelector, required node affinity or nodeName. It does *not* report a DaemonSet
  that has no such restriction but does not tolerate the control-plane taint: managed clusters have no schedulable
  control-plane nodes, and on self-managed ones the control-plane nodes rarely host clients, so the guess would
  be wrong more often than right. Pass \`--nodes\` (the output of \`kubectl get nodes -o yaml\`) to check taints too.

Invalid:

\`\`\`yaml
kind: DaemonSet
metadata: {name: node-agent}
spec:
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
---
kind: Service
spec:
  selector: {app: node-agent}
  internalTrafficPolicy: Local
\`\`\`

Valid: the DaemonSet has no nodeSelector and tolerates every taint (\`tolerations: [{operator: Exists}]\`), or the
Service uses \`internalTrafficPolicy: Cluster\` (or \`trafficDistribution: PreferSameNode\`, which falls back).`,
  },
  check(ctx) {
    const spec = ctx.object.spec;
    if (!isRecord(spec)) return;
    const field = policyField(spec);
    if (!field) return;
    const selected = sharedSelection(ctx.run, ctx.manifest);
    if (!selected.length) return;
    const svc = `Service ${displayName(ctx.manifest)}`;
    const path = ['spec', field];
    // Everything below depends on the selection only: worked out once for all Services with the same selector.
    const { daemons, others, daemonNames, otherNames, otherKinds } = perSelection(ctx.run, KINDS_KEY, selected, () => {
      const daemons = selected.filter((w) => w.kind === 'DaemonSet');
      const others = selected.filter((w) => w.kind !== 'DaemonSet');
      return { daemons, others, daemonNames: names(daemons), otherNames: names(others), otherKinds: [...new Set(others.map((w) => w.kind))].join('/') };
    });

    if (!daemons.length) {
      const kinds = otherKinds;
      ctx.report({
        path,
        message: `${svc} has ${field}: Local but selects Pods of ${kinds} ${otherNames}, which ${others.length === 1 ? 'does' : 'do'} not run one Pod per node: ${
          field === 'internalTrafficPolicy' ? 'connections from clients on' : 'traffic arriving at'
        } nodes without such a Pod ${field === 'internalTrafficPolicy' ? 'are' : 'is'} dropped, with no fallback. Put the Service in front of a DaemonSet or use ${field}: Cluster.`,
        related: others.slice(0, MAX_DESCRIBED).map((w) => ({ manifest: w.manifest, path: ['kind'], message: `${w.kind} ${w.manifest.ref.name ?? ''} runs a fixed number of replicas, not one per node` })),
      });
      return;
    }

    const nodes = ctx.run.nodes;
    if (nodes && nodes.length) {
      const { uncovered, reasons, related } = perSelection(ctx.run, GAPS_KEY, selected, () => {
        const placements = daemons.map((w) => ({ w, p: placementsOf(ctx.run, w)! }));
        const uncovered = nodes.map((n, i) => ({ n, i })).filter(({ i }) => placements.every(({ p }) => !p[i]!.runs));
        const reasons = new Set<string>();
        const related: RelatedReport[] = [];
        const relatedSeen = new Map<RelatedReport['manifest'], Set<string>>();
        // Why: the first DaemonSets one by one, the rest counted.
        for (const { w, p } of placements.slice(0, MAX_DESCRIBED)) {
          // Short reasons of the uncovered nodes, each with the nodes (in order) where it applies.
          const nodesOf = new Map<string, string[]>();
          for (const { n, i } of uncovered) {
            const here = new Set<string>();
            for (const r of p[i]!.reasons) {
              const short = describeReasonShort(r);
              if (here.has(short)) continue;
              here.add(short);
              const list = nodesOf.get(short);
              if (list) list.push(n.name);
              else nodesOf.set(short, [n.name]);
            }
          }
          for (const { i } of uncovered) {
            for (const r of p[i]!.reasons) {
              const short = describeReasonShort(r);
              reasons.add(daemons.length > 1 ? `${w.manifest.ref.name}: ${short}` : short);
              const message = `DaemonSet ${w.manifest.ref.name}: ${short} (${listNames(nodesOf.get(short)!)})`;
              let seen = relatedSeen.get(w.manifest);
              if (!seen) relatedSeen.set(w.manifest, (seen = new Set()));
              if (seen.has(message)) continue;
              seen.add(message);
              related.push({ manifest: w.manifest, path: reasonPath(w, r), message });
            }
          }
        }
        return { uncovered, reasons, related };
      });
      if (!uncovered.length) return;
      const where = listNames(uncovered.map(({ n }) => n.name));
      const lead =
        field === 'internalTrafficPolicy'
          ? `Connections from ${where} to ${svc} are dropped`
          : `External traffic arriving at ${where} for ${svc} is dropped`;
      const ds = daemons.length === 1 ? `DaemonSet ${daemonNames} does not run there` : `none of DaemonSets ${daemonNames} runs there`;
      ctx.report({
        path,
        message: `${lead}: ${ds} (${[...reasons].join('; ')}${daemons.length > MAX_DESCRIBED ? `; ${daemons.length - MAX_DESCRIBED} more DaemonSets not described here` : ''}). With ${field}: Local there is no fallback to other nodes; make the DaemonSet cover these nodes or use ${field}: Cluster.`,
        related,
      });
      return;
    }

    // No inventory: judge from the templates alone.
    const { analyses, everyRestricted } = perSelection(ctx.run, ANALYSES_KEY, selected, () => {
      const analyses = daemons.map((w) => ({ w, a: analyzeTemplate(w.template) }));
      return { analyses, everyRestricted: analyses.every(({ a }) => a.restricted) };
    });
    if (!everyRestricted) return;
    const what =
      analyses
        .slice(0, MAX_DESCRIBED)
        .map(({ w, a }) => `DaemonSet ${w.manifest.ref.name} runs only on nodes matching ${a.summary}`)
        .join(', and ') + (analyses.length > MAX_DESCRIBED ? `, and ${analyses.length - MAX_DESCRIBED} more DaemonSets are restricted too` : '');
    ctx.report({
      path,
      message: `${svc} has ${field}: Local but ${what}: judging from the template alone (no node inventory), ${
        field === 'internalTrafficPolicy' ? 'connections from clients on any other node are' : 'traffic arriving at any other node is'
      } dropped, with no local endpoint and no fallback. Widen the DaemonSet to every node or use ${field}: Cluster; pass --nodes to see which nodes are affected.`,
      related: analyses.slice(0, MAX_DESCRIBED).flatMap(({ w, a }) => a.restrictions.map((r) => ({ manifest: w.manifest, path: r.path, message: `DaemonSet ${w.manifest.ref.name} is restricted by ${r.summary}` }))),
    });
  },
};
export default rule;
