/**
 * The one place where object paths become source positions. Rules report paths;
 * this module walks the `yaml` node tree to the deepest existing node on the path
 * and returns its 1-based range.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { Anchor, Path, Range } from '../types.js';
import type { ParsedDocument, TextModel } from './text.js';

type Located = { node?: Node | null; pair?: Pair<unknown, unknown> };

export { formatPath } from './format-path.js';

/**
 * A YAML 1.1 merge key (`<<`). The yaml library gives its value as a Symbol (`Symbol(<<)`), not the string `'<<'`:
 * compare through this helper.
 */
export function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

function keyOf(pair: Pair<unknown, unknown>): unknown {
  const k = pair.key;
  return isScalar(k) ? k.value : k;
}

function deref(doc: Document, node: unknown): unknown {
  if (isAlias(node)) {
    try {
      return node.resolve(doc) ?? node;
    } catch {
      return node;
    }
  }
  return node;
}

function findPair(doc: Document, map: unknown, key: string, depth = 0): Pair<unknown, unknown> | undefined {
  if (!isMap(map) || depth > 8) return undefined;
  let merged: Pair<unknown, unknown> | undefined;
  for (const item of map.items) {
    if (!isPair(item)) continue;
    if (isMergeKey(item.key)) {
      if (merged) continue;
      // YAML 1.1 merge keys: look into the merged mapping(s).
      const src = deref(doc, item.value);
      const sources = isSeq(src) ? src.items.map((i) => deref(doc, i)) : [src];
      for (const s of sources) {
        const found = findPair(doc, s, key, depth + 1);
        if (found) {
          merged = found;
          break;
        }
      }
      continue;
    }
    const k = keyOf(item);
    if (k !== null && k !== undefined && typeof k !== 'symbol' && String(k) === key) return item;
  }
  return merged;
}

/** Walk `path` from the document root; returns the deepest existing pair/node. */
function walk(doc: Document, path: Path): Located {
  let current: unknown = doc.contents;
  let located: Located = { node: doc.contents as Node | null };
  for (const seg of path) {
    const container = deref(doc, current);
    if (typeof seg === 'number') {
      if (!isSeq(container) || seg < 0 || seg >= container.items.length) break;
      current = container.items[seg];
      located = { node: current as Node };
    } else {
      const pair = findPair(doc, container, seg);
      if (!pair) break;
      current = pair.value;
      located = { pair, node: pair.value as Node | null };
    }
  }
  return located;
}

function nodeSpan(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/**
 * The offsets [start, end) of the node at `path` inside a parsed document (relative to the text the document was
 * parsed from): the deepest existing node on the path, then its key, value or both (`at`).
 */
export function spanInDocument(doc: Document, path: Path, at: Anchor = 'key'): [number, number] {
  const { pair, node } = walk(doc, path);
  const keySpan = pair ? nodeSpan(pair.key) : undefined;
  const valueSpan = nodeSpan(node);
  let span: [number, number] | undefined;
  if (at === 'key') span = keySpan ?? valueSpan;
  else if (at === 'value') span = valueSpan ?? keySpan;
  else span = keySpan && valueSpan ? [keySpan[0], valueSpan[1]] : (keySpan ?? valueSpan);
  if (!span) {
    const start = doc.range?.[0] ?? 0;
    span = nodeSpan(doc.contents) ?? [start, start];
  }
  return span;
}

/** Resolve an object path inside a parsed document of `model`'s text to a 1-based range. */
export function locateInDocument(model: TextModel, parsed: ParsedDocument, path: Path, at: Anchor = 'key'): Range {
  const [start, end] = spanInDocument(parsed.doc, path, at);
  return model.rangeOf(parsed.offset + start, parsed.offset + end);
}

/**
 * The 1-based position of character `offset` of the string value at `path` (e.g. a column inside a CEL expression
 * written in YAML). Exact for single-line plain and quoted scalars without escapes and for literal blocks (`|`);
 * otherwise the start of the value.
 */
export function locateInString(model: TextModel, parsed: ParsedDocument, path: Path, offset: number): { line: number; column: number } {
  const { doc } = parsed;
  const text = model.parseText;
  const { node } = walk(doc, path);
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) {
    const r = locateInDocument(model, parsed, path, 'value');
    return { line: r.line, column: r.column };
  }
  const fallback = model.position(parsed.offset + range[0]);
  if (!isScalar(node) || typeof node.value !== 'string') return fallback;
  const value = node.value;
  const raw = text.slice(parsed.offset + range[0], parsed.offset + range[1]);
  const pos = (o: number) => model.position(parsed.offset + o);
  const clamped = Math.max(0, Math.min(offset, value.length));
  switch (node.type) {
    case 'PLAIN':
      return raw === value ? pos(range[0] + clamped) : fallback;
    case 'QUOTE_SINGLE':
    case 'QUOTE_DOUBLE':
      return raw.slice(1, -1) === value ? pos(range[0] + 1 + clamped) : fallback;
    case 'BLOCK_LITERAL': {
      // Header line, then the content lines, each indented by the same amount.
      const lines = raw.split('\n');
      const content = lines.slice(1);
      const indent = /^ */.exec(content.find((l) => l.trim() !== '') ?? '')![0].length;
      const before = value.slice(0, clamped).split('\n');
      const lineIndex = before.length - 1;
      const line = content[lineIndex];
      if (line === undefined || line.slice(indent) !== value.split('\n')[lineIndex]) return fallback;
      let o = range[0] + lines[0]!.length + 1;
      for (let i = 0; i < lineIndex; i++) o += content[i]!.length + 1;
      return pos(o + indent + before[lineIndex]!.length);
    }
    default:
      return fallback;
  }
}
