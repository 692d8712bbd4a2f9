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
    kinds: ['DaemonSet'],
    tags: ['correctness', 'cross-resource', 'node-coverage', 'needs-inventory'],
    messages: {
      runsNowhere:
        'DaemonSet {{name}} runs on none of the {{nodeCount}} in the inventory, so it creates no Pod: {{skipped}}. Fix the node restriction or add tolerations for the nodes it should cover.',
    },
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
