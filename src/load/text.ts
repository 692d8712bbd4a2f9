/**
 * One text model per file: the only place where offsets in a file's text become lines and columns, and where the
 * text is parsed with the `yaml` library for positions (the loader's fast pass decodes without it).
 *
 * - The line index is computed once, on first use, from the text itself. A line break is LF, CRLF (one break) or a
 *   lone CR, as YAML 1.1, kubectl's decoder, editors and the language server protocol count them, so every position
 *   agrees with the line an editor shows. The yaml library does not take a lone CR as a line break: it parses a copy
 *   where each is a line feed (`parseText`, same length, so every offset is the same). No column is past the end of
 *   its line.
 * - The whole file is parsed at most once (`documents()`), and only when asked. A file the fast pass decoded knows
 *   where each document starts (`docStarts`): `document(i)` then parses that document's slice on its own, and the
 *   one shared line index answers for it by shifting offsets (nothing is copied per document). Only the documents
 *   used last are kept (up to a budget of source text), so memory does not grow with the number of documents that
 *   have findings.
 *
 * Users: positions of findings (parse.ts `locate`), suppression comments (engine/suppress.ts), source snippets
 * (rules/schema.ts), fixes (fix/apply.ts), the language server's positions (lsp/convert.ts) and config errors.
 */
import type { Document } from 'yaml';
import type { Anchor, Path, Range } from '../types.js';
import { eventTree, spanInTree } from './event-positions.js';
import { parseDocuments } from './limits.js';
import { spanInDocument } from './positions.js';
import { PARSE_OPTIONS } from './yaml-options.js';

/** A parsed document and where its text starts in the file: node ranges plus `offset` are offsets in the file. */
export interface ParsedDocument {
  doc: Document;
  offset: number;
}

/** 1-based line and column (UTF-16 code units). */
export interface Position {
  line: number;
  column: number;
}

/**
 * How much source text (UTF-16 code units) the documents parsed on their own may add up to before the least recently
 * used are dropped: a parsed document takes about 27 times its text in memory, so about 30 MB per file at most.
 */
const KEPT_DOCUMENT_CHARS = 1 << 20;

export class TextModel {
  readonly text: string;
  /** Where each document starts, when known without parsing (the fast pass's `documentStarts`). */
  readonly docStarts: readonly number[] | undefined;
  #starts: Uint32Array | undefined;
  #parseText: string | undefined;
  #docs: Document[] | undefined;
  #alone = new Map<number, ParsedDocument | null>();
  #aloneChars = 0;
  #trees = new Map<number, ReturnType<typeof eventTree> | null>();
  #treeChars = 0;

  /**
   * The documents are strict JSON values (src/load/json.ts): each is located by parsing it with `yaml` on its own,
   * never from js-yaml's events (compared with `yaml` on YAML only).
   */
  readonly json: boolean;

  constructor(text: string, docStarts?: readonly number[], opts: { json?: boolean } = {}) {
    this.text = text;
    this.docStarts = docStarts;
    this.json = opts.json === true;
  }

  /**
   * The text the yaml library and the fast pass read: lone carriage returns as line feeds (same length, same offsets).
   */
  get parseText(): string {
    return (this.#parseText ??= normaliseLoneCR(this.text));
  }

  /** Offsets where lines start (the first is 0); a text ending with a line break has an empty last line here. */
  get lineStarts(): Uint32Array {
    return (this.#starts ??= computeLineStarts(this.text));
  }

  /** Number of lines as an editor shows them: a final line break does not start another line. */
  get lineCount(): number {
    const text = this.text;
    // Counted without building the index when nothing else needed it (most files: every file's count is reported).
    if (!this.#starts && !text.includes('\r')) {
      let n = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
      return n > 1 && text.charCodeAt(text.length - 1) === 10 ? n - 1 : n;
    }
    const starts = this.lineStarts;
    const n = starts.length;
    return n > 1 && starts[n - 1] === text.length ? n - 1 : n;
  }

  /** 1-based line of an offset (offsets past the end are on the last line). */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based line and column of an offset. */
  position(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, column: offset - this.lineStarts[line - 1]! + 1 };
  }

  /** Offset where a 1-based line starts (the end of the text past the last line). */
  lineStart(line: number): number {
    const starts = this.lineStarts;
    return line < 1 ? 0 : line > starts.length ? this.text.length : starts[line - 1]!;
  }

  /** Offset where a 1-based line ends, before its line break. */
  lineEnd(line: number): number {
    const starts = this.lineStarts;
    if (line >= starts.length) return this.text.length;
    const next = starts[line]!;
    const t = this.text;
    return t.charCodeAt(next - 1) === 10 && t.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** Offset of a 1-based line and column (clamped to the line's end). */
  offsetAt(line: number, column: number): number {
    return Math.min(this.lineStart(line) + Math.max(0, column - 1), this.lineEnd(line));
  }

  /**
   * The 1-based range of offsets [start, end). Positions at the very end of a text that ends with a line break stay
   * on its last line, and a span that ends just after a line break (block collections, an error running to the end
   * of the file) ends on the line the break closes instead of at column 1 of the next one, which may not exist:
   * every range stays within the file's lines. `endColumn` is exclusive.
   */
  rangeOf(start: number, end: number): Range {
    const text = this.text;
    const starts = this.lineStarts;
    const length = text.length;
    // Back over a line break (CRLF as one) to the end of the line it closes.
    const lineEnd = (o: number) => (text.charCodeAt(o - 1) === 10 && text.charCodeAt(o - 2) === 13 ? o - 2 : o - 1);
    if (length > 0 && starts.length > 1 && starts[starts.length - 1] === length) {
      if (start >= length) start = lineEnd(length);
      end = Math.min(end, length);
    }
    const s = this.position(start);
    let e = this.position(Math.max(start, end));
    if (e.column === 1 && e.line > s.line) e = this.position(Math.max(start, lineEnd(Math.max(start, end))));
    // A column is never past the end of its line (an offset beyond the text, or inside a CRLF break).
    const maxColumn = (line: number) => this.lineEnd(line) - this.lineStart(line) + 1;
    return { line: s.line, column: Math.min(s.column, maxColumn(s.line)), endLine: e.line, endColumn: Math.min(e.column, maxColumn(e.line)) };
  }

  /**
   * Let go of every parse kept so far (the whole file's, the documents parsed on their own and, unless `keepTrees`,
   * the event trees): they are made again if asked for. For a model kept after its file was checked, when only a few
   * positions may follow (often in the documents that already had findings, whose trees `keepTrees` keeps).
   */
  trim(keepTrees = false): void {
    this.#docs = undefined;
    this.#alone.clear();
    this.#aloneChars = 0;
    if (keepTrees) return;
    this.#trees.clear();
    this.#treeChars = 0;
  }

  /** Characters of the documents whose event trees are kept (what `trim(true)` keeps). */
  get treeChars(): number {
    return this.#treeChars;
  }

  /** Every document of the file, parsed once (on first use) with the loader's options. Do not modify them. */
  documents(): Document[] {
    if (!this.#docs) {
      // A parse that throws (a bug in the library on hostile input) throws once; the file then has no documents.
      this.#docs = [];
      const docs = parseDocuments(this.parseText, PARSE_OPTIONS);
      if (Array.isArray(docs)) this.#docs = docs;
    }
    return this.#docs;
  }

  /** Number of documents, from the known document starts when there are some (no parse), else from the parse. */
  get documentCount(): number {
    return this.docStarts ? this.docStarts.length : this.documents().length;
  }

  /** Offsets [start, end) of document `i`'s text, when the document starts are known or the file is parsed. */
  documentSpan(i: number): [number, number] | undefined {
    if (this.docStarts) {
      const start = this.docStarts[i];
      return start === undefined ? undefined : [start, this.docStarts[i + 1] ?? this.text.length];
    }
    const doc = this.documents()[i];
    if (!doc?.range) return undefined;
    return [i === 0 ? 0 : doc.range[0], this.documents()[i + 1]?.range?.[0] ?? this.text.length];
  }

  /**
   * Document `i` for positions: parsed on its own from its slice when the document starts are known and the slice is
   * exactly one clean document, else taken from the whole file's parse. Undefined when there is no such document.
   */
  document(i: number): ParsedDocument | undefined {
    if (!this.#docs && this.docStarts) {
      const one = this.#documentAlone(i);
      if (one) return one;
    }
    const doc = this.documents()[i];
    return doc ? { doc, offset: 0 } : undefined;
  }

  /**
   * The 1-based range of the node at `path` in document `i` (see positions.ts for `at`); the document's whole range
   * when it has no such node, and 1:1 when there is no such document. Documents the fast pass decoded are located
   * from js-yaml's events when that is exact (event-positions.ts), else parsed with `yaml`.
   */
  locate(i: number, path: Path, at?: Anchor): Range {
    if (!this.#docs && this.docStarts && !this.json) {
      const span = this.documentSpan(i);
      const tree = span && this.#tree(i, span);
      const found = tree && spanInTree(tree, path, at);
      if (found) return this.rangeOf(span[0] + found[0], span[0] + found[1]);
    }
    const parsed = this.document(i);
    if (!parsed) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
    const [start, end] = spanInDocument(parsed.doc, path, at);
    return this.rangeOf(parsed.offset + start, parsed.offset + end);
  }

  #tree(i: number, span: [number, number]): ReturnType<typeof eventTree> {
    const kept = this.#trees.get(i);
    if (kept !== undefined) return kept ?? undefined;
    const tree = eventTree(this.parseText.slice(span[0], span[1]));
    this.#trees.set(i, tree ?? null);
    this.#treeChars += span[1] - span[0];
    // A light tree takes a few times its text; the oldest go first past the budget (never the one just built).
    for (const [j] of this.#trees) {
      if (this.#treeChars <= KEPT_DOCUMENT_CHARS || j === i) break;
      const sp = this.documentSpan(j);
      this.#treeChars -= sp ? sp[1] - sp[0] : 0;
      this.#trees.delete(j);
    }
    return tree;
  }

  #documentAlone(i: number): ParsedDocument | undefined {
    const kept = this.#alone.get(i);
    if (kept !== undefined) {
      // Most recently used last.
      this.#alone.delete(i);
      this.#alone.set(i, kept);
      return kept ?? undefined;
    }
    const span = this.documentSpan(i);
    let found: ParsedDocument | null = null;
    if (span) {
      // Only texts the fast pass accepted have known starts: it gave up on any repeated key, so the duplicate-key
      // check has nothing to find here.
      const parsed = parseDocuments(this.parseText.slice(span[0], span[1]), { ...PARSE_OPTIONS, uniqueKeys: false });
      if (Array.isArray(parsed) && parsed.length === 1 && !parsed[0]!.errors.length) found = { doc: parsed[0]!, offset: span[0] };
    }
    this.#alone.set(i, found);
    this.#aloneChars += span ? span[1] - span[0] : 0;
    // Drop the least recently used (never the one just parsed) while over the budget.
    for (const [j] of this.#alone) {
      if (this.#aloneChars <= KEPT_DOCUMENT_CHARS || j === i) break;
      const sp = this.documentSpan(j);
      this.#aloneChars -= sp ? sp[1] - sp[0] : 0;
      this.#alone.delete(j);
    }
    return found ?? undefined;
  }
}

/** `text` with every lone carriage return (one not followed by a line feed) replaced by a line feed. */
export function normaliseLoneCR(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Line starts of a text: after every LF, every CRLF and every lone CR. */
function computeLineStarts(text: string): Uint32Array {
  if (!text.includes('\r')) {
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    const starts = new Uint32Array(n);
    let k = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
    return starts;
  }
  const out: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) out.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      out.push(i + 1);
    }
  }
  return Uint32Array.from(out);
}

/** A model for a text used once (a config file, an editor buffer's edit). */
export function textModel(text: string): TextModel {
  return new TextModel(text);
}
