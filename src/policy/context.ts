/**
 * What policy expressions see of a run: objects as CEL values (converted once per object), the Namespace objects
 * (from the linted files and the policy files), CRDs for resource names and scopes, and the Pod-template helpers.
 */
import type { CelInput } from '@bufbuild/cel';
import { toCelInput } from '../cel/index.js';
import { NAMESPACE_NAME_LABEL, crdIndex, isClusterScoped } from '../k8s/resources.js';
import { isRecord, podTemplate } from '../k8s/workloads.js';
import type { Manifest, Path, RunContext } from '../types.js';

const converted = new WeakMap<object, CelInput>();

/** An object as a CEL value (maps and lists, whole numbers as int). */
export function celObject(object: Record<string, any>): CelInput {
  let v = converted.get(object);
  if (v === undefined) converted.set(object, (v = toCelInput(object)));
  return v;
}

export interface PolicyRunIndex {
  /** Every object policies may see: the linted ones, then those of the policy files. */
  all: readonly Manifest[];
  namespaces: Map<string, Manifest>;
  crds: ReturnType<typeof crdIndex>;
}

const KEY = 'daemonlint:policy:index';

export function policyIndex(run: RunContext): PolicyRunIndex {
  let idx = run.cache.get(KEY) as PolicyRunIndex | undefined;
  if (idx) return idx;
  const all = [...run.manifests, ...(run.policyManifests ?? [])];
  const namespaces = new Map<string, Manifest>();
  for (const m of all) if (m.ref.kind === 'Namespace' && m.ref.apiVersion === 'v1' && m.ref.name && !namespaces.has(m.ref.name)) namespaces.set(m.ref.name, m);
  idx = { all, namespaces, crds: crdIndex(all) };
  run.cache.set(KEY, idx);
  return idx;
}

/** The namespace an object is in, or undefined for a cluster-scoped object. */
export function namespaceOf(m: Manifest, idx: PolicyRunIndex): string | undefined {
  return isClusterScoped(m, idx.crds) ? undefined : m.namespace;
}

/**
 * The Namespace object of an object's namespace: the one among the objects, else what the API server guarantees of
 * any namespace (its name, and the `kubernetes.io/metadata.name` label). Null for cluster-scoped objects.
 */
export function namespaceObject(m: Manifest, idx: PolicyRunIndex): { value: CelInput; known: boolean } {
  const ns = namespaceOf(m, idx);
  if (ns === undefined) return { value: null, known: true };
  const found = idx.namespaces.get(ns);
  if (found) return { value: celObject(withNameLabel(found.object)), known: true };
  return { value: toCelInput({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [NAMESPACE_NAME_LABEL]: ns } } }), known: false };
}

const labelled = new WeakMap<object, Record<string, any>>();

/** A Namespace object as the API server stores it: with its `kubernetes.io/metadata.name` label. */
export function withNameLabel(ns: Record<string, any>): Record<string, any> {
  let v = labelled.get(ns);
  if (!v) {
    const md = isRecord(ns.metadata) ? ns.metadata : {};
    const labels = isRecord(md.labels) ? md.labels : {};
    v = typeof md.name === 'string' ? { ...ns, metadata: { ...md, labels: { ...labels, [NAMESPACE_NAME_LABEL]: md.name } } } : ns;
    labelled.set(ns, v);
  }
  return v;
}

function at(v: CelInput, path: Path): CelInput {
  let cur: CelInput | undefined = v;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = cur instanceof Map ? cur.get(seg) : undefined;
  }
  return cur ?? null;
}

/** `podSpec`, `podMetadata` and `containers` (init containers first) for a kind with a Pod template; nulls otherwise. */
export function podBindings(m: Manifest): { podSpec: CelInput; podMetadata: CelInput; containers: CelInput } {
  const t = podTemplate(m);
  if (!t) return { podSpec: null, podMetadata: null, containers: [] };
  const object = celObject(m.object);
  const podSpec = at(object, t.specPath);
  const list = (field: string) => {
    const l = podSpec instanceof Map ? podSpec.get(field) : undefined;
    return Array.isArray(l) ? l : [];
  };
  const metadata = at(object, t.metadataPath);
  return { podSpec, podMetadata: metadata ?? new Map(), containers: [...list('initContainers'), ...list('containers')] };
}
