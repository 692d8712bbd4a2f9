/**
 * Strategic merge patches as Kustomize applies them, with provenance: every node a patch writes is traced to the
 * patch's node. Lists of built-in kinds merge by their `x-kubernetes-patch-merge-key` (the patch's elements first,
 * in the patch's order, then the target's other elements, as kustomize orders them); other lists are replaced;
 * maps merge. Directives: `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<field>`,
 * `$setElementOrder/<field>` (order hints, ignored).
 */
import type { Origin, PathSegment } from '../../types.js';
import { apiGroup } from '../identity.js';
import { type NodeTrace, deepCopy } from '../trace.js';
import { MERGE_KINDS, MERGE_TYPES } from './merge-keys.generated.js';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A type of the merge table, or undefined (unknown: lists are replaced, maps merge). */
type TypeRef = number | undefined;

export function kindType(apiVersion: string, kind: string): TypeRef {
  return MERGE_KINDS[`${apiGroup(apiVersion)}/${kind}`];
}

function field(t: TypeRef, key: string): { type: TypeRef; strategy: string; mergeKey: string; map: boolean } {
  const e = t === undefined ? undefined : MERGE_TYPES[t]?.[key];
  if (!e) return { type: undefined, strategy: '', mergeKey: '', map: false };
  const type = typeof e[0] === 'number' && e[0] >= 0 ? e[0] : undefined;
  const map = e.includes('map');
  return { type, strategy: typeof e[1] === 'string' && e[1] !== 'map' ? e[1] : '', mergeKey: typeof e[2] === 'string' && e[2] !== 'map' ? e[2] : '', map };
}

const DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

/** A copy of patch content without directives, traced to the patch. */
function fromPatch(trace: NodeTrace, value: unknown, at: Origin): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const keep: number[] = [];
    value.forEach((v, i) => {
      if (isObj(v) && v.$patch === 'delete') return;
      keep.push(i);
      out.push(fromPatch(trace, v, { ...at, path: [...at.path, i] }));
    });
    trace.setNode(out, at);
    // Elements after a dropped directive element moved: each keeps its own origin.
    keep.forEach((src, i) => {
      if (src !== i) {
        const el = out[i];
        if (typeof el === 'object' && el !== null) trace.setNode(el, { ...at, path: [...at.path, src] });
        else trace.setKey(out, i, { ...at, path: [...at.path, src] });
      }
    });
    return out;
  }
  if (isObj(value)) {
    const out: Obj = {};
    for (const k of Object.keys(value)) if (!DIRECTIVE.test(k)) out[k] = fromPatch(trace, value[k], { ...at, path: [...at.path, k] });
    trace.setNode(out, at);
    return out;
  }
  return value;
}

/** The origin of `container[key]` when `container` comes from `at`. */
function childAt(trace: NodeTrace, container: object, at: Origin, key: PathSegment): Origin {
  const child = (container as Obj)[key as string];
  const own = typeof child === 'object' && child !== null ? trace.nodeOrigin(child) : undefined;
  return own ?? { ...at, path: [...at.path, key] };
}

export class PatchContext {
  constructor(readonly trace: NodeTrace) {}

  /**
   * Merge `patch` (from `patchAt`) into `target` (a built object whose own origin is `targetAt`), in place.
   * Returns false when the patch deletes the whole target (`$patch: delete` at the top).
   */
  mergeObject(target: Obj, targetAt: Origin, patch: Obj, patchAt: Origin, type: TypeRef): boolean {
    if (patch.$patch === 'delete') return false;
    if (patch.$patch === 'replace') {
      for (const k of Object.keys(target)) {
        delete target[k];
        this.trace.clearKey(target, k);
      }
      for (const k of Object.keys(patch)) {
        if (DIRECTIVE.test(k)) continue;
        this.setValue(target, k, patch[k], { ...patchAt, path: [...patchAt.path, k] });
      }
      return true;
    }
    for (const k of Object.keys(patch)) {
      const pv = patch[k];
      const kAt: Origin = { ...patchAt, path: [...patchAt.path, k] };
      if (k.startsWith('$deleteFromPrimitiveList/')) {
        const f = k.slice('$deleteFromPrimitiveList/'.length);
        if (Array.isArray(target[f]) && Array.isArray(pv)) target[f] = target[f].filter((x: unknown) => !pv.includes(x));
        continue;
      }
      if (DIRECTIVE.test(k)) continue;
      if (pv === null) {
        delete target[k];
        this.trace.clearKey(target, k);
        continue;
      }
      const f = field(type, k);
      const tv = target[k];
      // Restating a value (e.g. the name that selects the target) does not make the patch its author.
      if (tv === pv) continue;
      if (isObj(pv) && isObj(tv)) {
        const childTarget = childAt(this.trace, target, targetAt, k);
        this.trace.pin(tv, childTarget);
        if (f.map) {
          // A map of typed values (e.g. a map of objects): merge each entry.
          if (pv.$patch === 'replace' || pv.$patch === 'delete') {
            if (!this.mergeObject(tv, childTarget, pv, kAt, undefined)) delete target[k];
            continue;
          }
          for (const mk of Object.keys(pv)) {
            const ev = pv[mk];
            const mkAt: Origin = { ...kAt, path: [...kAt.path, mk] };
            if (ev === null) delete tv[mk];
            else if (isObj(ev) && isObj(tv[mk])) {
              const entryAt = childAt(this.trace, tv, childTarget, mk);
              this.trace.pin(tv[mk], entryAt);
              if (!this.mergeObject(tv[mk], entryAt, ev, mkAt, f.type)) delete tv[mk];
            } else this.setValue(tv, mk, ev, mkAt);
          }
          continue;
        }
        if (!this.mergeObject(tv, childTarget, pv, kAt, f.type)) delete target[k];
        continue;
      }
      if (isObj(pv) && pv.$patch === 'delete') {
        delete target[k];
        continue;
      }
      if (Array.isArray(pv) && Array.isArray(tv) && f.strategy.split(',').includes('merge')) {
        target[k] = this.mergeList(tv, childAt(this.trace, target, targetAt, k), pv, kAt, f);
        continue;
      }
      this.setValue(target, k, pv, kAt);
    }
    if (Array.isArray(patch.$retainKeys)) {
      const keep = new Set(patch.$retainKeys as unknown[]);
      for (const k of Object.keys(target)) if (!keep.has(k)) delete target[k];
    }
    return true;
  }

  private setValue(target: Obj, key: string, value: unknown, at: Origin): void {
    const v = fromPatch(this.trace, value, at);
    target[key] = v;
    if (typeof v === 'object' && v !== null) this.trace.clearKey(target, key);
    else this.trace.setKey(target, key, at);
  }

  private mergeList(target: unknown[], targetAt: Origin, patch: unknown[], patchAt: Origin, f: { type: TypeRef; mergeKey: string }): unknown[] {
    const out: unknown[] = [];
    const trace = this.trace;
    // Elements move: pin each to where it came from before its index changes.
    target.forEach((el, i) => trace.pin(el, childAt(trace, target, targetAt, i)));
    if (!f.mergeKey) {
      // A merged list of scalars: the patch's values first, then the target's others (as kustomize orders them).
      const seen = new Set<unknown>();
      const result: unknown[] = [];
      trace.setNode(result, targetAt);
      patch.forEach((v, i) => {
        if (seen.has(v) || (isObj(v) && '$patch' in v)) return;
        seen.add(v);
        result.push(deepCopy(v));
        trace.setKey(result, result.length - 1, { ...patchAt, path: [...patchAt.path, i] });
      });
      target.forEach((v, i) => {
        if (seen.has(v)) return;
        seen.add(v);
        result.push(v);
        if (typeof v !== 'object' || v === null) trace.setKey(result, result.length - 1, childAt(trace, target, targetAt, i));
      });
      return result;
    }
    const key = f.mergeKey;
    const used = new Set<unknown>();
    if (patch.some((p) => isObj(p) && p.$patch === 'replace')) {
      // `$patch: replace` in a list: the patch's elements are the whole list.
      return fromPatch(trace, patch.filter((p) => !(isObj(p) && p.$patch === 'replace')), patchAt) as unknown[];
    }
    patch.forEach((p, i) => {
      const pAt: Origin = { ...patchAt, path: [...patchAt.path, i] };
      if (!isObj(p)) return;
      const match = target.find((t) => isObj(t) && !used.has(t) && t[key] !== undefined && t[key] === p[key]);
      if (match) used.add(match);
      if (p.$patch === 'delete') return;
      if (match) {
        const m = match as Obj;
        if (this.mergeObject(m, trace.nodeOrigin(m)!, p, pAt, f.type)) out.push(m);
      } else out.push(fromPatch(trace, p, pAt));
    });
    for (const t of target) if (!used.has(t)) out.push(t);
    return out;
  }
}

/**
 * Apply a strategic merge patch to a built object in place. Returns false when the patch deletes the object.
 */
export function applyStrategicMerge(ctx: PatchContext, target: Obj, patch: Obj, patchAt: Origin): boolean {
  const rootAt = ctx.trace.nodeOrigin(target)!;
  const type = kindType(String(target.apiVersion ?? ''), String(target.kind ?? ''));
  return ctx.mergeObject(target, rootAt, patch, patchAt, type);
}
