// Runs the cluster's own ValidatingAdmissionPolicies before merge, instead of learning about them from kubectl apply.
import type { AdmissionCheck } from '../src/policy/index.js';
import type { Rule, RunContext } from '../src/types.js';

const KEY = 'daemonlint:rule:admission-policy';

function hasBindings(run: RunContext): boolean {
  const isBinding = (kind: string) => kind === 'ValidatingAdmissionPolicyBinding';
  return run.manifests.some((m) => isBinding(m.ref.kind)) || (run.policyManifests ?? []).some((m) => isBinding(m.ref.kind));
}

function hasPolicies(run: RunContext): boolean {
  return hasBindings(run) || run.manifests.some((m) => m.ref.kind === 'ValidatingAdmissionPolicy');
}

const rule: Rule = {
  meta: {
    id: 'admission-policy',
    severity: 'error',
    description: 'An object must pass the ValidatingAdmissionPolicies (and their bindings) among the linted files or given with --policy.',
    rationale:
      'The API server evaluates ValidatingAdmissionPolicies when an object is created: a manifest that fails one is rejected by kubectl apply (Deny), gets a warning (Warn) or is recorded in the audit log (Audit). Checking before merge moves that failure from the deployment to the pull request.',
    remediation: 'Change the object so that the failed validation holds (the message says which), or change the policy or its binding.',
    kinds: '*',
    tags: ['policy', 'admission'],
    docs: `The rule evaluates every ValidatingAdmissionPolicy that has a ValidatingAdmissionPolicyBinding, both found among
the linted files or in the files given with \`--policy PATH\` (or the config's \`admissionPolicies\`), against every linted
object, the way the API server admits the object's creation:

- \`matchConstraints\` of the policy and \`matchResources\` of the binding: resource rules (API groups, versions,
  resources, operations, scope, resource names), excluded resources, namespace and object selectors;
- \`matchConditions\`, \`variables\`, then each of \`validations\` with its \`message\`, \`messageExpression\` and \`reason\`;
- \`paramKind\` with the binding's \`paramRef\` (by name or selector, namespaced or not), resolved among the objects;
- the binding's \`validationActions\`: **Deny** is an error (kubectl apply fails), **Warn** a warning, **Audit** info;
- \`failurePolicy\` for expressions that fail to evaluate: **Fail** reports the rejection, **Ignore** reports nothing.

The finding points at the field the failed expression reads (\`spec.replicas\` for \`object.spec.replicas <= 5\`),
or at the object's name, and links the validation, the binding and the parameter object. Each object is evaluated as
a CREATE request by an ordinary user (\`request.userInfo\` is empty; \`oldObject\` is null).

What cannot be known offline is reported as **not checked** (info), never as a verdict: a namespace selector that needs
the labels of a namespace whose Namespace manifest is not among the files, parameter objects that are not among the
files, and expressions that use the authorizer, optional syntax or functions outside daemonlint's CEL library. An
expression that does not compile makes the API server reject the policy itself; that is reported on the policy.

Invalid (with the policy and binding below, in a namespace labelled \`environment: test\`):

\`\`\`yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: max-replicas.example.com
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [deployments]
  validations:
    - expression: object.spec.replicas <= 5
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: max-replicas-test.example.com
spec:
  policyName: max-replicas.example.com
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels: {environment: test}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: test
spec:
  replicas: 8   # would be rejected: failed expression: object.spec.replicas <= 5
\`\`\`

Valid: \`replicas: 3\`, or the same Deployment in a namespace without the label.`,
  },
  async prepare(run) {
    if (!hasPolicies(run)) return;
    const { admissionFor } = await import('../src/policy/index.js');
    run.cache.set(KEY, admissionFor(run));
  },
  check(ctx) {
    (ctx.run.cache.get(KEY) as AdmissionCheck | undefined)?.check(ctx);
  },
};
export default rule;
