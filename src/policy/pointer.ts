/**
 * Where a policy finding points: the field the policy names, else the one field the failed expression reads (the
 * deepest of a chain such as `has(object.spec.x) && object.spec.x.y > 0`), else the object's name.
 */
import type { FieldRead } from '../cel/index.js';
import { getAt, podTemplate } from '../k8s/workloads.js';
import type { Manifest, Path, PathSegment } from '../types.js';

/** The object path of each root a policy may name (`podSpec` only for kinds with a Pod template). */
export function rootPaths(m: Manifest): Record<string, Path | undefined> {
  const t = podTemplate(m);
  return { object: [], podSpec: t?.specPath, podMetadata: t?.metadataPath };
}

const isPrefix = (a: readonly PathSegment[], b: readonly PathSegment[]) => a.length <= b.length && a.every((s, i) => s === b[i]);

/** The object's own place: its name (or the top of the document when it has none). */
export function objectPath(m: Manifest): Path {
  return typeof getAt(m.object, ['metadata', 'name']) === 'string' ? ['metadata', 'name'] : [];
}

/** The path a finding about `m` points at, from the fields an expression reads. */
export function pathFromReads(m: Manifest, reads: readonly FieldRead[]): Path {
  const roots = rootPaths(m);
  const paths: Path[] = [];
  for (const r of reads) {
    const base = roots[r.root];
    if (!base) return objectPath(m);
    paths.push([...base, ...r.path]);
  }
  if (!paths.length) return objectPath(m);
  const longest = paths.reduce((a, b) => (b.length > a.length ? b : a));
  return paths.every((p) => isPrefix(p, longest)) ? longest : objectPath(m);
}
