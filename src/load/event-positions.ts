/**
 * Positions without the `yaml` library's node tree, for documents the fast pass decoded (src/load/fast.ts): a light
 * tree of node offsets built from js-yaml's event stream, giving exactly the spans `spanInDocument` (positions.ts)
 * gives on the `yaml` tree. Where the two could differ (block scalars, empty values, comments or blank lines that
 * may belong to a block collection's end, anything unexpected), it answers undefined and the caller parses the
 * document with `yaml`. test/fastpath.test.ts checks every path of every corpus object, for every anchor, against
 * the `yaml` path.
 *
 * Why: parsing a document with `yaml` costs several times what js-yaml's events cost, and a run with many findings
 * needs a position in many documents.
 */
import { getScalarValue, parseEvents } from 'js-yaml';
import type { Anchor, Path } from '../types.js';
import { MAPPING, PLAIN, POP, SCALAR, SEQUENCE, resolvePlain } from './fast.js';

// js-yaml's styles beside those fast.ts reads: quoted scalars, and flow collections.
const SINGLE = 2;
const DOUBLE = 3;
const FLOW = 2;

interface ENode {
  kind: 'map' | 'seq' | 'scalar';
  start: number;
  /** End offset as the `yaml` library gives it (range[1]); -1 when it cannot be known exactly. */
  end: number;
  flow: boolean;
  /** Mappings: keys and values, in order. */
  keys: ENode[];
  values: ENode[];
  /** Sequences: items. */
  items: ENode[];
  /** Scalars used as keys: the key as positions.ts compares it (String of the resolved value); null never matches. */
  key: string | null;
}

function node(kind: ENode['kind'], start: number, flow: boolean): ENode {
  return { kind, start, end: -1, flow, keys: [], values: [], items: [], key: null };
}

const lineBreak = (c: number) => c === 10 || c === 13;

/** Offset just after the line break ending the line that holds `at - 1` (`at` itself after a break), or the end. */
function nextLineStart(text: string, at: number): number {
  if (at > 0 && lineBreak(text.charCodeAt(at - 1))) return at; // A nested block collection already ends there.
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 13) return text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return text.length;
}

/** True when the line starting at `at` is blank or only a comment (it might belong to the collection before it). */
function blankOrComment(text: string, at: number): boolean {
  let i = at;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i < text.length && (lineBreak(text.charCodeAt(i)) || text.charCodeAt(i) === 35);
}

/** The end of a flow collection: its closing bracket, after its last child (or its opening bracket), plus one. */
function flowEnd(text: string, from: number, close: number): number {
  let inComment = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inComment) {
      if (lineBreak(c)) inComment = false;
      continue;
    }
    if (c === close) return i + 1;
    if (c === 32 || c === 9 || c === 44 /* , */ || lineBreak(c)) continue;
    if (c === 35 /* # */) {
      inComment = true;
      continue;
    }
    return -1;
  }
  return -1;
}

/** The light tree of the one document of `text`, or undefined when the events are not what the fast pass accepts. */
export function eventTree(text: string): ENode | undefined {
  let events: ReturnType<typeof parseEvents>;
  try {
    events = parseEvents(text, { maxDepth: 100 });
  } catch {
    return undefined;
  }
  let root: ENode | undefined;
  const stack: ENode[] = [];
  // For each open mapping: true while the next scalar/collection is a key.
  const expectKey: boolean[] = [];
  const attach = (n: ENode): boolean => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (root) return false; // More than one document.
      root = n;
      return true;
    }
    if (top.kind === 'seq') top.items.push(n);
    else if (expectKey[stack.length - 1]) {
      if (n.kind !== 'scalar') return false;
      top.keys.push(n);
      expectKey[stack.length - 1] = false;
    } else {
      top.values.push(n);
      expectKey[stack.length - 1] = true;
    }
    return true;
  };
  for (const ev of events) {
    switch (ev.type) {
      case SEQUENCE:
      case MAPPING: {
        if (ev.anchorStart !== -1 || ev.tagStart !== -1) return undefined;
        const n = node(ev.type === MAPPING ? 'map' : 'seq', ev.start, ev.style === FLOW);
        if (!attach(n)) return undefined;
        stack.push(n);
        expectKey.push(true);
        break;
      }
      case SCALAR: {
        if (ev.anchorStart !== -1 || ev.tagStart !== -1) return undefined;
        const n = node('scalar', ev.valueStart, false);
        if (ev.style === PLAIN) {
          // An empty plain scalar (a missing value) has no exact span here.
          if (ev.valueEnd > ev.valueStart) n.end = ev.valueEnd;
        } else if (ev.style === SINGLE || ev.style === DOUBLE) {
          const q = ev.style === SINGLE ? 39 : 34;
          if (text.charCodeAt(ev.valueStart - 1) === q && text.charCodeAt(ev.valueEnd) === q) {
            n.start = ev.valueStart - 1;
            n.end = ev.valueEnd + 1;
          }
        } // Block scalars: no exact span.
        const top = stack[stack.length - 1];
        if (top?.kind === 'map' && expectKey[stack.length - 1]) {
          const raw = getScalarValue(text, ev);
          const v = ev.style === PLAIN ? resolvePlain(raw) : raw;
          n.key = v === null || v === undefined || typeof v === 'symbol' ? null : String(v);
        }
        if (!attach(n)) return undefined;
        break;
      }
      case POP: {
        const n = stack.pop();
        if (!n) break; // The document's end.
        expectKey.pop();
        if (n.kind === 'map' && n.keys.length !== n.values.length) return undefined;
        const children = n.kind === 'map' ? n.values : n.items;
        const last = children[children.length - 1];
        if (n.flow) {
          const from = last ? last.end : n.start + 1;
          n.end = from < 0 ? -1 : flowEnd(text, from, n.kind === 'map' ? 125 : 93);
        } else if (last && last.end >= 0) {
          // A block collection ends where the line of its last value ends (after the line break), unless the lines
          // after it are blank or comments, which the yaml library may count in.
          const end = nextLineStart(text, last.end);
          n.end = end < text.length && blankOrComment(text, end) ? -1 : end;
        }
        break;
      }
      default:
        if (ev.type !== 1) return undefined; // An alias or anything else unexpected.
    }
  }
  return stack.length ? undefined : root;
}

/**
 * The span `spanInDocument` gives for `path` and `at`, from the light tree; undefined when it cannot be exact.
 * Offsets are relative to the text the tree was built from.
 */
export function spanInTree(root: ENode, path: Path, at: Anchor = 'key'): [number, number] | undefined {
  let cur: ENode = root;
  let keyNode: ENode | undefined;
  let valueNode: ENode = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (cur.kind !== 'seq' || seg < 0 || seg >= cur.items.length) break;
      cur = cur.items[seg]!;
      keyNode = undefined;
      valueNode = cur;
    } else {
      if (cur.kind !== 'map') break;
      const i = cur.keys.findIndex((k) => k.key === seg);
      if (i === -1) break;
      keyNode = cur.keys[i]!;
      cur = cur.values[i]!;
      valueNode = cur;
    }
  }
  const span = (n: ENode): [number, number] | undefined => (n.end < 0 ? undefined : [n.start, n.end]);
  const keySpan = keyNode && span(keyNode);
  const valueSpan = span(valueNode);
  // Whatever is needed must be exact: an unknown span is not a missing one.
  if (at === 'key') return keyNode ? keySpan : valueSpan;
  if (at === 'value') return valueSpan;
  if (!keyNode) return valueSpan;
  return keySpan && valueSpan ? [keySpan[0], valueSpan[1]] : undefined;
}
