/**
 * Kustomize's built-in transformers that change what cross-resource rules see — namespace, name prefix and suffix,
 * labels (with their propagation into selectors and Pod templates), annotations, images, replicas — and the name
 * references kustomize rewrites after renaming. Values a transformer writes are traced to the kustomization field
 * that asked for them; renamed values keep their original location.
 */
import type { Manifest, Origin } from '../../types.js';
import { apiGroup, isClusterScoped } from '../identity.js';
import type { NodeTrace } from '../trace.js';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A resource while it is being built. */
export interface Res {
  /** The source object it was built from. */
  source: Manifest;
  object: Obj;
  /** Every name it has had, the current one last. */
  names: string[];
  /** Every namespace it has had ('' for none), the current one last. */
  namespaces: string[];
}

export const nameOf = (r: Res): string => (isObj(r.object.metadata) && typeof r.object.metadata.name === 'string' ? r.object.metadata.name : '');
export const namespaceOf = (r: Res): string => (isObj(r.object.metadata) && typeof r.object.metadata.namespace === 'string' ? r.object.metadata.namespace : '');
export const kindOf = (r: Res): string => String(r.object.kind ?? '');
export const groupOf = (r: Res): string => apiGroup(String(r.object.apiVersion ?? ''));

/** A field spec: a path (lists are walked into) for some kinds. */
interface FieldSpec {
  path: string[];
  kind?: string;
  group?: string;
  create: boolean;
}

const spec = (path: string, create: boolean, kind?: string, group?: string): FieldSpec => ({ path: path.split('/'), create, kind, group });
const WORKLOADS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'];

/** Where a template's labels go, for each kind (metadata labels are added to every object). */
const TEMPLATE_LABELS: FieldSpec[] = [
  spec('spec/template/metadata/labels', true, 'ReplicationController', ''),
  ...['Deployment', 'ReplicaSet', 'DaemonSet'].map((k) => spec('spec/template/metadata/labels', true, k)),
  spec('spec/template/metadata/labels', true, 'StatefulSet', 'apps'),
  spec('spec/template/metadata/labels', true, 'Job', 'batch'),
  spec('spec/jobTemplate/metadata/labels', true, 'CronJob', 'batch'),
  spec('spec/jobTemplate/spec/template/metadata/labels', true, 'CronJob', 'batch'),
  // Kustomize 5.5 (kubectl 1.32) labels claim templates with the Pod templates.
  spec('spec/volumeClaimTemplates/metadata/labels', true, 'StatefulSet', 'apps'),
];

const AFFINITY = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

/** Where `commonLabels` (and `labels` with includeSelectors) go besides metadata and templates: selectors. */
const SELECTOR_LABELS: FieldSpec[] = [
  spec('spec/selector', true, 'Service', ''),
  spec('spec/selector', true, 'ReplicationController', ''),
  ...WORKLOADS.map((k) => spec('spec/selector/matchLabels', true, k, k === 'StatefulSet' ? 'apps' : undefined)),
  ...['Deployment', 'StatefulSet'].flatMap((k) => AFFINITY.map((p) => spec(p, false, k, 'apps'))),
  spec('spec/selector/matchLabels', false, 'Job', 'batch'),
  spec('spec/jobTemplate/spec/selector/matchLabels', false, 'CronJob', 'batch'),
  spec('spec/selector/matchLabels', false, 'PodDisruptionBudget', 'policy'),
  spec('spec/podSelector/matchLabels', false, 'NetworkPolicy', 'networking.k8s.io'),
  spec('spec/ingress/from/podSelector/matchLabels', false, 'NetworkPolicy', 'networking.k8s.io'),
  spec('spec/egress/to/podSelector/matchLabels', false, 'NetworkPolicy', 'networking.k8s.io'),
];

const TEMPLATE_ANNOTATIONS: FieldSpec[] = [
  ...['ReplicationController', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'].map((k) => spec('spec/template/metadata/annotations', true, k)),
  spec('spec/jobTemplate/metadata/annotations', true, 'CronJob', 'batch'),
  spec('spec/jobTemplate/spec/template/metadata/annotations', true, 'CronJob', 'batch'),
];

const selected = (r: Res, fs: FieldSpec) => (fs.kind === undefined || fs.kind === kindOf(r)) && (fs.group === undefined || fs.group === groupOf(r));

/**
 * Visit the maps at `path` (walking into every element of the lists on the way), creating missing maps when
 * `create` (the created ones are traced to `at`).
 */
function mapsAt(trace: NodeTrace, node: unknown, path: string[], create: boolean, at: Origin, visit: (map: Obj) => void): void {
  if (Array.isArray(node)) {
    for (const el of node) mapsAt(trace, el, path, create, at, visit);
    return;
  }
  if (!isObj(node)) return;
  if (!path.length) {
    visit(node);
    return;
  }
  const [head, ...rest] = path as [string, ...string[]];
  let next = node[head];
  if ((next === undefined || next === null) && create) {
    next = node[head] = {};
    trace.setNode(next, at);
  }
  mapsAt(trace, next, rest, create, at, visit);
}

/** Add string pairs to the maps at the field specs of every resource. `at(key)` is where pair `key` is written. */
function addPairs(trace: NodeTrace, resources: readonly Res[], pairs: Record<string, unknown>, specs: readonly FieldSpec[], blockAt: Origin): void {
  const entries = Object.entries(pairs).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)] as const);
  if (!entries.length) return;
  for (const r of resources) {
    for (const fs of specs) {
      if (!selected(r, fs)) continue;
      mapsAt(trace, r.object, fs.path, fs.create, blockAt, (map) => {
        for (const [k, v] of entries) {
          if (map[k] === v) continue;
          map[k] = v;
          trace.setKey(map, k, { ...blockAt, path: [...blockAt.path, k] });
        }
      });
    }
  }
}

const METADATA_LABELS = [spec('metadata/labels', true)];

export function addLabels(trace: NodeTrace, resources: readonly Res[], pairs: Record<string, unknown>, at: Origin, opts: { selectors: boolean; templates: boolean }): void {
  const specs = [...METADATA_LABELS, ...(opts.selectors || opts.templates ? TEMPLATE_LABELS : []), ...(opts.selectors ? SELECTOR_LABELS : [])];
  addPairs(trace, resources, pairs, specs, at);
}

export function addAnnotations(trace: NodeTrace, resources: readonly Res[], pairs: Record<string, unknown>, at: Origin): void {
  addPairs(trace, resources, pairs, [spec('metadata/annotations', true), ...TEMPLATE_ANNOTATIONS], at);
}

function metadataOf(trace: NodeTrace, r: Res, at: Origin): Obj {
  if (!isObj(r.object.metadata)) {
    r.object.metadata = {};
    trace.setNode(r.object.metadata, at);
  }
  return r.object.metadata;
}

export function setNamespace(trace: NodeTrace, resources: readonly Res[], namespace: string, at: Origin): void {
  for (const r of resources) {
    const kind = kindOf(r);
    if (kind === 'Namespace' && r.object.apiVersion === 'v1') {
      const md = metadataOf(trace, r, at);
      if (md.name !== namespace) {
        md.name = namespace;
        trace.setKey(md, 'name', at);
        r.names.push(namespace);
      }
      continue;
    }
    if (isClusterScoped(kind) && kind !== 'ClusterRoleBinding') continue;
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      const subjects = r.object.subjects;
      if (Array.isArray(subjects))
        for (const s of subjects)
          if (isObj(s) && s.name === 'default' && s.namespace !== namespace) {
            s.namespace = namespace;
            trace.setKey(s, 'namespace', at);
          }
      if (kind === 'ClusterRoleBinding') continue;
    }
    const md = metadataOf(trace, r, at);
    if (md.namespace !== namespace) {
      md.namespace = namespace;
      trace.setKey(md, 'namespace', at);
      r.namespaces.push(namespace);
    }
  }
}

const NO_PREFIX_KINDS = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);

export function addNameAffixes(resources: readonly Res[], prefix: string, suffix: string): void {
  if (!prefix && !suffix) return;
  for (const r of resources) {
    if (NO_PREFIX_KINDS.has(kindOf(r)) || !isObj(r.object.metadata) || typeof r.object.metadata.name !== 'string') continue;
    r.object.metadata.name = `${prefix}${r.object.metadata.name}${suffix}`;
    r.names.push(r.object.metadata.name);
  }
}

/** Pod specs of a built object (its template's, or its own for a Pod). */
function podSpecs(o: Obj): Obj[] {
  const kind = String(o.kind ?? '');
  const spec = isObj(o.spec) ? o.spec : undefined;
  if (!spec) return [];
  if (kind === 'Pod') return [spec];
  if (kind === 'CronJob') {
    const t = spec.jobTemplate?.spec?.template?.spec;
    return isObj(t) ? [t] : [];
  }
  if (kind === 'PodTemplate') return isObj(o.template?.spec) ? [o.template.spec] : [];
  const t = spec.template?.spec;
  return isObj(t) ? [t] : [];
}

const containersOf = (ps: Obj): Obj[] => [...(Array.isArray(ps.containers) ? ps.containers : []), ...(Array.isArray(ps.initContainers) ? ps.initContainers : [])].filter(isObj);

/** Split `repo/name:tag@digest` into its name and the rest. */
function splitImage(image: string): { name: string; tag: string; digest: string } {
  const at = image.indexOf('@');
  const digest = at === -1 ? '' : image.slice(at + 1);
  const rest = at === -1 ? image : image.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const tagged = colon > rest.lastIndexOf('/');
  return { name: tagged ? rest.slice(0, colon) : rest, tag: tagged ? rest.slice(colon + 1) : '', digest };
}

export function setImages(trace: NodeTrace, resources: readonly Res[], images: readonly Obj[], at: (i: number) => Origin): void {
  for (const r of resources)
    for (const ps of podSpecs(r.object))
      for (const c of containersOf(ps)) {
        if (typeof c.image !== 'string') continue;
        const cur = splitImage(c.image);
        images.forEach((img, i) => {
          if (img.name !== cur.name) return;
          const name = typeof img.newName === 'string' ? img.newName : cur.name;
          let suffix = cur.digest ? `@${cur.digest}` : cur.tag ? `:${cur.tag}` : '';
          if (typeof img.newTag === 'string' || typeof img.newTag === 'number') suffix = `:${img.newTag}`;
          if (typeof img.digest === 'string') suffix = `@${img.digest}`;
          const next = `${name}${suffix}`;
          if (next !== c.image) {
            c.image = next;
            trace.setKey(c, 'image', at(i));
          }
        });
      }
}

const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

export function setReplicas(trace: NodeTrace, resources: readonly Res[], replicas: readonly Obj[], at: (i: number) => Origin): void {
  replicas.forEach((rep, i) => {
    for (const r of resources) {
      if (!SCALABLE.has(kindOf(r)) || !r.names.includes(String(rep.name))) continue;
      if (!isObj(r.object.spec)) {
        r.object.spec = {};
        trace.setNode(r.object.spec, at(i));
      }
      r.object.spec.replicas = rep.count;
      trace.setKey(r.object.spec, 'replicas', { ...at(i), path: [...at(i).path, 'count'] });
    }
  });
}

/** Fields of a Pod spec that name another object, by the kind they name. */
const POD_REFERENCES: Record<string, ((ps: Obj) => [Obj, string][])> = {
  ServiceAccount: (ps) => [[ps, 'serviceAccountName']],
  PriorityClass: (ps) => [[ps, 'priorityClassName']],
  PersistentVolumeClaim: (ps) => volumes(ps).filter((v) => isObj(v.persistentVolumeClaim)).map((v) => [v.persistentVolumeClaim, 'claimName']),
  ConfigMap: (ps) => [
    ...volumes(ps).filter((v) => isObj(v.configMap)).map((v): [Obj, string] => [v.configMap, 'name']),
    ...projected(ps, 'configMap').map((p): [Obj, string] => [p, 'name']),
    ...envRefs(ps, 'configMapKeyRef', 'configMapRef'),
  ],
  Secret: (ps) => [
    ...volumes(ps).filter((v) => isObj(v.secret)).map((v): [Obj, string] => [v.secret, 'secretName']),
    ...projected(ps, 'secret').map((p): [Obj, string] => [p, 'name']),
    ...envRefs(ps, 'secretKeyRef', 'secretRef'),
    ...(Array.isArray(ps.imagePullSecrets) ? ps.imagePullSecrets.filter(isObj).map((s: Obj): [Obj, string] => [s, 'name']) : []),
  ],
};

function volumes(ps: Obj): Obj[] {
  return Array.isArray(ps.volumes) ? ps.volumes.filter(isObj) : [];
}
function projected(ps: Obj, key: string): Obj[] {
  return volumes(ps).flatMap((v) => (isObj(v.projected) && Array.isArray(v.projected.sources) ? v.projected.sources.filter((s: unknown) => isObj(s) && isObj((s as Obj)[key])).map((s: Obj) => s[key]) : []));
}
function envRefs(ps: Obj, keyRef: string, fromRef: string): [Obj, string][] {
  const out: [Obj, string][] = [];
  for (const c of containersOf(ps)) {
    if (Array.isArray(c.env)) for (const e of c.env) if (isObj(e) && isObj(e.valueFrom) && isObj(e.valueFrom[keyRef])) out.push([e.valueFrom[keyRef], 'name']);
    if (Array.isArray(c.envFrom)) for (const e of c.envFrom) if (isObj(e) && isObj(e[fromRef])) out.push([e[fromRef], 'name']);
  }
  return out;
}

/** Other references by the kind of the referring object. */
function objectReferences(o: Obj, refKind: string): [Obj, string][] {
  const kind = String(o.kind ?? '');
  const out: [Obj, string][] = [];
  if ((kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && isObj(o.roleRef) && o.roleRef.kind === refKind && (refKind === 'ClusterRole' || (refKind === 'Role' && kind === 'RoleBinding')))
    out.push([o.roleRef, 'name']);
  if ((kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && refKind === 'ServiceAccount' && Array.isArray(o.subjects))
    for (const s of o.subjects) if (isObj(s) && s.kind === 'ServiceAccount') out.push([s, 'name']);
  if (kind === 'StatefulSet' && refKind === 'Service' && isObj(o.spec)) out.push([o.spec, 'serviceName']);
  if (kind === 'HorizontalPodAutoscaler' && isObj(o.spec) && isObj(o.spec.scaleTargetRef) && o.spec.scaleTargetRef.kind === refKind) out.push([o.spec.scaleTargetRef, 'name']);
  const pod = POD_REFERENCES[refKind];
  if (pod) for (const ps of podSpecs(o)) out.push(...pod(ps));
  return out;
}

/**
 * A (Cluster)RoleBinding subject naming a ServiceAccount of the build by one of its former names and namespaces
 * follows it to its current name and namespace.
 */
function fixServiceAccountSubjects(resources: readonly Res[]): void {
  const accounts = resources.filter((r) => kindOf(r) === 'ServiceAccount' && (r.names.length > 1 || r.namespaces.length > 1));
  if (!accounts.length) return;
  const byName = new Map<string, Res[]>();
  for (const a of accounts)
    for (const n of new Set(a.names)) {
      const l = byName.get(n);
      if (l) l.push(a);
      else byName.set(n, [a]);
    }
  for (const r of resources) {
    if ((kindOf(r) !== 'RoleBinding' && kindOf(r) !== 'ClusterRoleBinding') || !Array.isArray(r.object.subjects)) continue;
    for (const s of r.object.subjects) {
      if (!isObj(s) || s.kind !== 'ServiceAccount' || typeof s.name !== 'string' || typeof s.namespace !== 'string') continue;
      const a = byName.get(s.name)?.find((x) => x.namespaces.some((n) => (n || 'default') === s.namespace));
      if (!a) continue;
      s.name = nameOf(a);
      if (namespaceOf(a)) s.namespace = namespaceOf(a);
    }
  }
}

const REFERABLE = new Set(['ServiceAccount', 'PriorityClass', 'PersistentVolumeClaim', 'ConfigMap', 'Secret', 'Role', 'ClusterRole', 'Service', 'Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/**
 * After renaming, references to a renamed object (by one of its former names, from an object in the same
 * namespace for namespaced kinds) follow it to its new name, as kustomize's name reference transformer does.
 */
export function fixNameReferences(resources: readonly Res[]): void {
  fixServiceAccountSubjects(resources);
  // Kind → former name → the renamed objects that had it.
  const byKind = new Map<string, Map<string, Res[]>>();
  for (const r of resources) {
    if (!REFERABLE.has(kindOf(r)) || r.names.length < 2) continue;
    let names = byKind.get(kindOf(r));
    if (!names) byKind.set(kindOf(r), (names = new Map()));
    for (const n of r.names.slice(0, -1)) {
      const l = names.get(n);
      if (l) l.push(r);
      else names.set(n, [r]);
    }
  }
  if (!byKind.size) return;
  for (const referrer of resources) {
    for (const [kind, names] of byKind) {
      for (const [holder, key] of objectReferences(referrer.object, kind)) {
        const v = holder[key];
        if (typeof v !== 'string') continue;
        const candidates = names.get(v);
        if (!candidates) continue;
        const ns = kind === 'ServiceAccount' && typeof holder.namespace === 'string' ? holder.namespace : namespaceOf(referrer);
        const target = candidates.find((t) => isClusterScoped(kind) || namespaceOf(t) === ns || kindOf(referrer) === 'ClusterRoleBinding');
        if (target && nameOf(target) !== v) holder[key] = nameOf(target);
      }
    }
  }
}
