// Guards against objects the target Kubernetes version does not serve: removed or misspelt apiVersions and kinds.
import { crdIndexOf } from '../src/crd/definitions.js';
import { availability, builtinLookalike, kubeVersionOf, type ApiChange, type Availability } from '../src/k8s/api-availability.js';
import { minorOf } from '../src/k8s/kube-version.js';
import { migrateDaemonSet } from '../src/k8s/migrate.js';
import { POD_KINDS } from '../src/k8s/workloads.js';
import type { Fix, Manifest, Rule, RunContext } from '../src/types.js';

const MESSAGES = {
  removed:
    '`{{apiVersion}}` {{kind}} was removed in Kubernetes {{removed}} (the target is {{target}}): the API server rejects the object. {{instead}}{{notes}}{{others}}{{blocked}}',
  deprecated: '`{{apiVersion}}` {{kind}} is deprecated and stops being served in Kubernetes {{removed}} (the target is {{target}}). {{instead}}{{notes}}{{blocked}}',
  notYet: '`{{apiVersion}}` {{kind}} is served from Kubernetes {{since}} only, so the target {{target}} rejects the object{{older}}.',
  wrongGroup: '{{kind}} is not a kind of `{{apiVersion}}`: it is served by {{elsewhere}}. The API server rejects the object, and daemonlint does not lint the rest of it.',
  unknownKind: '`{{apiVersion}}` has no kind {{kind}}{{suggestion}}. The API server rejects the object, and daemonlint does not lint the rest of it.',
  unknownApi: '`{{apiVersion}}` is not a Kubernetes API version{{suggestion}}. The API server rejects the object, and daemonlint does not lint the rest of it.',
  lookalike:
    '`{{group}}` is not a built-in API group and no CustomResourceDefinition of this run defines {{kind}} in it; did you mean `{{apiVersion}}`? A custom resource without its CRD is rejected.',
} as const;

type MessageId = keyof typeof MESSAGES;

function render(id: MessageId, data: Record<string, string | number>): string {
  return MESSAGES[id].replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(data[k] ?? ''));
}

const STATE = 'api-version:verdicts';
const code = (s: string) => '`' + s + '`';

function verdicts(run: RunContext): Map<Manifest, Availability> {
  return run.cache.get(STATE) as Map<Manifest, Availability>;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The notable changes of a migration, as one sentence. */
function notesOf(change: ApiChange): string {
  return change.notes?.length ? ` Changes in the new version: ${change.notes.join('; ')}.` : '';
}

/** What `--fix` does for a removed or deprecated apiVersion: the DaemonSet migration, or a rename when nothing else changes. */
function migration(m: Manifest, change: ApiChange, use: string | undefined): { fix?: Fix; blocked?: string } {
  if (!use) return {};
  const ds = migrateDaemonSet(m);
  if (ds) return 'fix' in ds ? { fix: ds.fix } : { blocked: ds.blocked };
  if (change.sameShape && !change.replacements.find((r) => r.apiVersion === use)?.kind)
    return { fix: { description: `Set apiVersion to ${use}`, edits: [{ op: 'set', path: ['apiVersion'], value: use }] } };
  return {};
}

const rule: Rule = {
  meta: {
    id: 'api-version',
    severity: 'error',
    description: 'An object must use an apiVersion and kind that the target Kubernetes version (--kube-version) serves: not removed, not misspelt; deprecated ones are warned about.',
    rationale:
      'Kubernetes stops serving beta APIs a few releases after their replacement: an `extensions/v1beta1` DaemonSet, a `policy/v1beta1` PodSecurityPolicy or a `rbac.authorization.k8s.io/v1beta1` RoleBinding is rejected by every current API server, so the whole manifest fails to apply at the next upgrade. A misspelt apiVersion or kind is rejected the same way ("no matches for kind").',
    remediation: 'Move the object to the replacement apiVersion the message names (with the changes it lists), or fix the spelling of apiVersion and kind.',
    kinds: '*',
    tags: ['correctness', 'api-rejects', 'upgrade'],
    fixable: true,
    docs: `Checks every object's \`apiVersion\` and \`kind\` against the Kubernetes version of the run (\`--kube-version\` or
\`kubeVersion\` in config, 1.16 to 1.35, default 1.35), using the official "Deprecated API Migration Guide":

- an apiVersion the target no longer serves is an **error** naming the version that removed it, the replacement
  (served by the target) and the notable changes of the replacement; PodSecurityPolicy, which has none, points to
  Pod Security Admission;
- an apiVersion the target still serves but has deprecated is a **warning** with the version that removes it;
- a kind the target does not serve yet (\`batch/v1\` CronJob before 1.21) is an error naming the older apiVersion
  to use until then;
- an apiVersion no Kubernetes version has (\`apps/v2\`, \`app/v1\`) or a kind its apiVersion never had
  (\`apps/v1\` CronJob, \`Daemonset\`) is an error with a "did you mean". Such an object is not linted by any other
  rule: what they would say assumes an object the API server accepts.

Custom resources (any API group that is not built-in) are not judged here: \`custom-resource-schema\` checks them
against their CRD. A custom-looking group a letter or two away from a built-in one, with a built-in kind and no CRD
in the run (\`rbac.authorisation.k8s.io/v1\` ClusterRole), is a warning.

Other rules still lint an object with a removed apiVersion that has a replacement of the same kind: its Pod template
and selectors stay the same after the migration, so their findings are the ones it will have once migrated (the
message says so). The strict schema rule skips it (only current apiVersions are bundled).

Invalid, for any target from 1.16:

\`\`\`yaml
apiVersion: extensions/v1beta1   # removed in 1.16: use apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: agent:1.0
\`\`\`

Valid:

\`\`\`yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  updateStrategy:
    type: OnDelete               # what extensions/v1beta1 did by default
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: agent:1.0
\`\`\`

Fix: \`--fix\` migrates an \`extensions/v1beta1\` or \`apps/v1beta2\` DaemonSet to \`apps/v1\`: it sets the apiVersion,
adds \`spec.selector.matchLabels\` from the template labels when the selector is missing (what extensions/v1beta1
defaulted it to), writes \`updateStrategy: {type: OnDelete}\` when an extensions/v1beta1 DaemonSet left it to its
default (apps/v1 defaults to RollingUpdate, which would replace every node's Pod on the next change; apps/v1beta2
already defaulted to RollingUpdate) and removes \`spec.templateGeneration\`. For apiVersions whose replacement has
no notable changes (RBAC, PriorityClass, CronJob, Lease …) it sets the new apiVersion. A misspelt apiVersion or
kind with one clear candidate gets a quick fix in editors, never applied by \`--fix\`.`,
  },

  prepare(run) {
    const minor = minorOf(run.kubeVersion);
    const out = new Map<Manifest, Availability>();
    for (const m of run.manifests) {
      const a = availability(m.ref.apiVersion, m.ref.kind, minor);
      out.set(m, a);
      if (a.status === 'unknown-api' || a.status === 'unknown-kind') run.unrecognized.set(m, 'api-version');
    }
    run.cache.set(STATE, out);
  },

  check(ctx) {
    const m = ctx.manifest;
    const a = verdicts(ctx.run)?.get(m) ?? availability(m.ref.apiVersion, m.ref.kind, minorOf(ctx.run.kubeVersion));
    const target = ctx.run.kubeVersion;
    const { apiVersion, kind } = m.ref;
    switch (a.status) {
      case 'served':
        return;
      case 'removed':
      case 'deprecated': {
        const use = a.use ? (a.use.kind ? `${a.use.apiVersion} ${a.use.kind}` : a.use.apiVersion) : undefined;
        const { fix, blocked } = migration(m, a.change, a.use?.apiVersion);
        const instead = use
          ? `Use ${code(use)} (served since Kubernetes ${kubeVersionOf(a.use!.since)}).`
          : a.instead
            ? `${a.instead}.`
            : '';

        // Only kinds other rules lint have other findings to speak of.
        const linted = (POD_KINDS as readonly string[]).includes(kind) || kind === 'Service';
        const others = a.status === 'removed' && use && !a.use!.kind && linted ? ` The other findings on this object are the ones it keeps once moved to ${code(a.use!.apiVersion)}.` : '';
        ctx.report({
          path: ['apiVersion'],
          at: 'value',
          severity: a.status === 'deprecated' ? 'warning' : undefined,
          message: render(a.status === 'removed' ? 'removed' : 'deprecated', {
            apiVersion,
            kind,
            removed: kubeVersionOf(a.change.removed),
            target,
            instead,
            notes: use ? notesOf(a.change) : '',
            others,
            blocked: blocked ? ` \`--fix\` cannot migrate it: ${blocked}.` : '',
          }),
          ...(fix ? { fix } : {}),
        });
        return;
      }
      case 'not-yet':
        ctx.report({
          path: ['apiVersion'],
          at: 'value',
          message: render('notYet', { apiVersion, kind, since: kubeVersionOf(a.since), target, older: a.use ? `; use ${code(a.use)} until then` : '' }),
          ...(a.use ? { fix: { description: `Set apiVersion to ${a.use}`, edits: [{ op: 'set', path: ['apiVersion'], value: a.use }], safe: false } } : {}),
        });
        return;
      case 'unknown-kind':
        if (a.elsewhere.length) {
          ctx.report({
            path: ['apiVersion'],
            at: 'value',
            message: render('wrongGroup', { apiVersion, kind, elsewhere: list(a.elsewhere.slice(0, 3).map(code)) }),
            ...(a.elsewhere.length === 1 ? { fix: { description: `Set apiVersion to ${a.elsewhere[0]}`, edits: [{ op: 'set', path: ['apiVersion'], value: a.elsewhere[0] }], safe: false } } : {}),
          });
        } else {
          ctx.report({
            path: ['kind'],
            at: 'value',
            message: render('unknownKind', { apiVersion, kind, suggestion: a.kinds.length ? `; did you mean ${list(a.kinds.map(code))}?` : '' }),
            ...(a.kinds.length === 1 ? { fix: { description: `Set kind to ${a.kinds[0]}`, edits: [{ op: 'set', path: ['kind'], value: a.kinds[0] }], safe: false } } : {}),
          });
        }
        return;
      case 'unknown-api':
        ctx.report({
          path: ['apiVersion'],
          at: 'value',
          message: render('unknownApi', { apiVersion, suggestion: a.suggestions.length ? `; did you mean ${list(a.suggestions.slice(0, 3).map(code))}?` : ' (a typo?)' }),
          ...(a.suggestions.length === 1 ? { fix: { description: `Set apiVersion to ${a.suggestions[0]}`, edits: [{ op: 'set', path: ['apiVersion'], value: a.suggestions[0] }], safe: false } } : {}),
        });
        return;
      case 'custom': {
        const look = builtinLookalike(a.group, a.version, kind, minorOf(target));
        if (!look || crdIndexOf(ctx.run).lookup(a.group, kind)) return;
        ctx.report({ path: ['apiVersion'], at: 'value', severity: 'warning', message: render('lookalike', { group: a.group, kind, apiVersion: look }) });
        return;
      }
    }
  },
};

export default rule;
