// Guards against Pod templates the API server rejects for controllers that keep Pods running.
import { LONG_RUNNING_KINDS, podTemplate } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'restart-policy',
    severity: 'error',
    description: 'A DaemonSet, Deployment, ReplicaSet or StatefulSet template must use restartPolicy Always and no activeDeadlineSeconds.',
    kinds: LONG_RUNNING_KINDS,
    tags: ['correctness', 'api-rejects'],
    fixable: true,
    messages: {
      restartPolicy:
        'restartPolicy {{value}} is not allowed in a {{kind}} template: the API server only accepts Always for controllers that keep Pods running. Remove the field or set it to Always.',
      activeDeadline:
        'activeDeadlineSeconds is forbidden in a DaemonSet template: daemon Pods run until their node goes away, and the API server rejects the field. Remove it.',
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    const kind = ctx.manifest.ref.kind;
    const rp = t.spec.restartPolicy;
    if (rp !== undefined && rp !== null && rp !== 'Always') {
      ctx.report({
        path: [...t.specPath, 'restartPolicy'],
        messageId: 'restartPolicy',
        data: { value: JSON.stringify(rp), kind },
        fix: { description: 'Set restartPolicy to Always', edits: [{ op: 'set', path: [...t.specPath, 'restartPolicy'], value: 'Always' }] },
      });
    }
    if (kind === 'DaemonSet' && t.spec.activeDeadlineSeconds !== undefined) {
      ctx.report({
        path: [...t.specPath, 'activeDeadlineSeconds'],
        messageId: 'activeDeadline',
        fix: { description: 'Remove activeDeadlineSeconds', edits: [{ op: 'delete', path: [...t.specPath, 'activeDeadlineSeconds'] }] },
      });
    }
  },
};
export default rule;
