// Guards against objects the target Kubernetes version does not serve: removed or misspelt apiVersions and kinds.
import { crdIndexOf } from '../src/crd/definitions.js';
import { availability, builtinLookalike, kubeVersionOf, type ApiChange, type Availability } from '../src/k8s/api-availability.js';
import { minorOf } from '../src/k8s/kube-version.js';
import { migrateDaemonSet } from '../src/k8s/migrate.js';
import { POD_KINDS, builtinKind } from '../src/k8s/workloads.js';
import type { Fix, Manifest, Rule, RunContext } from '../src/types.js';

const STATE = 'api-version:verdicts';
const code = (s: string) => '`' + s + '`';

/** Kinds that rules other than this one lint. */
const LINTED_KINDS: ReadonlySet<string> = new Set([...POD_KINDS, 'Service']);

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
    kinds: '*',
    tags: ['correctness', 'api-rejects', 'upgrade'],
    fixable: true,
    messages: {
      removed:
        '`{{apiVersion}}` {{kind}} was removed in Kubernetes {{removed}} (the target is {{target}}): the API server rejects the object. {{instead}}{{notes}}{{others}}{{blocked}}',
      deprecated: '`{{apiVersion}}` {{kind}} is deprecated and stops being served in Kubernetes {{removed}} (the target is {{target}}). {{instead}}{{notes}}{{blocked}}',
      notYet: '`{{apiVersion}}` {{kind}} is served from Kubernetes {{since}} only, so the target {{target}} rejects the object{{older}}.',
      wrongGroup: '{{kind}} is not a kind of `{{apiVersion}}`: it is served by {{elsewhere}}. The API server rejects the object, and daemonlint does not lint the rest of it.',
      unknownKind: '`{{apiVersion}}` has no kind {{kind}}: the API server rejects the object, and daemonlint does not lint the rest of it.{{suggestion}}',
      unknownApi: '`{{apiVersion}}` is not a Kubernetes API version: the API server rejects the object, and daemonlint does not lint the rest of it.{{suggestion}}',
      lookalike:
        '`{{group}}` is not a built-in API group and no CustomResourceDefinition of this run defines {{kind}} in it; did you mean `{{apiVersion}}`? A custom resource without its CRD is rejected.',
    },
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

        // Only kinds other rules lint have other findings to speak of: a Pod template or a Service, matched in its API
        // group as the engine matches it (extensions/v1beta1 and apps/v1beta2 are DaemonSet groups; see builtinKind).
        const linted = LINTED_KINDS.has(builtinKind(m.ref) ?? '');
        const others = a.status === 'removed' && use && !a.use!.kind && linted ? ` The other findings on this object are the ones it keeps once moved to ${code(a.use!.apiVersion)}.` : '';
        ctx.report({
          path: ['apiVersion'],
          at: 'value',
          severity: a.status === 'deprecated' ? 'warning' : undefined,
          messageId: a.status === 'removed' ? 'removed' : 'deprecated',
          data: {
            apiVersion,
            kind,
            removed: kubeVersionOf(a.change.removed),
            target,
            instead,
            notes: use ? notesOf(a.change) : '',
            others,
            blocked: blocked ? ` \`--fix\` cannot migrate it: ${blocked}.` : '',
          },
          ...(fix ? { fix } : {}),
        });
        return;
      }
      case 'not-yet':
        ctx.report({
          path: ['apiVersion'],
          at: 'value',
          messageId: 'notYet', data: { apiVersion, kind, since: kubeVersionOf(a.since), target, older: a.use ? `; use ${code(a.use)} until then` : '' },
          ...(a.use ? { fix: { description: `Set apiVersion to ${a.use}`, edits: [{ op: 'set', path: ['apiVersion'], value: a.use }], safe: false } } : {}),
        });
        return;
      case 'unknown-kind':
        if (a.elsewhere.length) {
          ctx.report({
            path: ['apiVersion'],
            at: 'value',
            messageId: 'wrongGroup', data: { apiVersion, kind, elsewhere: list(a.elsewhere.slice(0, 3).map(code)) },
            ...(a.elsewhere.length === 1 ? { fix: { description: `Set apiVersion to ${a.elsewhere[0]}`, edits: [{ op: 'set', path: ['apiVersion'], value: a.elsewhere[0] }], safe: false } } : {}),
          });
        } else {
          ctx.report({
            path: ['kind'],
            at: 'value',
            messageId: 'unknownKind', data: { apiVersion, kind, suggestion: a.kinds.length ? ` Did you mean ${list(a.kinds.map(code))}?` : '' },
            ...(a.kinds.length === 1 ? { fix: { description: `Set kind to ${a.kinds[0]}`, edits: [{ op: 'set', path: ['kind'], value: a.kinds[0] }], safe: false } } : {}),
          });
        }
        return;
      case 'unknown-api':
        ctx.report({
          path: ['apiVersion'],
          at: 'value',
          messageId: 'unknownApi', data: { apiVersion, suggestion: a.suggestions.length ? ` Did you mean ${list(a.suggestions.slice(0, 3).map(code))}?` : ' Check its spelling.' },
          ...(a.suggestions.length === 1 ? { fix: { description: `Set apiVersion to ${a.suggestions[0]}`, edits: [{ op: 'set', path: ['apiVersion'], value: a.suggestions[0] }], safe: false } } : {}),
        });
        return;
      case 'custom': {
        const look = builtinLookalike(a.group, a.version, kind, minorOf(target));
        if (!look || crdIndexOf(ctx.run).lookup(a.group, kind)) return;
        ctx.report({ path: ['apiVersion'], at: 'value', severity: 'warning', messageId: 'lookalike', data: { group: a.group, kind, apiVersion: look } });
        return;
      }
    }
  },
};

export default rule;
