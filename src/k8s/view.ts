/**
 * What the rules that compare objects (`comparesObjects` in src/engine/lint.ts) may read of an object: a copy without
 * the parts none of them looks at. A large run keeps this view of every object until every file is parsed, instead of
 * the whole decoded object, so that its memory grows with a few hundred bytes per object rather than with the text.
 *
 * Kept: everything, except
 * - in a Pod template's spec, only the fields that place a Pod on nodes and bind ports (`POD_SPEC_FIELDS`), and of
 *   each container only its name, ports and restart policy;
 * - the data of ConfigMaps and Secrets, and the schemas of CustomResourceDefinitions;
 * - `metadata.managedFields` and the `kubectl.kubernetes.io/last-applied-configuration` annotation.
 *
 * test/view.test.ts checks that every such rule finds exactly the same with views as with whole objects, so a rule
 * that starts reading something dropped here fails there first.
 */
import { isRecord, templatePathOf } from './workloads.js';

/** Fields of a Pod spec that the rules comparing objects read (node placement and ports). */
const POD_SPEC_FIELDS = ['hostNetwork', 'nodeSelector', 'affinity', 'tolerations', 'nodeName', 'containers', 'initContainers'];
/** Fields of a container they read. */
const CONTAINER_FIELDS = ['name', 'ports', 'restartPolicy'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function pick(obj: Record<string, any>, fields: readonly string[]): Record<string, any> {
  const out: Record<string, any> = {};
  for (const f of fields) if (Object.hasOwn(obj, f)) out[f] = obj[f];
  return out;
}

function podSpecView(spec: unknown): unknown {
  if (!isRecord(spec)) return spec;
  const out = pick(spec, POD_SPEC_FIELDS);
  for (const field of ['containers', 'initContainers']) {
    const list = out[field];
    if (Array.isArray(list)) out[field] = list.map((c: unknown) => (isRecord(c) ? pick(c, CONTAINER_FIELDS) : c));
  }
  return out;
}

function metadataView(md: unknown): unknown {
  if (!isRecord(md)) return md;
  const { managedFields: _m, ...rest } = md;
  if (isRecord(rest.annotations) && Object.hasOwn(rest.annotations, LAST_APPLIED)) {
    const { [LAST_APPLIED]: _l, ...annotations } = rest.annotations;
    rest.annotations = annotations;
  }
  return rest;
}

/** Replace the value at `path` (mappings only) with `f(value)`, copying the mappings on the way. */
function mapAt(obj: Record<string, any>, path: readonly (string | number)[], f: (v: unknown) => unknown): Record<string, any> {
  if (!path.length) return f(obj) as Record<string, any>;
  const [head, ...rest] = path as string[];
  if (!Object.hasOwn(obj, head!)) return obj;
  const child = obj[head!];
  if (rest.length && !isRecord(child)) return obj;
  return { ...obj, [head!]: rest.length ? mapAt(child, rest, f) : f(child) };
}

/** The view of a decoded object that the rules comparing objects get (see above). Never modifies `obj`. */
export function comparisonView(obj: Record<string, any>): Record<string, any> {
  let out: Record<string, any> = { ...obj };
  if (Object.hasOwn(out, 'metadata')) out.metadata = metadataView(out.metadata);
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const tp = templatePathOf(kind);
  if (tp) {
    out = mapAt(out, [...tp, 'spec'], podSpecView);
    if (tp.length) out = mapAt(out, [...tp, 'metadata'], metadataView);
  } else if (kind === 'ConfigMap' || kind === 'Secret') {
    delete out.data;
    delete out.binaryData;
    delete out.stringData;
  } else if (kind === 'CustomResourceDefinition' && isRecord(out.spec) && Array.isArray(out.spec.versions)) {
    out.spec = { ...out.spec, versions: out.spec.versions.map((v: unknown) => (isRecord(v) ? pick(v, Object.keys(v).filter((k) => k !== 'schema')) : v)) };
  }
  return out;
}
