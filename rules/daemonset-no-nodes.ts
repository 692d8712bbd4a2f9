// Guards against DaemonSets that the node inventory shows would run nowhere.
import { describeReason, type ExclusionReason } from '../src/k8s/nodes.js';
import { placementsOf, workloadOf } from '../src/k8s/run-index.js';
import { displayName } from '../src/k8s/workloads.js';
import type { Path, RelatedReport, Rule } from '../src/types.js';

const LISTED = 5;
const ORDER: ExclusionReason['kind'][] = ['nodeSelector', 'affinity', 'nodeName', 'taint'];

const rule: Rule = {
  meta: {
    id: 'daemonset-no-nodes',
    severity: 'error',
    description: 'A DaemonSet must run on at least one node of the node inventory.',
    rationale:
      'A DaemonSet whose nodeSelector, required node affinity, nodeName or missing tolerations exclude every node creates no Pod at all, and nothing fails loudly: `kubectl get ds` just shows 0 desired Pods.',
    remediation: 'Fix the nodeSelector or affinity so that it matches the intended nodes\' labels, or add tolerations for their taints.',
    kinds: ['DaemonSet'],
    tags: ['correctness', 'cross-resource', 'node-coverage', 'needs-inventory'],
    messages: {
      runsNowhere:
        'DaemonSet {{name}} runs on none of the {{nodeCount}} in the inventory, so it creates no Pod: {{skipped}}. Fix the node restriction or add tolerations for the nodes it should cover.',
    },
    docs: `Only runs with a node inventory (\`--nodes FILE\`, the output of \`kubectl get nodes -o yaml\` or \`-o json\`).
Each node is checked the way the scheduler and the DaemonSet controller check it: every nodeSelector label must
match, one required node-affinity term must match (In, NotIn, Exists, DoesNotExist, Gt, Lt, matchFields on
metadata.name), \`nodeName\` must name the node, and every NoSchedule/NoExecute taint must be tolerated — by the
template or by the tolerations the controller adds itself (not-ready, unreachable, disk/memory/PID pressure,
unschedulable; network-unavailable only with hostNetwork). When no node qualifies, the DaemonSet creates no Pod.

The finding names each node (up to five) with the reason it is skipped, and points at the restriction that
excludes the most nodes.

Invalid (every node in the inventory is labelled \`kubernetes.io/os\`, none \`os\`):

\`\`\`yaml
spec:
  template:
    spec:
      nodeSelector:
        os: linux
\`\`\`

Valid: \`nodeSelector: {kubernetes.io/os: linux}\`.`,
  },
  check(ctx) {
    const nodes = ctx.run.nodes;
    if (!nodes || !nodes.length) return;
    const w = workloadOf(ctx.run, ctx.manifest);
    if (!w) return;
    const placements = placementsOf(ctx.run, w)!;
    if (placements.some((p) => p.runs)) return;
    // Nodes that pass the label restrictions and are only kept off by taints: the tolerations are what is missing.
    // Otherwise point at the label restriction that excludes the most nodes.
    const onlyTainted = placements.some((p) => p.reasons.every((r) => r.kind === 'taint'));
    let path: Path = w.constraints.tolerationsPath;
    if (!onlyTainted) {
      const counts = new Map<ExclusionReason['kind'], { n: number; path: Path }>();
      for (const p of placements) {
        for (const r of p.reasons) {
          if (r.kind === 'taint' || p.reasons.find((x) => x.kind === r.kind) !== r) continue;
          const c = counts.get(r.kind) ?? { n: 0, path: r.kind === 'nodeSelector' ? w.constraints.nodeSelector!.path : r.path };
          c.n++;
          counts.set(r.kind, c);
        }
      }
      const best = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]))[0];
      if (best) path = best[1].path;
    }
    const listed = placements.slice(0, LISTED).map((p) => `${p.node.name} (${p.reasons.map(describeReason).join('; ')})`);
    const more = placements.length > LISTED ? ` and ${placements.length - LISTED} more` : '';
    const related: RelatedReport[] = placements
      .filter((p) => p.node.manifest)
      .slice(0, 3)
      .map((p) => ({ manifest: p.node.manifest!, path: ['metadata', 'name'], message: `node ${p.node.name}: ${p.reasons.map(describeReason).join('; ')}` }));
    ctx.report({
      path,
      messageId: 'runsNowhere',
      data: { name: displayName(ctx.manifest), nodeCount: `${nodes.length} node${nodes.length === 1 ? '' : 's'}`, skipped: `${listed.join(', ')}${more}` },
      related,
    });
  },
};
export default rule;
