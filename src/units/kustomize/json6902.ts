/** JSON patches (RFC 6902) as Kustomize applies them to built objects, with provenance for the values they write. */
import type { Origin } from '../../types.js';
import { type NodeTrace, deepCopy } from '../trace.js';

type Container = Record<string, any> | unknown[];

export class PatchError extends Error {}

function parsePointer(p: unknown): string[] {
  if (typeof p !== 'string' || (p !== '' && !p.startsWith('/'))) throw new PatchError(`"${String(p)}" is not a JSON pointer`);
  return p === '' ? [] : p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolveParent(root: Container, parts: string[]): { parent: Container; key: string } {
  let cur: unknown = root;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (typeof cur === 'object' && cur !== null) cur = (cur as Record<string, unknown>)[part];
    else cur = undefined;
    if (typeof cur !== 'object' || cur === null) throw new PatchError(`path /${parts.join('/')} does not exist`);
  }
  return { parent: cur as Container, key: parts[parts.length - 1]! };
}

function get(parent: Container, key: string): unknown {
  if (Array.isArray(parent)) return parent[Number(key)];
  return Object.hasOwn(parent, key) ? parent[key] : undefined;
}

/** Pointer segments as a path: numbers where they index a list. */
function typedPath(root: Container, parts: string[]): (string | number)[] {
  const out: (string | number)[] = [];
  let cur: unknown = root;
  for (const p of parts) {
    const seg = Array.isArray(cur) ? Number(p) : p;
    out.push(seg);
    cur = isContainer(cur) ? (cur as Record<string, unknown>)[p] : undefined;
  }
  return out;
}

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null;

/**
 * Apply the operations to a built object in place. `opAt(i)` is where operation i is written (its `value` is traced
 * there). Throws PatchError for an operation kustomize would refuse.
 */
export function applyJson6902(trace: NodeTrace, target: Record<string, any>, ops: unknown, opAt: (i: number) => Origin): void {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be a list of operations');
  ops.forEach((op, i) => {
    if (typeof op !== 'object' || op === null) throw new PatchError(`operation ${i + 1} is not a mapping`);
    const o = op as Record<string, unknown>;
    const parts = parsePointer(o.path);
    if (!parts.length) throw new PatchError('patching the whole object is not supported');
    const { parent, key } = resolveParent(target, parts);
    const parentPath = typedPath(target, parts.slice(0, -1));
    const pinElements = () => {
      if (Array.isArray(parent)) parent.forEach((el, j) => trace.pin(el, trace.origin(target, [...parentPath, j])));
    };
    const at = opAt(i);
    const valueAt: Origin = { ...at, path: [...at.path, 'value'] };
    const put = (value: unknown, from: Origin | undefined, insert: boolean) => {
      const v = from ? value : deepCopy(value);
      if (!from) trace.setNode(v, valueAt);
      if (Array.isArray(parent)) {
        const idx = key === '-' ? parent.length : Number(key);
        if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) throw new PatchError(`index ${key} is out of range`);
        pinElements();
        if (insert) parent.splice(idx, 0, v);
        else parent[idx] = v;
        if (!isContainer(v)) trace.setKey(parent, idx, from ?? valueAt);
      } else {
        parent[key] = v;
        if (!isContainer(v)) trace.setKey(parent, key, from ?? valueAt);
        else trace.clearKey(parent, key);
      }
    };
    switch (o.op) {
      case 'add':
        put(o.value, undefined, true);
        break;
      case 'replace':
        if (get(parent, key) === undefined) throw new PatchError(`cannot replace ${String(o.path)}: it does not exist`);
        put(o.value, undefined, false);
        break;
      case 'remove':
        if (get(parent, key) === undefined) throw new PatchError(`cannot remove ${String(o.path)}: it does not exist`);
        if (Array.isArray(parent)) {
          pinElements();
          parent.splice(Number(key), 1);
        } else {
          delete parent[key];
          trace.clearKey(parent, key);
        }
        break;
      case 'move':
      case 'copy': {
        const fromParts = parsePointer(o.from);
        const src = resolveParent(target, fromParts);
        const value = get(src.parent, src.key);
        if (value === undefined) throw new PatchError(`cannot ${o.op} from ${String(o.from)}: it does not exist`);
        const fromOrigin = trace.origin(target, typedPath(target, fromParts));
        const moved = o.op === 'copy' ? deepCopy(value) : value;
        if (isContainer(moved)) trace.setNode(moved, trace.nodeOrigin(value as object) ?? fromOrigin);
        if (o.op === 'move') {
          if (Array.isArray(src.parent)) src.parent.splice(Number(src.key), 1);
          else delete src.parent[src.key];
        }
        put(moved, fromOrigin, true);
        break;
      }
      case 'test':
        if (JSON.stringify(get(parent, key)) !== JSON.stringify(o.value)) throw new PatchError(`test of ${String(o.path)} failed`);
        break;
      default:
        throw new PatchError(`unknown operation ${JSON.stringify(o.op)}`);
    }
  });
}
