/**
 * Provenance of built objects. A Kustomize build copies resources and writes patches and transformer values into
 * them; findings on the result must still point at the line that wrote the offending field. A `NodeTrace` records,
 * for each container (mapping or sequence) of a built object whose source differs from what its parent implies,
 * where it came from, and for scalar entries written by someone else than their container, where they came from.
 * Everything else is derived: a child of a node from `origin` comes from `origin.path + key`.
 */
import type { Manifest, Origin, Path, PathSegment, Trace } from '../types.js';

interface NodeOrigin {
  /** Where the container itself comes from; absent: derived from its parent like any unrecorded node. */
  at?: Origin;
  /** Scalar (or removed-then-rewritten) entries whose source is not the container's. */
  keys?: Map<PathSegment, Origin>;
}

const isContainer = (v: unknown): v is Record<string, any> | unknown[] => typeof v === 'object' && v !== null;

export class NodeTrace implements Trace {
  private readonly nodes = new WeakMap<object, NodeOrigin>();

  /** Record that `node` (a container) comes from `at`; its descendants follow unless recorded themselves. */
  setNode(node: unknown, at: Origin): void {
    if (!isContainer(node)) return;
    const had = this.nodes.get(node);
    if (had) had.at = at;
    else this.nodes.set(node, { at });
  }

  /** Record that `container[key]` (a scalar, or a container with no record of its own) comes from `at`. */
  setKey(container: object, key: PathSegment, at: Origin): void {
    let rec = this.nodes.get(container);
    if (!rec) this.nodes.set(container, (rec = {}));
    (rec.keys ??= new Map()).set(key, at);
  }

  /** Forget a key override (the entry was removed or moved). */
  clearKey(container: object, key: PathSegment): void {
    this.nodes.get(container)?.keys?.delete(key);
  }

  /** The origin recorded for a container itself, if any. */
  nodeOrigin(node: object): Origin | undefined {
    return this.nodes.get(node)?.at;
  }

  /**
   * Give every container of `node` an explicit record derived from `at` (a deep copy's nodes before they are
   * moved: e.g. list elements whose index changes under a merge).
   */
  pin(node: unknown, at: Origin): void {
    if (!isContainer(node)) return;
    const had = this.nodes.get(node);
    if (had?.at) return;
    if (had) had.at = at;
    else this.nodes.set(node, { at });
  }

  origin(object: Record<string, any>, path: Path): Origin {
    let cur: unknown = object;
    let at: Origin = this.nodes.get(object)?.at ?? { file: undefined as never, docIndex: 0, base: [], path: [] };
    for (const seg of path) {
      if (!isContainer(cur)) break;
      const has = Array.isArray(cur) ? typeof seg === 'number' && seg >= 0 && seg < cur.length : typeof seg === 'string' && Object.hasOwn(cur, seg);
      if (!has) break;
      const child = (cur as Record<PathSegment, unknown>)[seg as never];
      const own = isContainer(child) ? this.nodes.get(child)?.at : undefined;
      const byKey = this.nodes.get(cur)?.keys?.get(seg);
      at = own ?? byKey ?? { ...at, path: [...at.path, seg] };
      cur = child;
    }
    return at;
  }
}

/** The origin of a manifest's root: the object itself in its file. */
export function rootOrigin(m: Pick<Manifest, 'file' | 'docIndex' | 'base'>, path: Path = []): Origin {
  return { file: m.file, docIndex: m.docIndex, base: m.base, path };
}

/** Where a path of a manifest (built or not) was written. */
export function originOf(m: Manifest, path: Path): Origin {
  return m.trace ? m.trace.origin(m.object, path) : rootOrigin(m, path);
}

/** A deep copy of a JSON-like value (objects, arrays, scalars), as a build works on copies of its sources. */
export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (isContainer(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = deepCopy((v as Record<string, unknown>)[k]);
    return out as T;
  }
  return v;
}
