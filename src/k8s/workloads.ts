/**
 * Kind groups and Pod-spec extraction: one place that knows where each workload
 * kind keeps its Pod template, so a Pod-spec rule covers every kind with the right path.
 */
import type { Manifest, Path } from '../types.js';

/** Kinds whose controller keeps Pods running: restartPolicy must be Always. */
export const LONG_RUNNING_KINDS = ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'] as const;
/** Kinds with a Pod template (or that are a Pod). */
export const POD_KINDS = ['Pod', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'Job', 'CronJob', 'ReplicationController'] as const;

export function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface PodTemplate {
  /** The Pod spec (may be malformed: check types before use). */
  spec: Record<string, any>;
  /** Path of the Pod spec inside the object. */
  specPath: Path;
  /** The template (or Pod) metadata, if any. */
  metadata: Record<string, any>;
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

/** The Pod template of a workload object, or undefined when the kind has none or it is not a mapping. */
/** The template's spec and metadata paths, one frozen pair per kind (shared by every object of the kind: never modify). */
const TEMPLATE_PATHS = new Map<string, { spec: Path; metadata: Path }>();
function templatePaths(kind: string, tp: Path): { spec: Path; metadata: Path } {
  let p = TEMPLATE_PATHS.get(kind);
  if (!p) TEMPLATE_PATHS.set(kind, (p = { spec: Object.freeze([...tp, 'spec']), metadata: Object.freeze([...tp, 'metadata']) }));
  return p;
}

export function podTemplate(m: Manifest): PodTemplate | undefined {
  const tp = templatePathOf(m.ref.kind);
  if (!tp) return undefined;
  const template = getAt(m.object, tp);
  if (!isRecord(template)) return undefined;
  const spec = template.spec;
  if (!isRecord(spec)) return undefined;
  const paths = templatePaths(m.ref.kind, tp);
  return { spec, specPath: paths.spec, metadata: isRecord(template.metadata) ? template.metadata : {}, metadataPath: paths.metadata };
}

export interface ContainerRef {
  container: Record<string, any>;
  path: Path;
  init: boolean;
  index: number;
}

/** Regular and init containers of a Pod spec, with their paths. Non-mapping entries are skipped. */
export function containersOf(t: PodTemplate): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    const list = t.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (isRecord(c)) out.push({ container: c, path: [...t.specPath, field, index], init: field === 'initContainers', index });
    });
  }
  return out;
}

/** Template labels as a string map (non-string values are stringified the way the API would reject or coerce them). */
export function labelsOf(metadata: Record<string, any>): Record<string, string> {
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
