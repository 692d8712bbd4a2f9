/**
 * The fast first pass of the loader: decodes a file's documents from js-yaml's event stream into plain objects,
 * with the same YAML 1.1 scalar rules as the `yaml` path in parse.ts (kubectl's view: unquoted yes/no/on/off are
 * booleans, 0755 is octal, timestamps stay strings, no sexagesimal numbers).
 *
 * It only handles what it can decode exactly as the `yaml` path would, and gives up (returns undefined) on anything
 * else: a syntax error, an anchor, an alias, a tag, a directive, a merge key (`<<`), a key that is a collection,
 * an empty plain key, a key that appears twice (after conversion to a string), a `__proto__` key and a bare `...`
 * line. The caller then parses the file with
 * `yaml`, which stays the source of truth for positions, errors and fixes. test/fastpath.test.ts checks both paths
 * give identical objects.
 */
import { getScalarValue, parseEvents } from 'js-yaml';

// js-yaml's event ids and scalar styles (EVENT_ID, SCALAR_STYLE), inlined so this module reads no tables at run time.
export const DOCUMENT = 1;
export const SEQUENCE = 2;
export const MAPPING = 3;
export const SCALAR = 4;
export const POP = 6;
export const PLAIN = 1;

/** Deepest nesting the fast pass decodes; deeper documents go to the `yaml` path and its limits. */
export const FAST_MAX_DEPTH = 100;

/** Returned by `resolvePlain` for the merge key, which the fast pass does not handle. */
const MERGE = Symbol('merge');
/** A mapping waiting for its next key. */
const NO_KEY = Symbol('no key');

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE_RE = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const FALSE_RE = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const INT_BIN_RE = /^[-+]?0b[0-1_]+$/;
const INT_OCT_RE = /^[-+]?0[0-7_]+$/;
const INT_RE = /^[-+]?[0-9][0-9_]*$/;
const INT_HEX_RE = /^[-+]?0x[0-9a-fA-F_]+$/;
const FLOAT_NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP_RE = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/;

/** An integer the way the `yaml` library's YAML 1.1 schema reads it: prefix skipped, underscores dropped, sign kept. */
function int(s: string, prefix: number, radix: number): number {
  const sign = s[0];
  const offset = sign === '-' || sign === '+' ? prefix + 1 : prefix;
  const n = parseInt(s.substring(offset).replace(/_/g, ''), radix);
  return sign === '-' ? -1 * n : n;
}

/**
 * The value of an untagged plain scalar under YAML 1.1, trying the same tests in the same order as the `yaml`
 * library's 1.1 schema (minus timestamps and sexagesimal numbers, which parse.ts removes).
 */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  if (s.length === 0) return null;
  // Numbers start with a digit, a sign, a dot, or (YAML 1.1 floats such as `e3`, read as NaN) an exponent.
  if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x45) {
    if (INT_BIN_RE.test(s)) return int(s, 2, 2);
    if (INT_OCT_RE.test(s)) return int(s, 1, 8);
    if (INT_RE.test(s)) return int(s, 0, 10);
    if (INT_HEX_RE.test(s)) return int(s, 2, 16);
    if (FLOAT_NAN_RE.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
    if (FLOAT_EXP_RE.test(s) || FLOAT_RE.test(s)) return parseFloat(s.replace(/_/g, ''));
    return s;
  }
  if (s.length <= 5) {
    if (NULL_RE.test(s)) return null;
    if (TRUE_RE.test(s)) return true;
    if (FALSE_RE.test(s)) return false;
  }
  if (c === 0x3c && s === '<<') return MERGE;
  return s;
}

type Container = unknown[] | Record<string, unknown>;

/**
 * Decode every document of `text` (BOM already removed) into plain values, one per YAML document, as the `yaml`
 * path's `doc.toJS()` would; `undefined` when the text needs the `yaml` path.
 */
export function fastDocuments(text: string): unknown[] | undefined {
  // A bare `...` line starts an empty document for the yaml library; leave such texts to it.
  if (text.startsWith('...') || text.includes('\n...')) return undefined;
  let events: ReturnType<typeof parseEvents>;
  try {
    events = parseEvents(text, { maxDepth: FAST_MAX_DEPTH });
  } catch {
    return undefined; // A syntax error (or too deep): the yaml path reports it.
  }
  const docs: unknown[] = [];
  const stack: Container[] = [];
  // For each open container: the pending key of a mapping (NO_KEY while waiting for one); unused for sequences.
  const keys: (string | typeof NO_KEY)[] = [];
  let root: unknown = null;

  /** Attach a value to the open container (or make it the document root); false to give up. */
  let emptyPlain = false;
  const add = (value: unknown, isCollection: boolean): boolean => {
    const top = stack.length - 1;
    if (top < 0) {
      root = value;
      return true;
    }
    const parent = stack[top]!;
    if (Array.isArray(parent)) {
      parent.push(value);
      return true;
    }
    const key = keys[top]!;
    if (key === NO_KEY) {
      if (isCollection) return false; // A collection as a key: the yaml path stringifies it.
      // An empty plain key (`: value`): the yaml library rejects several layouts with one that js-yaml accepts.
      if (value === null && emptyPlain) return false;
      const k = value === null ? '' : String(value);
      if (k === '__proto__' || Object.hasOwn(parent, k)) return false; // Duplicate key: the yaml path reports it.
      keys[top] = k;
      return true;
    }
    parent[key] = value;
    keys[top] = NO_KEY;
    return true;
  };

  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    switch (ev.type) {
      case DOCUMENT:
        if (ev.directives.length) return undefined; // %YAML / %TAG: the yaml path decides what they mean.
        root = null;
        break;
      case SEQUENCE:
      case MAPPING: {
        if (ev.anchorStart !== -1 || ev.tagStart !== -1) return undefined;
        const c: Container = ev.type === SEQUENCE ? [] : {};
        emptyPlain = false;
        if (!add(c, true)) return undefined;
        stack.push(c);
        keys.push(NO_KEY);
        break;
      }
      case SCALAR: {
        if (ev.anchorStart !== -1 || ev.tagStart !== -1) return undefined;
        const raw = getScalarValue(text, ev);
        const value = ev.style === PLAIN ? resolvePlain(raw) : raw;
        emptyPlain = ev.style === PLAIN && raw === '';
        if (value === MERGE) return undefined;
        if (!add(value, false)) return undefined;
        break;
      }
      case POP:
        if (stack.length) {
          stack.pop();
          if (keys.pop() !== NO_KEY) return undefined; // A key without a value event: leave it to the yaml path.
        } else docs.push(root);
        break;
      default:
        return undefined; // An alias.
    }
  }
  return docs;
}

/** A `---` at offset `at` (column 0) followed by a space, a tab, a line break or the end of the text. */
function isDocumentMarker(text: string, at: number): boolean {
  const c = text.charCodeAt(at + 3);
  // biome-ignore lint/suspicious/noSelfCompare: NaN (past the end of the text) is the one value not equal to itself.
  return c !== c /* end of text */ || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Where each of the `count` documents of a text the fast pass decoded starts, so that one document can be parsed
 * again on its own (for positions); undefined when the text's markers do not account for exactly `count` documents.
 *
 * A line starting with `---` and a space, a tab or a line break is a document start marker wherever it appears: YAML
 * forbids such a line inside any scalar or collection, and the texts the fast pass accepts have neither directives nor
 * `...` end markers (see fastDocuments). A first document without a marker starts at offset 0; leading comments
 * and blank lines belong to the first document either way. Lone carriage returns (line breaks to YAML, not to this
 * scan) give undefined.
 */
export function documentStarts(text: string, count: number): number[] | undefined {
  const starts = markerStarts(text);
  if (!starts || starts.length !== count) return undefined;
  return starts;
}

/** Where documents start by their markers (see documentStarts), whatever their number; undefined with lone CRs. */
function markerStarts(text: string): number[] | undefined {
  if (/\r(?!\n)/.test(text)) return undefined;
  const markers: number[] = [];
  if (text.startsWith('---') && isDocumentMarker(text, 0)) markers.push(0);
  for (let i = text.indexOf('\n---'); i !== -1; i = text.indexOf('\n---', i + 1)) if (isDocumentMarker(text, i + 1)) markers.push(i + 1);
  // Content before the first marker (anything but blank lines and comments) is a document without a marker.
  const head = text.slice(0, markers.length ? markers[0] : text.length);
  const starts = /^[ \t]*[^\s#]/m.test(head) ? [0, ...markers] : markers;
  if (starts.length) starts[0] = 0;
  return starts;
}

/**
 * Documents are decoded in pieces of about this many characters (whole documents, cut at their markers): each call of
 * js-yaml's parser has a fixed cost that thousands of small documents decoded one by one would pay thousands of times,
 * while decoding a large text at once keeps the event list of all of it in memory.
 */
export const FAST_PIECE_CHARS = 2 * 1024 * 1024;

/**
 * fastDocuments, with where each document starts. A text of several documents is decoded a piece of whole documents
 * at a time (cut at their markers, see documentStarts, FAST_PIECE_CHARS), so that the event list of only one piece is
 * in memory at once; when a piece does not decode as exactly its number of documents, the whole text is decoded at
 * once instead.
 */
export function fastDecode(text: string, pieceChars = FAST_PIECE_CHARS): { values: unknown[]; starts: number[] | undefined } | undefined {
  const marks = text.startsWith('...') || text.includes('\n...') ? undefined : markerStarts(text);
  if (marks && marks.length > 1) {
    const values: unknown[] = [];
    for (let k = 0; k < marks.length; ) {
      // Whole documents from the k-th, up to the piece size (at least one).
      let next = k + 1;
      while (next < marks.length && marks[next]! - marks[k]! < pieceChars) next++;
      const piece = fastDocuments(text.slice(marks[k], marks[next] ?? text.length));
      if (!piece || piece.length !== next - k) break;
      for (const v of piece) values.push(v);
      k = next;
    }
    if (values.length === marks.length) return { values, starts: marks };
  }
  const values = fastDocuments(text);
  return values && { values, starts: documentStarts(text, values.length) };
}
