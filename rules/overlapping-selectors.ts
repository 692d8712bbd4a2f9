// Guards against two controllers that select each other's Pods and fight over them.
import { overlapsAfter, type ControllerOverlap } from '../src/k8s/overlaps.js';
import { CONTROLLER_KINDS, workloadOf, type Workload } from '../src/k8s/run-index.js';
import { describeRequirement } from '../src/k8s/selectors.js';
import type { Rule } from '../src/types.js';

function label(w: Workload): string {
  return `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`;
}

/** Overlapping controllers named in one finding before the rest are counted. */
const MAX_NAMED = 5;

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
files of the run and reports each overlap once, on the controller that comes first: one finding per controller, naming
the later controllers it overlaps (up to five, then a count) as related locations.
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
    // The controllers after this one that overlap it, found through groups of identical controllers (one finding per
    // controller, naming the first few and counting the rest: n identical controllers cost n, not n²).
    const found = overlapsAfter(ctx.run, ctx.manifest, MAX_NAMED);
    if (!found?.count) return;
    const self = workloadOf(ctx.run, ctx.manifest)!;
    const sel = (w: Workload) => w.selector!.requirements.map(describeRequirement).join(', ');
    const howOf = (o: ControllerOverlap) =>
      o.mineMatchesTheirs && o.theirsMatchesMine
        ? `each selector (${sel(self)} / ${sel(o.other)}) matches both Pod templates`
        : o.mineMatchesTheirs
          ? `the selector ${sel(self)} of ${label(self)} also matches the Pods of ${label(o.other)}`
          : `the selector ${sel(o.other)} of ${label(o.other)} also matches the Pods of ${label(self)}`;
    const { count, first: shown } = found;
    const first = shown[0]!;
    const others = count === 1 ? label(first.other) : `${shown.map((o) => label(o.other)).join(', ')}${count > MAX_NAMED ? ` and ${count - MAX_NAMED} more` : ''}`;
    const how = count === 1 ? howOf(first) : `e.g. with ${label(first.other)}, ${howOf(first)}`;
    ctx.report({
      path: ['spec', 'selector'],
      message: `${label(self)} and ${others} in namespace ${self.namespace} select the same Pods: ${how}, so the controllers fight over them and delete or replace each other's Pods. Add a label unique to each template and select on it.`,
      related: shown.map((o) => ({ manifest: o.other.manifest, path: ['spec', 'selector'], message: `selector of ${label(o.other)}` })),
    });
  },
};
export default rule;
