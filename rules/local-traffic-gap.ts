// Guards against node-local Services whose Pods do not run on every node: clients there lose the Service.
import { describeReasonShort, listNames, analyzeTemplate, onlyLinuxRestricted, type ExclusionReason } from '../src/k8s/nodes.js';
import { localService } from '../src/k8s/nodes-local-traffic.js';
import { groupNodes, listGroups, type NodeGroup } from '../src/k8s/nodes-pools.js';
import { placementsOf, type Workload } from '../src/k8s/run-index.js';
import { displayName } from '../src/k8s/workloads.js';
import type { NodeInfo, Path, RelatedReport, RunContext, Rule } from '../src/types.js';

/** Up to this many uncovered nodes are named one by one; beyond it, by the groups they form. */
const LISTED = 5;

/** The run's nodes grouped as the given DaemonSets see them (cached per set of DaemonSets). */
function groupOfNode(run: RunContext, daemons: readonly Workload[]): Map<NodeInfo, NodeGroup> {
  const key = `daemonlint:local-traffic-gap:groups:${daemons.map((w) => w.index).join(',')}`;
  let map = run.cache.get(key) as Map<NodeInfo, NodeGroup> | undefined;
  if (!map) {
    map = new Map();
    for (const g of groupNodes(daemons.map((w) => w.constraints), run.nodes ?? [])) for (const n of g.nodes) map.set(n, g);
    run.cache.set(key, map);
  }
  return map;
}

function reasonPath(w: Workload, r: ExclusionReason): Path {
  return r.kind === 'taint' ? w.constraints.tolerationsPath : r.path;
}

function names(ws: readonly Workload[]): string {
  return ws.map((w) => w.manifest.ref.name ?? '(unnamed)').join(', ');
}

const rule: Rule = {
  meta: {
    id: 'local-traffic-gap',
    severity: 'warning',
    description: 'A Service with a Local traffic policy must select Pods that run on every node.',
    kinds: ['Service'],
    tags: ['reliability', 'cross-resource', 'node-coverage'],
    messages: {
      notPerNode:
        '{{service}} has internalTrafficPolicy: Local but selects Pods of {{workloads}}, which {{verb}} not run one Pod per node: connections from clients on nodes without such a Pod are dropped, with no fallback. Put the Service in front of a DaemonSet or use internalTrafficPolicy: Cluster.',
      notPerNodeExternal:
        '{{service}} has externalTrafficPolicy: Local but selects Pods of {{workloads}}, which {{verb}} not run one Pod per node: traffic arriving at nodes without such a Pod is dropped, with no fallback. Put the Service in front of a DaemonSet or use externalTrafficPolicy: Cluster.',
      uncovered:
        'Connections from {{nodes}} to {{service}} are dropped: {{absent}} ({{reasons}}). With internalTrafficPolicy: Local there is no fallback to other nodes; make the DaemonSet cover these nodes or use internalTrafficPolicy: Cluster.',
      uncoveredExternal:
        'External traffic arriving at {{nodes}} for {{service}} is dropped: {{absent}} ({{reasons}}). With externalTrafficPolicy: Local there is no fallback to other nodes; make the DaemonSet cover these nodes or use externalTrafficPolicy: Cluster.',
      uncoveredPools:
        'Connections from {{groups}} to {{service}} are dropped: {{absent}} ({{reasons}}). With internalTrafficPolicy: Local there is no fallback to other nodes; make the DaemonSet cover these nodes or use internalTrafficPolicy: Cluster.',
      uncoveredPoolsExternal:
        'External traffic arriving at {{groups}} for {{service}} is dropped: {{absent}} ({{reasons}}). With externalTrafficPolicy: Local there is no fallback to other nodes; make the DaemonSet cover these nodes or use externalTrafficPolicy: Cluster.',
      restricted:
        '{{service}} has internalTrafficPolicy: Local but {{restrictions}}: judging from the template alone (no node inventory), connections from clients on any other node are dropped, with no local endpoint and no fallback. Widen the DaemonSet to every node or use internalTrafficPolicy: Cluster; pass --nodes to see which nodes are affected.',
      restrictedExternal:
        '{{service}} has externalTrafficPolicy: Local but {{restrictions}}: judging from the template alone (no node inventory), traffic arriving at any other node is dropped, with no local endpoint and no fallback. Widen the DaemonSet to every node or use externalTrafficPolicy: Cluster; pass --nodes to see which nodes are affected.',
      linuxOnly:
        '{{service}} has internalTrafficPolicy: Local and {{restrictions}}. That leaves a gap only if the cluster has Windows nodes: connections from clients on them would be dropped, with no local endpoint and no fallback. Without a node inventory this cannot be told; pass --nodes to check, and if the cluster has Windows nodes that use this Service, use internalTrafficPolicy: Cluster.',
      linuxOnlyExternal:
        '{{service}} has externalTrafficPolicy: Local and {{restrictions}}. That leaves a gap only if the cluster has Windows nodes: traffic arriving at them would be dropped, with no local endpoint and no fallback. Without a node inventory this cannot be told; pass --nodes to check, and if the cluster has Windows nodes that receive this traffic, use externalTrafficPolicy: Cluster.',
    },
  },
  check(ctx) {
    const ls = localService(ctx.run, ctx.manifest);
    if (!ls) return;
    const { field, daemons, others } = ls;
    const svc = `Service ${displayName(ctx.manifest)}`;
    const path = ['spec', field];
    const external = field === 'externalTrafficPolicy';

    if (!daemons.length) {
      const kinds = [...new Set(others.map((w) => w.kind))].join('/');
      ctx.report({
        path,
        messageId: external ? 'notPerNodeExternal' : 'notPerNode',
        data: { service: svc, workloads: `${kinds} ${names(others)}`, verb: others.length === 1 ? 'does' : 'do' },
        related: others.map((w) => ({ manifest: w.manifest, path: ['kind'], message: `${w.kind} ${w.manifest.ref.name ?? ''} runs a fixed number of replicas, not one per node` })),
      });
      return;
    }

    const nodes = ctx.run.nodes;
    if (nodes && nodes.length) {
      const placements = daemons.map((w) => ({ w, p: placementsOf(ctx.run, w)! }));
      const uncovered = nodes.map((n, i) => ({ n, i })).filter(({ i }) => placements.every(({ p }) => !p[i]!.runs));
      if (!uncovered.length) return;
      // Few nodes are named; many are described by the groups they form (`the 300 nodes of pool gpu-a100`).
      const byGroup = uncovered.length > LISTED ? groupOfNode(ctx.run, daemons) : undefined;
      const describe = (list: readonly NodeInfo[]) => (byGroup ? listGroups([...new Set(list.map((n) => byGroup.get(n)!))]) : listNames(list.map((n) => n.name)));
      const reasons = new Set<string>();
      const related: RelatedReport[] = [];
      const relatedSeen = new Map<RelatedReport['manifest'], Set<string>>();
      for (const { w, p } of placements) {
        // Short reasons of the uncovered nodes, each with the nodes (in order) where it applies.
        const nodesOf = new Map<string, NodeInfo[]>();
        for (const { n, i } of uncovered) {
          const here = new Set<string>();
          for (const r of p[i]!.reasons) {
            const short = describeReasonShort(r);
            if (here.has(short)) continue;
            here.add(short);
            const list = nodesOf.get(short);
            if (list) list.push(n);
            else nodesOf.set(short, [n]);
          }
        }
        for (const { i } of uncovered) {
          for (const r of p[i]!.reasons) {
            const short = describeReasonShort(r);
            reasons.add(daemons.length > 1 ? `${w.manifest.ref.name}: ${short}` : short);
            let seen = relatedSeen.get(w.manifest);
            if (!seen) relatedSeen.set(w.manifest, (seen = new Set()));
            if (seen.has(short)) continue;
            seen.add(short);
            related.push({ manifest: w.manifest, path: reasonPath(w, r), message: `DaemonSet ${w.manifest.ref.name}: ${short} (${describe(nodesOf.get(short)!)})` });
          }
        }
      }
      const where = describe(uncovered.map(({ n }) => n));
      const ds = daemons.length === 1 ? `DaemonSet ${names(daemons)} does not run there` : `none of DaemonSets ${names(daemons)} runs there`;
      // Many nodes: the pooled wording names groups (`the 300 nodes of pool gpu-a100`), few: the nodes themselves.
      const messageId = byGroup ? (external ? 'uncoveredPoolsExternal' : 'uncoveredPools') : external ? 'uncoveredExternal' : 'uncovered';
      const data = { service: svc, absent: ds, reasons: [...reasons].join('; ') };
      ctx.report({
        path,
        messageId,
        data: byGroup ? { groups: where, ...data } : { nodes: where, ...data },
        related,
      });
      return;
    }

    // No inventory: judge from the templates alone.
    const analyses = daemons.map((w) => ({ w, a: analyzeTemplate(w.template) }));
    if (analyses.some(({ a }) => !a.restricted)) return;
    const what = analyses.map(({ w, a }) => `DaemonSet ${w.manifest.ref.name} runs only on nodes matching ${a.summary}`).join(', and ');
    // Kept off Windows nodes and nothing else: a gap only in a cluster that has them, which the templates cannot tell.
    const linuxOnly = analyses.every(({ a }) => onlyLinuxRestricted(a));
    ctx.report({
      path,
      ...(linuxOnly ? { severity: 'info' as const } : {}),
      messageId: linuxOnly ? (external ? 'linuxOnlyExternal' : 'linuxOnly') : external ? 'restrictedExternal' : 'restricted',
      data: { service: svc, restrictions: what },
      related: analyses.flatMap(({ w, a }) => a.restrictions.map((r) => ({ manifest: w.manifest, path: r.path, message: `DaemonSet ${w.manifest.ref.name} is restricted by ${r.summary}` }))),
    });
  },
};
export default rule;
