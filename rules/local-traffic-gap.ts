// Guards against node-local Services whose Pods do not run on every node: clients there lose the Service.
import { describeReasonShort, listNames, analyzeTemplate, onlyLinuxRestricted, type ExclusionReason } from '../src/k8s/nodes.js';
import { localPolicyField } from '../src/k8s/nodes-local-traffic.js';
import { groupNodes, listGroups, type NodeGroup } from '../src/k8s/nodes-pools.js';
import { perSelection, placementsOf, sharedSelection, type Workload } from '../src/k8s/run-index.js';
import { displayName, isRecord } from '../src/k8s/workloads.js';
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
    const spec = ctx.object.spec;
    if (!isRecord(spec)) return;
    const field = localPolicyField(spec);
    if (!field) return;
    const selected = sharedSelection(ctx.run, ctx.manifest);
    if (!selected.length) return;
    const svc = `Service ${displayName(ctx.manifest)}`;
    const path = ['spec', field];
    const external = field === 'externalTrafficPolicy';
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
        messageId: external ? 'notPerNodeExternal' : 'notPerNode',
        data: { service: svc, workloads: `${kinds} ${otherNames}`, verb: others.length === 1 ? 'does' : 'do' },
        related: others.slice(0, MAX_DESCRIBED).map((w) => ({ manifest: w.manifest, path: ['kind'], message: `${w.kind} ${w.manifest.ref.name ?? ''} runs a fixed number of replicas, not one per node` })),
      });
      return;
    }

    const nodes = ctx.run.nodes;
    if (nodes && nodes.length) {
      const gaps = perSelection(ctx.run, GAPS_KEY, selected, () => {
        const placements = daemons.map((w) => ({ w, p: placementsOf(ctx.run, w)! }));
        const uncovered = nodes.map((n, i) => ({ n, i })).filter(({ i }) => placements.every(({ p }) => !p[i]!.runs));
        if (!uncovered.length) return null; // Not undefined: perSelection keeps it too.
        // Few nodes are named; many are described by the groups they form (`the 300 nodes of pool gpu-a100`).
        const byGroup = uncovered.length > LISTED ? groupOfNode(ctx.run, daemons) : undefined;
        const describe = (list: readonly NodeInfo[]) => (byGroup ? listGroups([...new Set(list.map((n) => byGroup.get(n)!))]) : listNames(list.map((n) => n.name)));
        const reasons = new Set<string>();
        const related: RelatedReport[] = [];
        const relatedSeen = new Map<RelatedReport['manifest'], Set<string>>();
        // Why: the first DaemonSets one by one, the rest counted.
        for (const { w, p } of placements.slice(0, MAX_DESCRIBED)) {
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
        return { byGroup: byGroup !== undefined, where: describe(uncovered.map(({ n }) => n)), reasons, related };
      });
      if (!gaps) return;
      const ds = daemons.length === 1 ? `DaemonSet ${daemonNames} does not run there` : `none of DaemonSets ${daemonNames} runs there`;
      const more = daemons.length > MAX_DESCRIBED ? `; ${daemons.length - MAX_DESCRIBED} more DaemonSets not described here` : '';
      // Many nodes: the pooled wording names groups (`the 300 nodes of pool gpu-a100`), few: the nodes themselves.
      const messageId = gaps.byGroup ? (external ? 'uncoveredPoolsExternal' : 'uncoveredPools') : external ? 'uncoveredExternal' : 'uncovered';
      const data = { service: svc, absent: ds, reasons: [...gaps.reasons].join('; ') + more };
      ctx.report({
        path,
        messageId,
        data: gaps.byGroup ? { groups: gaps.where, ...data } : { nodes: gaps.where, ...data },
        related: gaps.related,
      });
      return;
    }

    // No inventory: judge from the templates alone.
    const { analyses, everyRestricted, linuxOnly } = perSelection(ctx.run, ANALYSES_KEY, selected, () => {
      const analyses = daemons.map((w) => ({ w, a: analyzeTemplate(w.template) }));
      // Kept off Windows nodes and nothing else: a gap only in a cluster that has them, which the templates cannot tell.
      return { analyses, everyRestricted: analyses.every(({ a }) => a.restricted), linuxOnly: analyses.every(({ a }) => onlyLinuxRestricted(a)) };
    });
    if (!everyRestricted) return;
    const what =
      analyses
        .slice(0, MAX_DESCRIBED)
        .map(({ w, a }) => `DaemonSet ${w.manifest.ref.name} runs only on nodes matching ${a.summary}`)
        .join(', and ') + (analyses.length > MAX_DESCRIBED ? `, and ${analyses.length - MAX_DESCRIBED} more DaemonSets are restricted too` : '');
    ctx.report({
      path,
      ...(linuxOnly ? { severity: 'info' as const } : {}),
      messageId: linuxOnly ? (external ? 'linuxOnlyExternal' : 'linuxOnly') : external ? 'restrictedExternal' : 'restricted',
      data: { service: svc, restrictions: what },
      related: analyses.slice(0, MAX_DESCRIBED).flatMap(({ w, a }) => a.restrictions.map((r) => ({ manifest: w.manifest, path: r.path, message: `DaemonSet ${w.manifest.ref.name} is restricted by ${r.summary}` }))),
    });
  },
};
export default rule;
