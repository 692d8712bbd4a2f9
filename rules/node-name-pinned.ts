// Guards against a DaemonSet pinned to one node by nodeName, which defeats the point of a DaemonSet.
import { displayName, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'node-name-pinned',
    severity: 'warning',
    description: 'A DaemonSet template must not set nodeName.',
    rationale:
      '`nodeName` in a DaemonSet template sends every daemon Pod to that one node: the DaemonSet runs at most one Pod, the Pods meant for other nodes are rejected by the kubelet, and if the node is renamed or replaced the DaemonSet runs nowhere.',
    remediation: 'Remove nodeName; to limit the DaemonSet to some nodes use a nodeSelector or required node affinity on their labels.',
    kinds: ['DaemonSet'],
    tags: ['correctness', 'node-coverage'],
    messages: {
      pinned:
        'DaemonSet {{name}} pins every Pod to node {{node}} with nodeName: it runs at most one Pod and none once {{node}} is gone, instead of one per node. Remove nodeName; use a nodeSelector or node affinity to limit it to some nodes.',
    },
    docs: `\`spec.template.spec.nodeName\` bypasses the scheduler and binds the Pod to the named node. In a DaemonSet
every Pod inherits it, so the DaemonSet covers at most that one node, and node churn (a replaced or renamed node)
leaves it with none. To restrict a DaemonSet to some nodes, label them and use \`nodeSelector\` or
\`affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution\`. To run something on one node only, use a
Deployment with a nodeSelector.

Invalid:

\`\`\`yaml
kind: DaemonSet
spec:
  template:
    spec:
      nodeName: worker-1
\`\`\`

Valid: \`nodeSelector: {example.com/agent: "true"}\`.`,
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    const nodeName = t.spec.nodeName;
    if (typeof nodeName !== 'string' || nodeName === '') return;
    ctx.report({
      path: [...t.specPath, 'nodeName'],
      messageId: 'pinned',
      data: { name: displayName(ctx.manifest), node: nodeName },
    });
  },
};
export default rule;
