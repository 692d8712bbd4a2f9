/**
 * ValidatingAdmissionPolicies of a run: read from the linted files and the admission policy files, then checked
 * against every linted object by the admission-policy rule.
 */
import { displayName } from '../../k8s/workloads.js';
import { formatPath } from '../../load/format-path.js';
import type { Manifest, RuleContext, SourceFile } from '../../types.js';
import { policyIndex } from '../context.js';
import { checkObject, type Admission } from './evaluate.js';
import { isAdmissionKind, readBinding, readPolicy, type AdmissionPolicy, type Binding, type Problem } from './model.js';

export interface AdmissionCheck {
  check(ctx: RuleContext): void;
}

function read(manifests: readonly Manifest[]) {
  const policies = new Map<string, AdmissionPolicy>();
  const bindings: Binding[] = [];
  const problems: Problem[] = [];
  const seenBindings = new Set<string>();
  for (const m of manifests) {
    if (isAdmissionKind(m, 'ValidatingAdmissionPolicy')) {
      // The same policy in a linted file and a policy file: the linted one counts.
      if (m.ref.name && policies.has(m.ref.name)) continue;
      const p = readPolicy(m, problems);
      if (p) policies.set(p.name, p);
    } else if (isAdmissionKind(m, 'ValidatingAdmissionPolicyBinding')) {
      const b = readBinding(m);
      if (b && !seenBindings.has(b.name)) {
        seenBindings.add(b.name);
        bindings.push(b);
      }
    }
  }
  return { policies, bindings, problems };
}

/** The admission check of a run (policies and bindings from its files and its admission policy files). */
export function admissionFor(run: RuleContext['run']): AdmissionCheck {
  const idx = policyIndex(run);
  const { policies, bindings, problems } = read(idx.all);
  const byPolicy = new Map<string, Binding[]>();
  for (const b of bindings) {
    const l = byPolicy.get(b.policyName);
    if (l) l.push(b);
    else byPolicy.set(b.policyName, [b]);
  }
  const adm: Admission = { pairs: [...policies.values()].filter((p) => byPolicy.has(p.name)).map((policy) => ({ policy, bindings: byPolicy.get(policy.name)! })), strikes: new Map() };
  const problemsOf = new Map<Manifest, Problem[]>();
  for (const p of problems) problemsOf.set(p.manifest, [...(problemsOf.get(p.manifest) ?? []), p]);
  return {
    check(ctx) {
      const m = ctx.manifest;
      for (const p of problemsOf.get(m) ?? [])
        ctx.report({ path: p.path, at: 'value', messageId: 'policyDoesNotCompile', data: { policy: displayName(m), field: formatPath(p.path), error: p.message } });
      if (isAdmissionKind(m, 'ValidatingAdmissionPolicy') && m.ref.name && policies.get(m.ref.name)?.manifest === m && !byPolicy.has(m.ref.name))
        ctx.report({
          path: ['metadata', 'name'],
          severity: 'info',
          messageId: 'noBinding',
          data: { policy: m.ref.name },
        });
      checkObject(m, adm, idx, ctx.report);
    },
  };
}

/** The first expression of an admission policy file that does not compile, as a one-line error; undefined if none. */
export function admissionFileProblem(files: readonly SourceFile[]): string | undefined {
  const { problems } = read(files.flatMap((f) => f.manifests));
  const p = problems[0];
  if (!p) return undefined;
  const r = p.manifest.file.locate(p.manifest.docIndex, [...p.manifest.base, ...p.path], 'value');
  return `${p.manifest.file.path}:${r.line}:${r.column}: ValidatingAdmissionPolicy ${p.manifest.ref.name}: ${formatPath(p.path)}: ${p.message}`;
}
