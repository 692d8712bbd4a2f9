/**
 * Input generators for the fuzz tests (test/fuzz.test.ts, scripts/fuzz.mjs): YAML-ish random text and structured
 * mutations of real manifests (delete, retype, duplicate, move fields) plus line-level edits that break the syntax.
 * Everything is driven by a seeded PRNG so a failing case can be regenerated from its seed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { CORPUS_ROOT } from './helpers/sarif.js';

export const CORPUS = join(CORPUS_ROOT, 'real');

export function corpusFiles(): { name: string; text: string }[] {
  return readdirSync(CORPUS)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(CORPUS, name), 'utf8') }));
}

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** Values a field may be retyped to: every JSON type, edge numbers, YAML 1.1 lookalikes, capability-ish strings. */
const ODD_VALUES: readonly unknown[] = [
  0, -1, 1.5, 65536, -80, 2 ** 53, 1e308, '', 'x', '0x1F', 'yes', 'on', '~', 'null', '*', '{{ .Values.x }}', 'SYS_ADMIN', 'CAP_NET_RAW',
  true, false, null, [], {}, [1], ['a', null], { a: 1 }, { matchLabels: 5 }, [{ name: 7 }], 'a'.repeat(300), '\u0000\u001b[31m', '../../etc/passwd',
];

type Container = Record<string, unknown> | unknown[];
type Loc = { parent: Container; key: string | number };

/** Every (container, key) pair inside `root`. */
function locations(root: unknown): Loc[] {
  const out: Loc[] = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) node.forEach((v, i) => (out.push({ parent: node, key: i }), stack.push(v)));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push({ parent: node as Container, key: k }), stack.push(v);
  }
  return out;
}

const get = (l: Loc) => (l.parent as Record<string | number, unknown>)[l.key];
function set(l: Loc, v: unknown): void {
  (l.parent as Record<string | number, unknown>)[l.key] = v;
}
function remove(l: Loc): void {
  if (Array.isArray(l.parent)) l.parent.splice(l.key as number, 1);
  else delete (l.parent as Record<string, unknown>)[l.key as string];
}
const clone = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

export const STRUCTURAL = ['delete', 'retype', 'duplicate', 'move'] as const;
export const TEXTUAL = ['drop-line', 'repeat-line', 'swap-lines', 'reindent', 'insert-token', 'truncate', 'crlf-bom'] as const;
export type Mutation = (typeof STRUCTURAL)[number] | (typeof TEXTUAL)[number];

/** Apply one structural mutation to a decoded document, in place (a no-op on scalars). */
export function mutateValue(root: unknown, op: (typeof STRUCTURAL)[number], rnd: () => number): unknown {
  const locs = locations(root);
  if (!locs.length) return op === 'retype' ? clone(pick(rnd, ODD_VALUES)) : root;
  const at = pick(rnd, locs);
  switch (op) {
    case 'delete':
      remove(at);
      break;
    case 'retype':
      set(at, clone(pick(rnd, ODD_VALUES)));
      break;
    case 'duplicate': {
      const copy = clone(get(at));
      if (Array.isArray(at.parent)) at.parent.push(copy);
      else {
        // Same value under a sibling key, or the same key one level up (a field in the wrong place).
        const target = pick(rnd, locs.filter((l) => !Array.isArray(l.parent)));
        (target.parent as Record<string, unknown>)[String(at.key)] = copy;
      }
      break;
    }
    case 'move': {
      const value = get(at);
      remove(at);
      const targets = locations(root).filter((l) => get(l) !== null && typeof get(l) === 'object');
      if (!targets.length) break;
      const dest = get(pick(rnd, targets)) as Container;
      if (Array.isArray(dest)) dest.push(value);
      else dest[String(at.key)] = value;
      break;
    }
  }
  return root;
}

const TOKENS = [':', ': ', '- ', '[', ']', '{', '}', ',', '&a ', '*a', '<<: *a', '!!str ', '!!binary ', '? ', '|', '>-', '"', "'", '#', '\t', '---', '...', '%YAML 1.1', '\\', '\u00e9', '\ud83d\ude00', '\ufeff', '\r', '{{ x }}', 'null', '~', '0o17', '.inf'];

/** Apply one line-level mutation to YAML text. */
export function mutateText(text: string, op: (typeof TEXTUAL)[number], rnd: () => number): string {
  const lines = text.split('\n');
  const i = Math.floor(rnd() * lines.length);
  const j = Math.floor(rnd() * lines.length);
  switch (op) {
    case 'drop-line':
      lines.splice(i, 1);
      break;
    case 'repeat-line':
      lines.splice(i, 0, lines[i]!);
      break;
    case 'swap-lines':
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      break;
    case 'reindent':
      lines[i] = ' '.repeat(Math.floor(rnd() * 7)) + lines[i]!.trimStart();
      break;
    case 'insert-token': {
      const line = lines[i]!;
      const at = Math.floor(rnd() * (line.length + 1));
      lines[i] = line.slice(0, at) + pick(rnd, TOKENS) + line.slice(at);
      break;
    }
    case 'truncate':
      return text.slice(0, Math.floor(rnd() * text.length));
    case 'crlf-bom':
      return '\ufeff' + lines.join('\r\n');
  }
  return lines.join('\n');
}

/** The documents of a manifest file as plain values (the yaml library, YAML 1.1; empty on a syntax error). */
export function decode(text: string): unknown[] {
  try {
    const docs = parseAllDocuments(text, { version: '1.1', logLevel: 'silent' });
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return [];
    return docs.map((d) => d.toJS({ maxAliasCount: 1000 }));
  } catch {
    return [];
  }
}

/**
 * `decode(text)` as a fresh copy (the mutations change it in place): each corpus file is parsed once, however many
 * ways and seeds mutate it. structuredClone keeps shared references (aliases) shared, as a new decode would.
 */
const decoded = new Map<string, unknown[]>();
function decodeCached(text: string): unknown[] {
  let docs = decoded.get(text);
  if (!docs) decoded.set(text, (docs = decode(text)));
  return structuredClone(docs);
}

const encoded = new Map<string, string>();
/** `encode(docs)` for the unmutated decoding of `text`, computed once per text. */
function encodeCached(text: string, docs: unknown[]): string {
  let out = encoded.get(text);
  if (out === undefined) encoded.set(text, (out = encode(docs)));
  return out;
}

export function encode(docs: unknown[]): string {
  return docs.map((d) => stringify(d, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n');
}

/** The `way`-th mutation of a manifest file (way 0-9 cover every structural op, combinations and text edits). */
export function mutateFile(text: string, way: number, seed: number): string {
  const rnd = prng(seed * 1000 + way);
  const plan: Mutation[][] = [
    ['delete'],
    ['retype'],
    ['duplicate'],
    ['move'],
    ['delete', 'retype', 'move'],
    ['retype', 'retype', 'duplicate', 'crlf-bom'],
    ['drop-line', 'repeat-line'],
    ['swap-lines', 'reindent'],
    ['insert-token', 'insert-token'],
    ['move', 'truncate'],
  ];
  let docs = decodeCached(text);
  let out: string | undefined;
  let pristine = true; // docs is still the decoded text: its encoding is cached.
  for (const op of plan[way % plan.length]!) {
    if ((STRUCTURAL as readonly string[]).includes(op)) {
      if (!docs.length) docs = [{}];
      const d = Math.floor(rnd() * docs.length);
      docs[d] = mutateValue(docs[d], op as (typeof STRUCTURAL)[number], rnd);
      out = undefined;
      pristine = false;
    } else {
      out = mutateText(out ?? (pristine ? encodeCached(text, docs) : encode(docs)), op as (typeof TEXTUAL)[number], rnd);
    }
  }
  return out ?? encode(docs);
}

/** fast-check: YAML-shaped random text (tokens, indentation, Kubernetes keys) and arbitrary unicode. */
export const yamlishText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...TOKENS, '\n', '\n  ', '\n    ', '\n- ', 'apiVersion: apps/v1\n', 'kind: DaemonSet\n', 'kind: Service\n', 'metadata:\n  name: x\n', 'spec:\n', '  template:\n', '    spec:\n', '      containers:\n', 'hostNetwork: true', 'selector: ', 'ports: ', 'a', 'name', '80'),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 60 },
      )
      .map((xs) => xs.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

/** fast-check: a corpus manifest with one to four random structural or textual mutations. */
export function mutatedManifest(files: { name: string; text: string }[]): fc.Arbitrary<{ name: string; text: string; seed: number; way: number }> {
  return fc.record({ index: fc.nat({ max: files.length - 1 }), seed: fc.nat(), way: fc.nat({ max: 9 }) }).map(({ index, seed, way }) => ({
    name: files[index]!.name,
    text: mutateFile(files[index]!.text, way, seed),
    seed,
    way,
  }));
}
