/**
 * Where a policy finding points: the field the policy names, else the one field the failed expression reads (the
 * deepest of a chain such as `has(object.spec.x) && object.spec.x.y > 0`), else the object's name. For
 * `list.all(v, predicate)` it is the first element that fails (and the field of it the predicate reads).
 */
import type { CelInput } from '@bufbuild/cel';
import { firstFailing, type EvalContext, type FieldRead, type Program } from '../cel/index.js';
import { getAt, podTemplate } from '../k8s/workloads.js';
import type { Manifest, Path, PathSegment } from '../types.js';

/** The object path of each root a policy may name (`podSpec` only for kinds with a Pod template). */
export function rootPaths(m: Manifest): Record<string, Path | undefined> {
  const t = podTemplate(m);
  return { object: [], podSpec: t?.specPath, podMetadata: t?.metadataPath };
}

const isPrefix = (a: readonly PathSegment[], b: readonly PathSegment[]) => a.length <= b.length && a.every((s, i) => s === b[i]);

/** The deepest of reads that form one chain; undefined when they read unrelated fields (or nothing). */
function oneChain(paths: readonly (readonly PathSegment[])[]): readonly PathSegment[] | undefined {
  if (!paths.length) return undefined;
  const longest = paths.reduce((a, b) => (b.length > a.length ? b : a));
  return paths.every((p) => isPrefix(p, longest)) ? longest : undefined;
}

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
  return oneChain(paths) ?? objectPath(m);
}

function at(v: CelInput | undefined, path: readonly PathSegment[]): CelInput | undefined {
  let cur = v;
  for (const seg of path) cur = typeof seg === 'number' ? (Array.isArray(cur) ? cur[seg] : undefined) : cur instanceof Map ? cur.get(seg) : undefined;
  return cur;
}

/** Object path of element `i` of the `containers` helper (init containers first). */
function containerPath(m: Manifest, podSpec: CelInput | undefined, i: number): Path | undefined {
  const t = podTemplate(m);
  if (!t) return undefined;
  const init = at(podSpec, ['initContainers']);
  const n = Array.isArray(init) ? init.length : 0;
  return i < n ? [...t.specPath, 'initContainers', i] : [...t.specPath, 'containers', i - n];
}

/** Where a failed (false) program points on `m`, given what it was evaluated with. */
export function failurePath(m: Manifest, program: Program, ctx: EvalContext): Path {
  const each = program.each;
  if (each) {
    const list = at(ctx.bindings[each.range.root], each.range.path);
    const i = Array.isArray(list) ? firstFailing(program, ctx, list) : undefined;
    if (i !== undefined) {
      const base = rootPaths(m)[each.range.root];
      const element = base ? [...base, ...each.range.path, i] : each.range.root === 'containers' && !each.range.path.length ? containerPath(m, ctx.bindings.podSpec, i) : undefined;
      if (element) return [...element, ...(oneChain(each.reads.filter((r) => r.root === each.iterVar).map((r) => r.path)) ?? [])];
    }
  }
  return pathFromReads(m, program.reads);
}
