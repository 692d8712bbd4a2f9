// Guards against two controllers that select each other's Pods and fight over them.
import { CONTROLLER_KINDS, runWorkloads, workloadOf, type Workload } from '../src/k8s/run-index.js';
import { describeRequirement, selectorMatches } from '../src/k8s/selectors.js';
import { isRecord } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

function ownedByController(w: Workload): boolean {
  const md = w.manifest.object.metadata;
  return isRecord(md) && Array.isArray(md.ownerReferences) && md.ownerReferences.some((o: unknown) => isRecord(o) && o.controller === true);
}

function label(w: Workload): string {
  return `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`;
}

const rule: Rule = {
  meta: {
    id: 'overlapping-selectors',
    severity: 'warning',
    description: 'Two controllers in one namespace must not have selectors that match the same Pod template.',
    rationale:
      'A controller counts every Pod its selector matches: with two controllers matching the same Pods, each sees the other\'s Pods as extra (or as its own) and deletes or replaces them, so both keep churning Pods and neither reaches its desired state.',
    remediation: 'Give each controller a label that only its own template carries, and include it in its selector.',
    kinds: CONTROLLER_KINDS,
    tags: ['correctness', 'cross-resource'],
    docs: `DaemonSets, Deployments, ReplicaSets, StatefulSets and ReplicationControllers find their Pods by
\`spec.selector\`. When the selector of one controller matches the Pod template labels of another controller in the
same namespace, both claim those Pods: a DaemonSet deletes extra Pods that match its selector, a ReplicaSet adopts
or removes Pods beyond its replica count. The rule compares every pair of controllers in a namespace across all
files of the run and reports once per pair, on the controller that comes first, with the other as related location.
Objects owned by a controller (\`ownerReferences\` with \`controller: true\`, e.g. a Deployment's ReplicaSet in
\`kubectl get -o yaml\` output) are skipped.

Invalid:

\`\`\`yaml
kind: DaemonSet
metadata: {name: log-agent}
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent, role: logs}}}
---
kind: DaemonSet
metadata: {name: metrics-agent}
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent, role: metrics}}}
\`\`\`

Valid: select \`{app: agent, role: logs}\` and \`{app: agent, role: metrics}\`.`,
  },
  check(ctx) {
    const self = workloadOf(ctx.run, ctx.manifest);
    if (!self?.selector || ownedByController(self)) return;
    for (const other of runWorkloads(ctx.run)) {
      if (other.index <= self.index || other.namespace !== self.namespace || !other.selector) continue;
      if (!(CONTROLLER_KINDS as readonly string[]).includes(other.kind) || ownedByController(other)) continue;
      const mineMatchesTheirs = selectorMatches(self.selector, other.labels);
      const theirsMatchesMine = selectorMatches(other.selector, self.labels);
      if (!mineMatchesTheirs && !theirsMatchesMine) continue;
      const sel = (w: Workload) => w.selector!.requirements.map(describeRequirement).join(', ');
      const how =
        mineMatchesTheirs && theirsMatchesMine
          ? `each selector (${sel(self)} / ${sel(other)}) matches both Pod templates`
          : mineMatchesTheirs
            ? `the selector ${sel(self)} of ${label(self)} also matches the Pods of ${label(other)}`
            : `the selector ${sel(other)} of ${label(other)} also matches the Pods of ${label(self)}`;
      ctx.report({
        path: ['spec', 'selector'],
        message: `${label(self)} and ${label(other)} in namespace ${self.namespace} select the same Pods: ${how}, so the controllers fight over them and delete or replace each other's Pods. Add a label unique to each template and select on it.`,
        related: [{ manifest: other.manifest, path: ['spec', 'selector'], message: `selector of ${label(other)}` }],
      });
    }
  },
};
export default rule;
