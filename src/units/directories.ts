/**
 * Units from the layout of files: sibling directories (or sibling files) that hold different copies of the same
 * objects are alternatives — environments (`envs/dev`, `envs/prod`), install variants (`calico.yaml`,
 * `calico-typha.yaml`) — and become separate units, each with the objects of the directories above it that are not
 * alternatives themselves. Without such copies, all files are one unit.
 */
import type { Manifest, SourceFile } from '../types.js';
import { identityOf } from './identity.js';

export interface FileGroup {
  /** Display path of the directory or file that makes the unit (`.` for the whole run). */
  name: string;
  files: SourceFile[];
}

interface Node {
  path: string;
  dirs: Map<string, Node>;
  files: SourceFile[];
}

/** Identity → the objects with that identity. */
type Content = Map<string, Manifest[]>;

function contentOf(files: readonly SourceFile[], memo: WeakMap<SourceFile, Content>): Content {
  const out: Content = new Map();
  for (const f of files) {
    let c = memo.get(f);
    if (!c) {
      c = new Map();
      for (const m of f.manifests) {
        const id = identityOf(m);
        if (id === undefined) continue;
        const list = c.get(id);
        if (list) list.push(m);
        else c.set(id, [m]);
      }
      memo.set(f, c);
    }
    for (const [k, v] of c) {
      const list = out.get(k);
      if (list) list.push(...v);
      else out.set(k, [...v]);
    }
  }
  return out;
}

const fingerprints = new WeakMap<Manifest, string>();
function fingerprint(m: Manifest): string {
  let s = fingerprints.get(m);
  if (s === undefined) fingerprints.set(m, (s = JSON.stringify(m.object)));
  return s;
}

function tree(files: readonly SourceFile[]): Node {
  const root: Node = { path: '.', dirs: new Map(), files: [] };
  for (const f of files) {
    const parts = f.path.split('/').filter((p) => p !== '' && p !== '.');
    let n = root;
    for (const dir of parts.slice(0, -1)) {
      let next = n.dirs.get(dir);
      if (!next) n.dirs.set(dir, (next = { path: n.path === '.' ? dir : `${n.path}/${dir}`, dirs: new Map(), files: [] }));
      n = next;
    }
    n.files.push(f);
  }
  return root;
}

function allFiles(n: Node, out: SourceFile[] = []): SourceFile[] {
  out.push(...n.files);
  for (const d of n.dirs.values()) allFiles(d, out);
  return out;
}

/** A child of a directory: a subdirectory or a file, with every file it holds. */
interface Child {
  name: string;
  dir?: Node;
  files: SourceFile[];
}

/** Files of a subtree that are not inside an alternative, and its alternatives (each with its own shared files). */
interface Split {
  common: SourceFile[];
  leaves: FileGroup[];
}

function split(n: Node, memo: WeakMap<SourceFile, Content>): Split {
  const children: Child[] = [
    ...[...n.dirs.values()].map((d) => ({ name: d.path, dir: d, files: allFiles(d) })),
    ...n.files.map((f) => ({ name: f.path, files: [f] })),
  ];
  // A child is an alternative when another child defines one of its identities with different content.
  const holders = new Map<string, { children: number[]; objects: Manifest[] }>();
  children.forEach((c, i) => {
    for (const [id, objects] of contentOf(c.files, memo)) {
      const h = holders.get(id);
      if (!h) holders.set(id, { children: [i], objects: [...objects] });
      else {
        h.children.push(i);
        h.objects.push(...objects);
      }
    }
  });
  // Identical copies are the same object applied twice, not alternatives (content compared only on a shared identity).
  const variant = new Set<number>();
  for (const h of holders.values()) {
    if (h.children.length < 2) continue;
    const first = fingerprint(h.objects[0]!);
    if (h.objects.some((m) => fingerprint(m) !== first)) for (const i of h.children) variant.add(i);
  }
  const out: Split = { common: [], leaves: [] };
  children.forEach((c, i) => {
    const inner: Split = c.dir ? split(c.dir, memo) : { common: c.files, leaves: [] };
    if (!variant.has(i)) {
      out.common.push(...inner.common);
      out.leaves.push(...inner.leaves);
    } else if (!inner.leaves.length) out.leaves.push({ name: c.name, files: inner.common });
    else for (const l of inner.leaves) out.leaves.push({ name: l.name, files: [...l.files, ...inner.common] });
  });
  return out;
}

/** Split files into units by their directories (see the module comment). Always at least one group. */
export function directoryUnits(files: readonly SourceFile[]): FileGroup[] {
  if (!files.length) return [];
  const { common, leaves } = split(tree(files), new WeakMap());
  if (!leaves.length) return [{ name: '.', files: common }];
  return leaves.map((l) => ({ name: l.name, files: [...l.files, ...common] }));
}
