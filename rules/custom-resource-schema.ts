// Guards against custom resources their CustomResourceDefinition rejects: unknown (pruned) fields, wrong types, bad values.
import { crdIndexOf, type Crd, type CrdVersion } from '../src/crd/definitions.js';
import { parseApiVersion } from '../src/k8s/api-availability.js';
import { BUILTIN_GROUPS } from '../src/k8s/api-versions.js';
import { sourceText } from '../src/schema/pointer.js';
import { closest } from '../src/util/suggest.js';
import type { Manifest, Rule, RunContext } from '../src/types.js';
import type { CompiledCrd } from '../src/crd/validate.js';

const MESSAGES = {
  schema: '{{detail}}',
  noVersion: 'The CustomResourceDefinition {{crd}} has no version `{{version}}` of {{kind}} (it defines {{versions}}): the API server rejects the object.',
  notServed: 'Version `{{version}}` of {{kind}} is not served (`served: false` in the CustomResourceDefinition {{crd}}): the API server rejects the object.{{use}}',
  deprecated: 'Version `{{version}}` of {{kind}} is deprecated by its CustomResourceDefinition {{crd}}{{warning}}.{{use}}',
  unknownKind: 'No CustomResourceDefinition of this run defines {{kind}} in `{{group}}`, which defines {{kinds}}; did you mean {{near}}? The API server rejects a kind it does not know.',
  noCrd: 'No CustomResourceDefinition for `{{apiVersion}}` {{kind}} was found among the linted files or `--crd` / `crds:`, so the object was not checked. Pass its CRD, or turn off requireCrd.',
  uncompiled: 'The schema of {{kind}} in the CustomResourceDefinition {{crd}} could not be compiled ({{reason}}), so the object was not checked.',
} as const;

type MessageId = keyof typeof MESSAGES;

function render(id: MessageId, data: Record<string, string | number>): string {
  return MESSAGES[id].replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(data[k] ?? ''));
}

const code = (s: string) => '`' + s + '`';

interface State {
  /** The validator module, loaded only when a run has a custom resource with a known CRD. */
  validator?: typeof import('../src/crd/validate.js');
}

const STATE = 'custom-resource-schema:state';

/** The CRD and version of a custom resource, when its group is a custom one. */
function definitionOf(run: RunContext, m: Manifest): { group: string; version: string; crd?: Crd } | undefined {
  const p = parseApiVersion(m.ref.apiVersion);
  if (!p || BUILTIN_GROUPS.has(p.group) || !p.group.includes('.')) return undefined;
  return { ...p, crd: crdIndexOf(run).lookup(p.group, m.ref.kind) };
}

function crdName(crd: Crd): string {
  return code(typeof crd.manifest.ref.name === 'string' ? crd.manifest.ref.name : `${crd.kind}.${crd.group}`);
}

function servedElsewhere(crd: Crd, except: string): string {
  const served = crd.versions.filter((v) => v.served && v.name !== except && !v.deprecated).map((v) => code(`${crd.group}/${v.name}`));
  return served.length ? ` Use ${served.join(' or ')}.` : '';
}

const rule: Rule = {
  meta: {
    id: 'custom-resource-schema',
    severity: 'error',
    description: 'A custom resource must match the openAPIV3Schema of its CustomResourceDefinition (found among the linted files or given with --crd): no unknown fields, right types, valid values.',
    rationale:
      'The API server validates a custom resource against its CRD\'s schema and prunes every field the schema does not declare; kubectl\'s strict field validation rejects such fields as unknown. A misspelt or misplaced field of a Certificate, ServiceMonitor or any operator\'s resource is therefore either rejected or silently dropped, and the operator acts on a configuration that is not the one written.',
    remediation: 'Fix the field the message names (its spelling, place, type or value), or use a version the CRD serves.',
    kinds: '*',
    tags: ['correctness', 'api-rejects', 'schema', 'custom-resources'],
    fixable: true,
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        requireCrd: { type: 'boolean', description: 'Report custom resources whose CRD is not found (default: skip them silently).' },
      },
    },
    docs: `Custom resources are checked against the \`openAPIV3Schema\` of their CustomResourceDefinition. The CRDs are the
ones among the linted files and those given with \`--crd PATH\` or \`crds:\` in config (files or directories; they are
read, not linted). Everything runs offline: no schema catalogue is fetched.

The schema is applied the way the API server applies it: fields the schema does not declare are pruned, and reported
as unknown fields as kubectl's strict field validation does (with "did you mean" and "it belongs in" advice and
a fix when the destination is certain, as for built-in kinds); \`x-kubernetes-preserve-unknown-fields\`,
\`x-kubernetes-int-or-string\`, \`x-kubernetes-embedded-resource\` and \`nullable\` are honoured; types, enums,
patterns, lengths, bounds, item counts and allOf/anyOf/oneOf/not are checked. \`metadata\` is checked like every
object's. The version of the apiVersion must be one the CRD defines and serves; a deprecated version is a warning.

Not checked: \`format\` (Kubernetes' format list differs from JSON Schema's), list uniqueness
(\`x-kubernetes-list-type\`), and \`x-kubernetes-validations\` CEL rules: no CEL engine is wired into this rule yet
(src/crd/cel.ts is the seam).

A custom resource whose CRD is not found is skipped without a finding. With the option \`requireCrd: true\` it is
reported instead:

\`\`\`yaml
rules:
  custom-resource-schema: [error, {requireCrd: true}]
\`\`\`

Invalid (with cert-manager's Certificate CRD in the run):

\`\`\`yaml
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
spec:
  secretName: web-tls
  dnsName: [example.com]     # did you mean dnsNames?
  issuerRef:
    name: letsencrypt
\`\`\`

Valid:

\`\`\`yaml
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
spec:
  secretName: web-tls
  dnsNames: [example.com]
  issuerRef:
    name: letsencrypt
\`\`\``,
  },

  async prepare(run) {
    const state: State = {};
    run.cache.set(STATE, state);
    // Load ajv and the validator only when some object of the run has a CRD to be checked against.
    if (crdIndexOf(run).size && run.manifests.some((m) => definitionOf(run, m)?.crd)) state.validator = await import('../src/crd/validate.js');
  },

  check(ctx) {
    const m = ctx.manifest;
    const def = definitionOf(ctx.run, m);
    if (!def) return;
    const { crd, group, version } = def;
    const { apiVersion, kind } = m.ref;
    if (!crd) {
      const kinds = crdIndexOf(ctx.run).kindsOf(group);
      const near = kinds.length ? closest(kind, kinds) : undefined;
      if (near) {
        ctx.report({ path: ['kind'], at: 'value', severity: 'warning', message: render('unknownKind', { kind, group, kinds: kinds.map(code).join(', '), near: code(near) }) });
      } else if (ctx.options.requireCrd === true) {
        ctx.report({ path: ['apiVersion'], at: 'value', message: render('noCrd', { apiVersion, kind }) });
      }
      return;
    }
    const v: CrdVersion | undefined = crd.versions.find((x) => x.name === version);
    if (!v) {
      ctx.report({ path: ['apiVersion'], at: 'value', message: render('noVersion', { crd: crdName(crd), version, kind, versions: crd.versions.map((x) => code(x.name)).join(', ') || 'none' }) });
      return;
    }
    if (!v.served) {
      ctx.report({ path: ['apiVersion'], at: 'value', message: render('notServed', { version, kind, crd: crdName(crd), use: servedElsewhere(crd, version) }) });
      return;
    }
    if (v.deprecated) {
      ctx.report({
        path: ['apiVersion'],
        at: 'value',
        severity: 'warning',
        message: render('deprecated', { version, kind, crd: crdName(crd), warning: v.deprecationWarning ? ` ("${v.deprecationWarning}")` : '', use: servedElsewhere(crd, version) }),
      });
    }
    const validator = (ctx.run.cache.get(STATE) as State | undefined)?.validator;
    if (!v.schema || !validator) return;
    let compiled: CompiledCrd;
    try {
      compiled = validator.compileCrdSchema(v.schema, crd.kind, v.keepsUnknownFields);
    } catch (err) {
      ctx.report({ path: ['apiVersion'], at: 'value', severity: 'info', message: render('uncompiled', { kind, crd: crdName(crd), reason: String((err as Error).message).split('\n')[0]! }) });
      return;
    }
    for (const issue of validator.validateCustomResource({ compiled, kind, object: m.object, sourceText: (p) => sourceText(m, p) })) {
      ctx.report({ path: issue.path, at: issue.at, message: render('schema', { detail: issue.message }), ...(issue.fix ? { fix: issue.fix } : {}) });
    }
  },
};
export default rule;
