// Guards against node-local Services whose Pods do not run on every node: clients there lose the Service.
import { describeReasonShort, listNames, analyzeTemplate, type ExclusionReason } from '../src/k8s/nodes.js';
import { placementsOf, selectedWorkloads, type Workload } from '../src/k8s/run-index.js';
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
      restricted:
        '{{service}} has internalTrafficPolicy: Local but {{restrictions}}: judging from the template alone (no node inventory), connections from clients on any other node are dropped, with no local endpoint and no fallback. Widen the DaemonSet to every node or use internalTrafficPolicy: Cluster; pass --nodes to see which nodes are affected.',
      restrictedExternal:
        '{{service}} has externalTrafficPolicy: Local but {{restrictions}}: judging from the template alone (no node inventory), traffic arriving at any other node is dropped, with no local endpoint and no fallback. Widen the DaemonSet to every node or use externalTrafficPolicy: Cluster; pass --nodes to see which nodes are affected.',
    },
  },
  check(ctx) {
    const spec = ctx.object.spec;
    if (!isRecord(spec)) return;
    const field = policyField(spec);
    if (!field) return;
    const selected = selectedWorkloads(ctx.run, ctx.manifest);
    if (!selected.length) return;
    const svc = `Service ${displayName(ctx.manifest)}`;
    const path = ['spec', field];
    const external = field === 'externalTrafficPolicy';
    const daemons = selected.filter((w) => w.kind === 'DaemonSet');
    const others = selected.filter((w) => w.kind !== 'DaemonSet');

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
      const reasons = new Set<string>();
      const related: RelatedReport[] = [];
      const relatedSeen = new Map<RelatedReport['manifest'], Set<string>>();
      for (const { w, p } of placements) {
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
      const ds = daemons.length === 1 ? `DaemonSet ${names(daemons)} does not run there` : `none of DaemonSets ${names(daemons)} runs there`;
      ctx.report({
        path,
        messageId: external ? 'uncoveredExternal' : 'uncovered',
        data: { nodes: listNames(uncovered.map(({ n }) => n.name)), service: svc, absent: ds, reasons: [...reasons].join('; ') },
        related,
      });
      return;
    }

    // No inventory: judge from the templates alone.
    const analyses = daemons.map((w) => ({ w, a: analyzeTemplate(w.template) }));
    if (analyses.some(({ a }) => !a.restricted)) return;
    const what = analyses.map(({ w, a }) => `DaemonSet ${w.manifest.ref.name} runs only on nodes matching ${a.summary}`).join(', and ');
    ctx.report({
      path,
      messageId: external ? 'restrictedExternal' : 'restricted',
      data: { service: svc, restrictions: what },
      related: analyses.flatMap(({ w, a }) => a.restrictions.map((r) => ({ manifest: w.manifest, path: r.path, message: `DaemonSet ${w.manifest.ref.name} is restricted by ${r.summary}` }))),
    });
  },
};
export default rule;
