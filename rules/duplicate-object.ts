// Guards against one deployment unit defining the same object twice: only the last definition survives.
import { describeIdentity } from '../src/units/identity.js';
import type { Rule } from '../src/types.js';

/** Earlier definitions named in one finding before the rest are counted. */
const MAX_NAMED = 5;

const rule: Rule = {
  meta: {
    id: 'duplicate-object',
    severity: 'error',
    description: 'A deployment unit must not define the same object (group, kind, namespace, name) twice.',
    kinds: '*',
    tags: ['correctness', 'cross-resource'],
    messages: {
      twice:
        '{{object}} is defined twice in one deployment unit: `kubectl apply` keeps only this last definition, silently replacing the earlier one, and `kustomize build` refuses the duplicate. Remove one definition or rename it.',
      several:
        '{{object}} is defined {{count}} times in one deployment unit: `kubectl apply` keeps only this last definition, silently replacing the {{earlier}} earlier ones{{notShown}}, and `kustomize build` refuses the duplicates. Keep one definition or rename the others.',
    },
  },
  check(ctx) {
    const earlier = ctx.run.unit?.shadowed.get(ctx.manifest);
    if (!earlier?.length) return;
    const object = describeIdentity(ctx.manifest);
    const related = earlier.slice(0, MAX_NAMED).map((m) => ({ manifest: m, path: ['metadata', 'name'], message: `earlier definition of ${object}` }));
    if (earlier.length === 1) {
      ctx.report({ path: ['metadata', 'name'], messageId: 'twice', data: { object }, related });
      return;
    }
    const notShown = earlier.length > MAX_NAMED ? ` (${earlier.length - MAX_NAMED} of them not shown below)` : '';
    ctx.report({ path: ['metadata', 'name'], messageId: 'several', data: { object, count: earlier.length + 1, earlier: earlier.length, notShown }, related });
  },
};
export default rule;
