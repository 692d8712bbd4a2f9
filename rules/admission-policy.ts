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
    kinds: '*',
    tags: ['policy', 'admission'],
    // The messages of the API server where it has one (rejection, warning), with the object named first.
    messages: {
      denied: "{{object}} would be rejected: ValidatingAdmissionPolicy '{{policy}}' with binding '{{binding}}' denied request: {{message}}",
      warned: "{{object}} would get a warning: Validation failed for ValidatingAdmissionPolicy '{{policy}}' with binding '{{binding}}': {{message}}",
      audited:
        "{{object}} fails ValidatingAdmissionPolicy '{{policy}}' with binding '{{binding}}' (Audit only: recorded in the audit log, not rejected): {{message}}",
      notChecked: "{{object}} was not checked against ValidatingAdmissionPolicy '{{policy}}' (binding '{{binding}}'): {{reason}}.",
      policyDoesNotCompile: 'ValidatingAdmissionPolicy {{policy}}: {{field}} does not compile, so the API server rejects the policy: {{error}}.',
      noBinding:
        'ValidatingAdmissionPolicy {{policy}} has no ValidatingAdmissionPolicyBinding among the files, so it was not evaluated (a policy without a binding has no effect).',
    },
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
