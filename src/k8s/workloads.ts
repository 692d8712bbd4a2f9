/**
 * Kind groups and Pod-spec extraction: one place that knows where each workload
 * kind keeps its Pod template, so a Pod-spec rule covers every kind with the right path.
 */
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { Manifest, ObjectRef, Path } from '../types.js';

/**
 * An object of Kubernetes type T as read from a manifest: only T's field names (kubernetes-types, so a misspelt field
 * is a compile error), each holding whatever the file holds (check the type before use: manifests may be malformed).
 * kubernetes-types follows Kubernetes 1.30: a field added later must be added here before a rule can read it.
 */
export type Unchecked<T> = { [K in keyof T]?: unknown };

/** Kinds whose controller keeps Pods running: restartPolicy must be Always. */
export const LONG_RUNNING_KINDS = ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'] as const;
/** Kinds with a Pod template (or that are a Pod). */
export const POD_KINDS = ['Pod', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'Job', 'CronJob', 'ReplicationController'] as const;

/**
 * The API groups Kubernetes serves each built-in kind from that daemonlint has rules for (`''` is the core group,
 * apiVersion `v1`). `extensions` served DaemonSet, Deployment and ReplicaSet before Kubernetes 1.16.
 */
const BUILTIN_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Pod: [''],
  Service: [''],
  ReplicationController: [''],
  Node: [''],
  DaemonSet: ['apps', 'extensions'],
  Deployment: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  Job: ['batch'],
  CronJob: ['batch'],
};

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `''` (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/**
 * The kind rules match an object by: its kind, unless it borrows the name of a built-in kind from another API group
 * (`apiVersion: example.com/v1, kind: DaemonSet` is a custom resource with its own schema, not a DaemonSet): then
 * undefined, and no rule written for the built-in kind applies to it.
 */
export function builtinKind(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): string | undefined {
  const groups = BUILTIN_GROUPS[ref.kind];
  if (!groups) return ref.kind;
  return groups.includes(groupOf(ref.apiVersion)) ? ref.kind : undefined;
}

export function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface PodTemplate {
  /** The Pod spec (may be malformed: check types before use). */
  spec: Unchecked<PodSpec>;
  /** Path of the Pod spec inside the object. */
  specPath: Path;
  /** The template (or Pod) metadata, if any. */
  metadata: Unchecked<ObjectMeta>;
  /** Path of that metadata inside the object. */
  metadataPath: Path;
}

/** Path of the Pod template (the object holding `metadata` and `spec`) for a kind. */
export function templatePathOf(kind: string): Path | undefined {
  switch (kind) {
    case 'Pod':
      return [];
    case 'DaemonSet':
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'Job':
    case 'ReplicationController':
      return ['spec', 'template'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template'];
    default:
      return undefined;
  }
}

export function getAt(obj: unknown, path: Path): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isRecord(cur)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

/** The template's spec and metadata paths, one frozen pair per kind (shared by every object of the kind: never modify). */
const TEMPLATE_PATHS = new Map<string, { spec: Path; metadata: Path }>();
function templatePaths(kind: string, tp: Path): { spec: Path; metadata: Path } {
  let p = TEMPLATE_PATHS.get(kind);
  if (!p) TEMPLATE_PATHS.set(kind, (p = { spec: Object.freeze([...tp, 'spec']), metadata: Object.freeze([...tp, 'metadata']) }));
  return p;
}

/**
 * The last object asked about and its template: every rule asks for the template of the object being checked, one
 * object after the other. (Remembering only the last one keeps nothing alive for the rest of a large run.)
 */
let lastManifest: Manifest | undefined;
let lastObject: unknown;
let lastTemplate: PodTemplate | undefined;

/**
 * The Pod template of a workload object, or undefined when the kind has none or it is not a mapping. The same object
 * for consecutive calls on one manifest, shared by the rules that ask: never modify it.
 */
export function podTemplate(m: Manifest): PodTemplate | undefined {
  if (m !== lastManifest || m.object !== lastObject) {
    lastManifest = m;
    lastObject = m.object;
    lastTemplate = templateOf(m);
  }
  return lastTemplate;
}

function templateOf(m: Manifest): PodTemplate | undefined {
  const kind = builtinKind(m.ref);
  const tp = kind === undefined ? undefined : templatePathOf(kind);
  if (!tp) return undefined;
  const template = getAt(m.object, tp);
  if (!isRecord(template)) return undefined;
  const spec = template.spec;
  if (!isRecord(spec)) return undefined;
  const paths = templatePaths(m.ref.kind, tp);
  return { spec, specPath: paths.spec, metadata: isRecord(template.metadata) ? template.metadata : {}, metadataPath: paths.metadata };
}

export interface ContainerRef {
  container: Unchecked<Container>;
  path: Path;
  init: boolean;
  index: number;
}

/** The last template asked about and its containers (see `podTemplate`). */
let lastContainersOf: PodTemplate | undefined;
let lastContainers: readonly ContainerRef[] = [];

/**
 * Regular and init containers of a Pod spec, with their paths. Non-mapping entries are skipped. The same list for
 * consecutive calls on one template, shared by the rules that ask: never modify it.
 */
export function containersOf(t: PodTemplate): readonly ContainerRef[] {
  if (t === lastContainersOf) return lastContainers;
  const out: ContainerRef[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    const list = t.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (isRecord(c)) out.push({ container: c, path: [...t.specPath, field, index], init: field === 'initContainers', index });
    });
  }
  lastContainersOf = t;
  lastContainers = out;
  return out;
}

/** Template labels as a string map (non-string values are stringified the way the API would reject or coerce them). */
export function labelsOf(metadata: Unchecked<ObjectMeta>): Record<string, string> {
  const labels = metadata.labels;
  if (!isRecord(labels)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** `namespace/name` or `name` for messages. */
export function displayName(m: Manifest): string {
  const name = m.ref.name ?? '(unnamed)';
  return m.ref.namespace ? `${m.ref.namespace}/${name}` : name;
}
