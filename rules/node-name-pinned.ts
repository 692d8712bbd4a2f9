// Guards against a DaemonSet pinned to one node by nodeName, which defeats the point of a DaemonSet.
import { displayName, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'node-name-pinned',
    severity: 'warning',
    description: 'A DaemonSet template must not set nodeName.',
    kinds: ['DaemonSet'],
    tags: ['correctness', 'node-coverage'],
    messages: {
      pinned:
        'DaemonSet {{name}} pins every Pod to node {{node}} with nodeName: it runs at most one Pod and none once {{node}} is gone, instead of one per node. Remove nodeName; use a nodeSelector or node affinity to limit it to some nodes.',
    },
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
