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
    rationale:
      'The API server keeps one object per group, kind, namespace and name. Applied together, the later definition silently replaces the earlier one (`kubectl apply` keeps the last), and `kustomize build` refuses the duplicate: the object that runs is not the one a reader of the first definition expects.',
    remediation: 'Remove one of the definitions, or give them different names (or namespaces).',
    kinds: '*',
    tags: ['correctness', 'cross-resource'],
    docs: `Objects with the same API group, kind, namespace and name cannot coexist in a cluster. In *different* files
they are alternatives (an environment or variant copy) and are never compared; twice within one deployment unit —
one file, one kustomization, or one \`clusters\` entry of the config — the later definition replaces the earlier
one. The rule reports the definition that wins, once, with every earlier one as a related location.
Identical copies in different files of a directory (the same Namespace in every file of a bundle) are not reported.

Invalid:

\`\`\`yaml
apiVersion: v1
kind: Service
metadata: {name: agent, namespace: edge}
spec:
  selector: {app: agent}
  ports: [{port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: agent, namespace: edge}   # replaces the first one
spec:
  selector: {app: agent}
  ports: [{port: 8081, targetPort: 8080}]
\`\`\`

Valid: one definition per object, or the copies in separate files (one per environment).`,
  },
  check(ctx) {
    const earlier = ctx.run.unit?.shadowed.get(ctx.manifest);
    if (!earlier?.length) return;
    const what = describeIdentity(ctx.manifest);
    const shown = earlier.slice(0, MAX_NAMED);
    const times = earlier.length + 1;
    ctx.report({
      path: ['metadata', 'name'],
      message: `${what} is defined ${times === 2 ? 'twice' : `${times} times`} in one deployment unit: \`kubectl apply\` keeps only this last definition, silently replacing the earlier one${earlier.length > 1 ? 's' : ''}${earlier.length > MAX_NAMED ? ` (${earlier.length - MAX_NAMED} more not shown)` : ''}, and \`kustomize build\` refuses the duplicate. Remove one definition or rename it.`,
      related: shown.map((m) => ({ manifest: m, path: ['metadata', 'name'], message: `earlier definition of ${what}` })),
    });
  },
};
export default rule;
