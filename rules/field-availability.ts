// Guards against Pod template, DaemonSet and Service fields that the target Kubernetes version does not have (or has off).
import { FIELD_FACTS, type FieldFact } from '../src/k8s/field-versions.js';
import { kubeVersionOf } from '../src/k8s/api-availability.js';
import { minorOf } from '../src/k8s/kube-version.js';
import { POD_KINDS, containersOf, getAt, podTemplate } from '../src/k8s/workloads.js';
import { formatPath } from '../src/load/positions.js';
import type { Path, Rule } from '../src/types.js';

const MESSAGES = {
  missing:
    '`{{field}}` ({{what}}) does not exist in Kubernetes {{target}}: it arrived in {{first}}{{stages}}. kubectl rejects it as an unknown field, and with validation off the API server drops it.{{before}}',
  gated:
    '`{{field}}` ({{what}}) is behind the {{gate}} feature gate, off by default in Kubernetes {{target}}{{stages}}: unless the cluster turns the gate on, the API server ignores or rejects the field.{{before}}',
} as const;

type MessageId = keyof typeof MESSAGES;

function render(id: MessageId, data: Record<string, string | number>): string {
  return MESSAGES[id].replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(data[k] ?? ''));
}

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
function holders(f: FieldFact, kind: string, spec: { specPath: Path; containers: { path: Path; init: boolean }[] } | undefined): Path[] {
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
    rationale:
      'Fields such as a DaemonSet\'s `maxSurge`, a Service\'s `internalTrafficPolicy` or `trafficDistribution`, and sidecar containers (`restartPolicy: Always` on an init container) arrived in recent releases, first behind feature gates that are off by default. On an older cluster kubectl rejects the field as unknown or the API server silently drops it, so the rollout, routing or sidecar the manifest describes does not happen.',
    remediation: 'Raise the cluster (and `--kube-version`) to the version the message names, enable the feature gate, or leave the field out (use the older way the message names, if any).',
    kinds: KINDS,
    tags: ['correctness', 'upgrade'],
    docs: `The strict schemas daemonlint bundles are those of Kubernetes 1.35, so they accept every field 1.35 has. This rule
says when a field used in a Pod template (every kind with one), a DaemonSet or a Service is newer than the target
version of the run (\`--kube-version\` or \`kubeVersion\` in config):

- before the release that added the field, kubectl rejects it as an unknown field (or the API server drops it when
  validation is off);
- while its feature gate is alpha (off by default), the API server ignores or rejects it unless the cluster enables
  the gate.

The facts come from the official feature gate reference and cover the fields that matter for node agents and the
Services in front of them: DaemonSet \`updateStrategy.rollingUpdate.maxSurge\` (1.22), Service
\`internalTrafficPolicy\` (1.22), \`loadBalancerClass\` (1.22), \`allocateLoadBalancerNodePorts\` (1.22),
\`trafficDistribution\` (1.31), init containers with \`restartPolicy: Always\` (sidecars, 1.29), Pod \`os\` (1.24),
\`schedulingGates\` (1.27), \`hostUsers: false\` (1.33), \`securityContext.appArmorProfile\` (1.30) and the \`sleep\`
lifecycle action (1.30). Other fields are not judged: their history is not in the bundled schemas.

Invalid with \`--kube-version 1.21\`:

\`\`\`yaml
apiVersion: v1
kind: Service
metadata:
  name: agent
spec:
  selector: {app: agent}
  internalTrafficPolicy: Local   # on by default from 1.22
  ports:
    - port: 9100
\`\`\`

Valid: the same Service with \`--kube-version 1.22\` or later.`,
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
          message: render(exists ? 'gated' : 'missing', {
            field: formatPath(path),
            what: f.what,
            target: ctx.run.kubeVersion,
            first: kubeVersionOf(f.alpha ?? f.onByDefault),
            gate: f.gate,
            stages: stagesOf(f),
            before: f.before ? ` Before ${kubeVersionOf(f.onByDefault)}, use ${f.before}.` : '',
          }),
        });
      }
    }
  },
};
export default rule;
