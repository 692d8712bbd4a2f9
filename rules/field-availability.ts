// Guards against Pod template, DaemonSet and Service fields that the target Kubernetes version does not have (or has off).
import { FIELD_FACTS, type FieldFact } from '../src/k8s/field-versions.js';
import { kubeVersionOf } from '../src/k8s/api-availability.js';
import { minorOf } from '../src/k8s/kube-version.js';
import { POD_KINDS, containersOf, getAt, podTemplate } from '../src/k8s/workloads.js';
import { formatPath } from '../src/load/positions.js';
import type { Path, Rule } from '../src/types.js';

const KINDS = [...POD_KINDS, 'Service'] as const;

/** The stages of a gate in words: `(alpha in 1.21, on by default from 1.22, GA in 1.25)`. */
function stagesOf(f: FieldFact): string {
  const parts: string[] = [];
  if (f.alpha !== undefined) parts.push(`alpha in ${kubeVersionOf(f.alpha)}`);
  parts.push(`on by default from ${kubeVersionOf(f.onByDefault)}`);
  if (f.ga !== undefined) parts.push(`GA in ${kubeVersionOf(f.ga)}`);
  return ` (${f.gate}: ${parts.join(', ')})`;
}

/** The places a fact applies to in an object: paths of the field's holder. */
function holders(f: FieldFact, kind: string, spec: { specPath: Path; containers: readonly { path: Path; init: boolean }[] } | undefined): Path[] {
  switch (f.scope) {
    case 'object':
      return f.kinds?.includes(kind) ? [[]] : [];
    case 'pod':
      return spec ? [spec.specPath] : [];
    case 'container':
      return spec ? spec.containers.map((c) => c.path) : [];
    case 'initContainer':
      return spec ? spec.containers.filter((c) => c.init).map((c) => c.path) : [];
  }
}

const rule: Rule = {
  meta: {
    id: 'field-availability',
    severity: 'warning',
    description: 'A Pod template, DaemonSet or Service uses a field that the target Kubernetes version (--kube-version) does not have, or has behind a feature gate that is off by default.',
    kinds: KINDS,
    tags: ['correctness', 'upgrade'],
    messages: {
      missing:
        '`{{field}}` ({{what}}) does not exist in Kubernetes {{target}}: it arrived in {{first}}{{stages}}. kubectl rejects it as an unknown field, and with validation off the API server drops it.{{before}}',
      gated:
        '`{{field}}` ({{what}}) is behind the {{gate}} feature gate, off by default in Kubernetes {{target}}{{stages}}: unless the cluster turns the gate on, the API server ignores or rejects the field.{{before}}',
    },
  },

  check(ctx) {
    const minor = minorOf(ctx.run.kubeVersion);
    const m = ctx.manifest;
    const t = m.ref.kind === 'Service' ? undefined : podTemplate(m);
    const spec = t ? { specPath: t.specPath, containers: containersOf(t) } : undefined;
    for (const f of FIELD_FACTS) {
      if (minor >= f.onByDefault) continue;
      for (const holder of holders(f, m.ref.kind, spec)) {
        const path = [...holder, ...f.path];
        const value = getAt(m.object, path);
        if (value === undefined || value === null) continue;
        const exists = f.alpha !== undefined && minor >= f.alpha;
        // Where the field exists but its gate is off, only the new value matters (`hostUsers: true` changes nothing).
        if (exists && f.value !== undefined && value !== f.value) continue;
        ctx.report({
          path,
          at: 'key',
          messageId: exists ? 'gated' : 'missing',
          data: {
            field: formatPath(path),
            what: f.what,
            target: ctx.run.kubeVersion,
            first: kubeVersionOf(f.alpha ?? f.onByDefault),
            gate: f.gate,
            stages: stagesOf(f),
            before: f.before ? ` Before ${kubeVersionOf(f.onByDefault)}, use ${f.before}.` : '',
          },
        });
      }
    }
  },
};
export default rule;
