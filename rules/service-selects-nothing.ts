// Guards against Services whose selector matches no Pod template: they have no endpoints.
import { runWorkloads, serviceSelector, type Workload } from '../src/k8s/run-index.js';
import { describeRequirement, failedRequirements, selectorMatches } from '../src/k8s/selectors.js';
import { displayName } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'service-selects-nothing',
    severity: 'warning',
    description: 'A Service selector must match the Pod template of a workload in its namespace.',
    rationale:
      'A Service whose selector matches no Pod has no endpoints: every connection to it fails (refused or timed out), usually because of a typo in a label or a Service placed in the wrong namespace.',
    remediation: 'Make the Service selector equal to (a subset of) the Pod template labels of the workload it fronts, in the same namespace.',
    kinds: ['Service'],
    tags: ['correctness', 'cross-resource'],
    docs: `A Service sends traffic to the Pods its \`spec.selector\` matches, in its own namespace. When no Pod
template of any workload (DaemonSet, Deployment, StatefulSet, ReplicaSet, Job, CronJob or a bare Pod) in that
namespace carries all the selector's labels, the Service has no endpoints.

The rule only speaks when the run contains workloads in the Service's namespace: a Service linted on its own,
or one in front of Pods defined elsewhere, is left alone. Services without a selector (with manually managed
EndpointSlices) and ExternalName Services are skipped. The finding names the workload whose labels come closest.

Invalid:

\`\`\`yaml
kind: Service
spec:
  selector: {app: node-agnet}   # the DaemonSet's Pods are labelled app: node-agent
\`\`\`

Valid: \`selector: {app: node-agent}\`.`,
  },
  check(ctx) {
    const sel = serviceSelector(ctx.object);
    if (!sel) return;
    const inNs = runWorkloads(ctx.run).filter((w) => w.namespace === ctx.manifest.namespace);
    if (!inNs.length) return;
    if (inNs.some((w) => selectorMatches(sel, w.labels))) return;
    // Closest workload: most requirements met, then most selector keys present with another value.
    let closest: { w: Workload; score: number } | undefined;
    for (const w of inNs) {
      const failed = failedRequirements(sel, w.labels);
      const score = (sel.requirements.length - failed.length) * 2 + failed.filter((r) => w.labels[r.key] !== undefined).length;
      if (score > 0 && (!closest || score > closest.score)) closest = { w, score };
    }
    const want = sel.requirements.map(describeRequirement).join(', ');
    let hint = '';
    const elsewhere = runWorkloads(ctx.run).find((w) => w.namespace !== ctx.manifest.namespace && selectorMatches(sel, w.labels));
    if (elsewhere) {
      hint = ` ${elsewhere.kind} ${elsewhere.manifest.ref.name ?? '(unnamed)'} in namespace ${elsewhere.namespace} matches: is the Service in the wrong namespace?`;
    } else if (closest) {
      const misses = failedRequirements(sel, closest.w.labels).map((r) =>
        closest!.w.labels[r.key] === undefined ? `no ${r.key} label` : `${r.key}=${closest!.w.labels[r.key]}`,
      );
      hint = ` The closest is ${closest.w.kind} ${closest.w.manifest.ref.name ?? '(unnamed)'}, whose Pods have ${misses.join(', ')}.`;
    }
    const near = elsewhere ?? closest?.w;
    ctx.report({
      path: ['spec', 'selector'],
      message: `Service ${displayName(ctx.manifest)} selects ${want}, but no Pod template in namespace ${ctx.manifest.namespace} has these labels: the Service has no endpoints and every connection to it fails.${hint} Fix the selector or the template labels.`,
      related: near ? [{ manifest: near.manifest, path: near.template.metadataPath.concat('labels'), message: `Pod template labels of ${near.kind} ${near.manifest.ref.name ?? ''}` }] : undefined,
    });
  },
};
export default rule;
