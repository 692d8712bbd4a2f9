/**
 * Applies fixes to YAML or JSON text by splicing the source: only the bytes of the edited nodes change, so comments,
 * key order, quoting and every unrelated line stay byte for byte. All fixes of a file are located on one parse (the
 * `yaml` library's node ranges, parsed as the loader parses), spliced in one go and checked once: the new text must
 * parse without errors and decode to exactly the old documents with the fixes' edits applied. When that check fails,
 * the fixes are split in halves and each half applied and checked on its own, so one bad fix costs a few parses, not
 * one parse per fix. A fix that cannot be applied exactly (an alias or merge key on its path, a destination that
 * already exists …) is skipped, never half-applied.
 *
 * New lines get the file's line breaks (CRLF in a CRLF file). A JSON text (a `.json` file, or text that starts with
 * `{`, which kubectl reads as JSON) gets JSON: quoted keys and strings, entries on their own lines where the file has
 * them, and the result must still be strict JSON. Texts with lone carriage returns as line breaks are not fixed.
 *
 * Used by `--fix` and by the language server's quick fixes.
 */
import { isDeepStrictEqual } from 'node:util';
import { Parser, isAlias, isMap, isPair, isScalar, isSeq, stringify, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { decodeJson, isJsonText } from '../load/json.js';
import { PARSE_OPTIONS, MAX_ALIAS_COUNT } from '../load/parse.js';
import { parseDocuments } from '../load/limits.js';
import { isMergeKey } from '../load/positions.js';
import type { Fix, FixEdit, Path, PathSegment } from '../types.js';

/** A fix and the object it belongs to: document `docIndex` of the text, object at `base` inside that document. */
export interface FixTarget {
  docIndex: number;
  base: Path;
  fix: Fix;
}

export interface ApplyResult {
  text: string;
  applied: FixTarget[];
  /** Fixes that could not be applied safely (conflicting with an earlier fix, or on an alias …). */
  skipped: FixTarget[];
}

export interface ApplyOptions {
  /** The text is JSON (default: it starts with `{`, as kubectl decides). */
  json?: boolean;
}

/**
 * Apply fixes to a file's text, in order; returns the new text. A fix that cannot be applied exactly is skipped.
 * Pure: the same text and fixes give the same result.
 */
export function applyFixes(text: string, fixes: readonly FixTarget[], opts: ApplyOptions = {}): string {
  return applyFixesDetailed(text, fixes, opts).text;
}

/** Fixes that overlap an earlier one are applied on the text the earlier ones produced, at most this many rounds. */
const MAX_ROUNDS = 4;

/** Like {@link applyFixes}, and says which fixes were applied and which skipped. */
export function applyFixesDetailed(text: string, fixes: readonly FixTarget[], opts: ApplyOptions = {}): ApplyResult {
  // Lone carriage returns are line breaks to YAML but not to the line arithmetic below: such files are not fixed.
  if (/\r(?!\n)/.test(text)) return { text, applied: [], skipped: [...fixes] };
  const style: Style = { json: opts.json ?? isJsonText(text), eol: /\r\n/.test(text) && !/(^|[^\r])\n/.test(text) ? '\r\n' : '\n' };
  let current = text;
  const applied: FixTarget[] = [];
  const skipped: FixTarget[] = [];
  let pending = [...fixes];
  for (let round = 0; round < MAX_ROUNDS && pending.length; round++) {
    const r = applyGroup(current, pending, style);
    current = r.text;
    applied.push(...r.applied);
    skipped.push(...r.skipped);
    pending = r.deferred;
  }
  skipped.push(...pending);
  // Report in the order the fixes were given.
  const order = new Map(fixes.map((f, i) => [f, i]));
  const byOrder = (a: FixTarget, b: FixTarget) => order.get(a)! - order.get(b)!;
  return { text: current, applied: applied.sort(byOrder), skipped: skipped.sort(byOrder) };
}

class Unfixable extends Error {}

interface Style {
  json: boolean;
  eol: '\n' | '\r\n';
}

/** One document of the text as the fixes see it: its node tree, and where its text starts. */
interface Unit {
  doc: Document;
  /** Offset of the document's text in the file (0 for YAML, whose documents are parsed together). */
  offset: number;
  /** The text the node ranges are offsets in. */
  text: string;
}

/** A replacement of [start, end) of the file's text; `order` is the fix's position (ties keep fix order). */
interface Splice {
  start: number;
  end: number;
  insert: string;
  order: number;
}

interface Parsed {
  units: Unit[];
  values: unknown[];
}

/** Parse the text the way the loader does; undefined when it has an error (then nothing can be fixed). */
function parseText(text: string, style: Style): Parsed | undefined {
  if (style.json) {
    const decoded = decodeJson(text);
    if ('error' in decoded) return undefined;
    const units: Unit[] = [];
    for (const span of decoded.spans) {
      // Each JSON value is parsed alone (a JSON stream is not one YAML text); its ranges are offsets in its slice.
      const slice = text.slice(span[0], span[1]);
      const docs = parseDocuments(slice, PARSE_OPTIONS);
      if (docs.length !== 1 || docs[0]!.errors.length) return undefined;
      units.push({ doc: docs[0]!, offset: span[0], text: slice });
    }
    return { units, values: decoded.values };
  }
  // The loader's bounded parse: linear duplicate-key check and nesting limit, so a fix never costs more than linting.
  const docs = parseDocuments(text, PARSE_OPTIONS);
  const values = docValues(docs);
  if (!values) return undefined;
  return { units: docs.map((doc) => ({ doc, offset: 0, text })), values };
}

function docValues(docs: Document[]): unknown[] | undefined {
  try {
    if (docs.some((d) => d.errors.length)) return undefined;
    return docs.map((d) => d.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
  } catch {
    return undefined;
  }
}

/** What a located fix changes: its splices, and the paths whose text it rewrites (no other fix may touch them). */
interface Located {
  target: FixTarget;
  order: number;
  splices: Splice[];
  claims: string[][];
}

/**
 * Apply a group of fixes located on one parse of `text`. Fixes that overlap an earlier one of the group are deferred
 * (the caller applies them on the result); a fix that cannot be located, or fails the check on its own, is skipped.
 */
function applyGroup(text: string, fixes: readonly FixTarget[], style: Style): { text: string; applied: FixTarget[]; skipped: FixTarget[]; deferred: FixTarget[] } {
  const parsed = parseText(text, style);
  if (!parsed) return { text, applied: [], skipped: [...fixes], deferred: [] };
  const skipped: FixTarget[] = [];
  const deferred: FixTarget[] = [];
  const located: Located[] = [];
  const claimed = new Map<number, ClaimSet>();
  fixes.forEach((target, order) => {
    const unit = parsed.units[target.docIndex];
    const value = parsed.values[target.docIndex];
    if (!unit || !value || typeof value !== 'object') return void skipped.push(target);
    let l: Located;
    try {
      l = locate(unit, target, order, style);
    } catch (err) {
      if (err instanceof Unfixable) return void skipped.push(target);
      throw err;
    }
    let claims = claimed.get(target.docIndex);
    if (!claims) claimed.set(target.docIndex, (claims = new ClaimSet()));
    if (l.claims.some((c) => claims.overlaps(c))) return void deferred.push(target);
    for (const c of l.claims) claims.add(c);
    located.push(l);
  });
  // Fixes whose text regions overlap (other than at a shared edge) cannot be spliced together: defer the later one.
  for (;;) {
    const clash = firstClash(located);
    if (clash === undefined) break;
    deferred.push(located[clash]!.target);
    located.splice(clash, 1);
  }
  const r = spliceAndCheck(text, parsed, located, style);
  return { text: r.text, applied: r.applied, skipped: [...skipped, ...r.skipped], deferred };
}

/** Splice located fixes into the text and check the result; on a failed check, bisect. */
function spliceAndCheck(text: string, parsed: Parsed, located: Located[], style: Style): { text: string; applied: FixTarget[]; skipped: FixTarget[] } {
  if (!located.length) return { text, applied: [], skipped: [] };
  // What the documents must decode to: each fix's edits applied in order (in place; a fix whose edits do not apply
  // to the values is dropped and the rest computed again, which only happens for fixes that are wrong anyway).
  let ok = located;
  const bad: FixTarget[] = [];
  let expected: unknown[];
  for (;;) {
    expected = structuredClone(parsed.values);
    const failed = ok.findIndex((l) => {
      try {
        for (const edit of l.target.fix.edits) expected[l.target.docIndex] = applyInPlace(expected[l.target.docIndex], rebase(edit, l.target.base));
        return false;
      } catch (err) {
        if (err instanceof Unfixable) return true;
        throw err;
      }
    });
    if (failed === -1) break;
    bad.push(ok[failed]!.target);
    ok = ok.filter((_, i) => i !== failed);
  }
  if (!ok.length) return { text, applied: [], skipped: bad };
  const next = splices(text, ok.flatMap((l) => l.splices), style);
  const after = parseText(next, style);
  if (after && isDeepStrictEqual(after.values, expected)) return { text: next, applied: ok.map((l) => l.target), skipped: bad };
  if (ok.length === 1) return { text, applied: [], skipped: [...bad, ok[0]!.target] };
  // Some fix is wrong: halve the group; each half is located again on the text it applies to.
  const half = Math.ceil(ok.length / 2);
  const first = applyGroup(text, ok.slice(0, half).map((l) => l.target), style);
  const second = applyGroup(first.text, ok.slice(half).map((l) => l.target), style);
  return {
    text: second.text,
    applied: [...first.applied, ...second.applied],
    // Within a group that was located once, nothing overlaps: deferred ones here could not be located a second time.
    skipped: [...bad, ...first.skipped, ...first.deferred, ...second.skipped, ...second.deferred],
  };
}

/** Index (in `located`) of a fix whose splices overlap those of an earlier fix, or undefined. */
function firstClash(located: readonly Located[]): number | undefined {
  const all: { s: Splice; i: number }[] = [];
  located.forEach((l, i) => l.splices.forEach((s) => all.push({ s, i })));
  // By start; at one offset, insertions before replacements, then by fix order.
  all.sort((a, b) => a.s.start - b.s.start || Number(a.s.end > a.s.start) - Number(b.s.end > b.s.start) || a.s.order - b.s.order);
  let maxEnd = -1;
  let owner = -1;
  for (const { s, i } of all) {
    if (s.start < maxEnd && i !== owner) return Math.max(i, owner);
    if (s.start < maxEnd && i === owner) return i; // A fix whose own splices overlap: leave it for another round.
    if (s.end > maxEnd) {
      maxEnd = s.end;
      owner = i;
    }
  }
  return undefined;
}

/** Apply non-overlapping splices (in fix order at a shared offset), with the file's line breaks in inserted text. */
function splices(text: string, list: Splice[], style: Style): string {
  const sorted = [...list].sort((a, b) => a.start - b.start || Number(a.end > a.start) - Number(b.end > b.start) || a.order - b.order);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    out += text.slice(at, s.start) + (style.eol === '\r\n' ? s.insert.replace(/\r?\n/g, '\r\n') : s.insert);
    at = Math.max(at, s.end);
  }
  return out + text.slice(at);
}

/** Paths claimed by the fixes of one document: a path overlaps another when one is a prefix of the other. */
class ClaimSet {
  private readonly exact = new Set<string>();
  private readonly prefixes = new Set<string>();
  overlaps(path: readonly unknown[]): boolean {
    const key = JSON.stringify(path);
    if (this.prefixes.has(key)) return true; // A claimed path lies below this one.
    for (let n = 0; n <= path.length; n++) if (this.exact.has(JSON.stringify(path.slice(0, n)))) return true;
    return false;
  }
  add(path: readonly unknown[]): void {
    this.exact.add(JSON.stringify(path));
    for (let n = 0; n <= path.length; n++) this.prefixes.add(JSON.stringify(path.slice(0, n)));
  }
}

/** Locate every edit of a fix on the unit's node tree: the splices (in file offsets) and the paths they rewrite. */
function locate(unit: Unit, target: FixTarget, order: number, style: Style): Located {
  const out: Located = { target, order, splices: [], claims: [] };
  for (const edit of target.fix.edits) {
    const e = rebase(edit, target.base);
    const r = editSplices(unit.text, unit.doc, e, style);
    for (const [start, end, insert] of r.splices) out.splices.push({ start: start + unit.offset, end: end + unit.offset, insert, order });
    out.claims.push(...r.claims.map((c) => c.map(String)));
  }
  return out;
}

function rebase(edit: FixEdit, base: Path): FixEdit {
  switch (edit.op) {
    case 'set':
      return { op: 'set', path: [...base, ...edit.path], value: edit.value };
    case 'delete':
      return { op: 'delete', path: [...base, ...edit.path] };
    case 'move':
      return { op: 'move', from: [...base, ...edit.from], to: [...base, ...edit.to] };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The meaning of an edit, on plain values (what the text must decode to afterwards).

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function getIn(v: unknown, path: Path): unknown {
  let cur = v;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isObj(cur) && Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
  }
  return cur;
}

/** Set, delete or move on a plain value; missing mappings on a set path are created. Throws Unfixable otherwise. */
export function applyToValue(root: unknown, edit: FixEdit): unknown {
  return applyInPlace(structuredClone(root), edit);
}

/** {@link applyToValue} on the value itself (it may be left changed when the edit throws). */
function applyInPlace(value: unknown, edit: FixEdit): unknown {
  const setIn = (path: Path, v: unknown) => {
    if (!path.length) throw new Unfixable('cannot replace a whole object');
    let cur: unknown = value;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      if (typeof seg === 'number') {
        if (!Array.isArray(cur) || seg < 0 || seg >= cur.length) throw new Unfixable('no such item');
        cur = cur[seg];
      } else {
        if (!isObj(cur)) throw new Unfixable('not a mapping');
        if (cur[seg] === undefined || cur[seg] === null) cur[seg] = {};
        cur = cur[seg];
      }
    }
    const last = path[path.length - 1]!;
    if (typeof last === 'number') {
      if (!Array.isArray(cur) || last < 0 || last >= cur.length) throw new Unfixable('no such item');
      cur[last] = structuredClone(v);
    } else {
      if (!isObj(cur)) throw new Unfixable('not a mapping');
      cur[last] = structuredClone(v);
    }
  };
  const deleteIn = (path: Path) => {
    const parent = getIn(value, path.slice(0, -1));
    const last = path[path.length - 1];
    if (typeof last === 'number' && Array.isArray(parent) && last >= 0 && last < parent.length) parent.splice(last, 1);
    else if (typeof last === 'string' && isObj(parent) && Object.prototype.hasOwnProperty.call(parent, last)) delete parent[last];
    else throw new Unfixable('nothing to delete');
  };
  switch (edit.op) {
    case 'set':
      setIn(edit.path, edit.value);
      break;
    case 'delete':
      deleteIn(edit.path);
      break;
    case 'move': {
      const v = getIn(value, edit.from);
      if (v === undefined || getIn(value, edit.to) !== undefined) throw new Unfixable('move needs a source and a free destination');
      deleteIn(edit.from);
      setIn(edit.to, v);
      break;
    }
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Locating nodes.

interface Step {
  /** The collection the segment is looked up in. */
  parent: YAMLMap | YAMLSeq;
  seg: PathSegment;
  /** The pair, for a mapping key. */
  pair?: Pair<Node, Node | null>;
  /** The value node (undefined when the key or item does not exist). */
  node?: Node | null;
}

/** Walk a path; stops at the first missing segment. Aliases and merge keys on the way are refused. */
function walk(doc: Document, path: Path): { steps: Step[]; found: boolean; last: Node | null } {
  const steps: Step[] = [];
  let cur = doc.contents as Node | null;
  for (const seg of path) {
    if (isAlias(cur)) throw new Unfixable('alias on the path');
    if (typeof seg === 'number') {
      if (!isSeq(cur)) return { steps, found: false, last: cur };
      if (seg < 0 || seg >= cur.items.length) return { steps, found: false, last: cur };
      const node = cur.items[seg] as Node | null;
      steps.push({ parent: cur, seg, node });
      cur = node;
    } else {
      if (!isMap(cur)) return { steps, found: false, last: cur };
      if (cur.items.some((p) => isMergeKey(p.key))) throw new Unfixable('merge key on the path');
      const pair = cur.items.find((p) => isPair(p) && keyString(p.key) === seg) as Pair<Node, Node | null> | undefined;
      if (!pair) return { steps, found: false, last: cur };
      steps.push({ parent: cur, seg, pair, node: pair.value });
      cur = pair.value;
    }
  }
  if (isAlias(cur)) throw new Unfixable('alias at the path');
  return { steps, found: true, last: cur };
}

function keyString(k: unknown): string | undefined {
  if (isScalar(k)) return k.value === null ? undefined : String(k.value);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Text helpers.

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset just past the line holding `pos - 1` (past its newline), i.e. the start of the next line. */
function endOfLineAfter(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const nl = text.indexOf('\n', end);
  return nl === -1 ? text.length : nl + 1;
}

function columnOf(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

function onlySpacesBefore(text: string, pos: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, pos), pos));
}

function range(node: { range?: [number, number, number] | null } | null | undefined): [number, number] {
  const r = node?.range;
  if (!r) throw new Unfixable('node without a range');
  return [r[0], r[1]];
}

/** One replacement of [start, end) by `insert`, in the offsets of the text the nodes were parsed from. */
type TextSplice = [start: number, end: number, insert: string];

// ---------------------------------------------------------------------------------------------------------------
// Comments: a fix never loses one. A comment on lines a fix removes stays, as a line of its own.

let commentCache: { text: string; comments: { start: number; source: string }[] } | undefined;

/** Every comment of a YAML text with its offset, in order (from the CST, so `#` inside scalars is not one). */
function commentsOf(text: string): { start: number; source: string }[] {
  if (commentCache?.text === text) return commentCache.comments;
  const comments: { start: number; source: string }[] = [];
  const stack: unknown[] = [];
  for (const token of new Parser().parse(text)) stack.push(token);
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    const t = v as { type?: string; offset?: number; source?: string };
    if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') comments.push({ start: t.offset, source: t.source });
    for (const x of Object.values(v)) if (x && typeof x === 'object') stack.push(x);
  }
  comments.sort((a, b) => a.start - b.start);
  commentCache = { text, comments };
  return comments;
}

/** The comments that start inside [start, end). */
function commentsIn(text: string, start: number, end: number): string[] {
  if (!text.includes('#', start) || text.indexOf('#', start) >= end) return [];
  return commentsOf(text)
    .filter((c) => c.start >= start && c.start < end)
    .map((c) => c.source);
}

/** Comment lines at `indent`, for comments a splice would otherwise remove. */
function commentLines(comments: readonly string[], indent: number): string {
  return comments.map((c) => `${' '.repeat(indent)}${c}\n`).join('');
}

/** A splice inside one line (or a flow collection) may not remove a comment: refuse rather than lose it. */
function noCommentsIn(text: string, start: number, end: number): void {
  if (commentsIn(text, start, end).length) throw new Unfixable('a comment inside the replaced text');
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering values.

const RENDER = { version: '1.1' as const, lineWidth: 0, indent: 2 };

/** A scalar as plain YAML 1.1 text (quoted when a plain scalar would read differently); JSON text in a JSON file. */
function renderScalar(value: unknown, inFlow: boolean, style: Style): string {
  if (style.json) return JSON.stringify(value ?? null);
  if (typeof value === 'string') {
    const plain = stringify(value, RENDER).replace(/\n$/, '');
    if (plain.includes('\n') || (inFlow && /[,[\]{}#:]/.test(plain))) return JSON.stringify(value);
    return plain;
  }
  if (value === null) return 'null';
  return stringify(value, RENDER).replace(/\n$/, '');
}

function isCollection(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

/** A value in flow style on one line (`{a: 1, b: [x]}`); compact JSON in a JSON file. */
function renderFlow(value: unknown, style: Style): string {
  if (style.json) {
    if (Array.isArray(value)) return `[${value.map((v) => renderFlow(v, style)).join(', ')}]`;
    if (isObj(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${renderFlow(v, style)}`).join(', ')}}`;
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map((v) => renderFlow(v, style)).join(', ')}]`;
  if (isObj(value)) return `{${Object.entries(value).map(([k, v]) => `${renderScalar(k, true, style)}: ${renderFlow(v, style)}`).join(', ')}}`;
  return renderScalar(value, true, style);
}

/** A value spread over lines as JSON.stringify(…, 2) does, continuation lines indented by `indent` spaces. */
function renderJsonBlock(value: unknown, indent: number, unit: number): string {
  return JSON.stringify(value ?? null, null, unit).split('\n').join(`\n${' '.repeat(indent)}`);
}

/** A collection as block YAML, each line indented by `indent` spaces (lines end with a newline). */
function renderBlock(value: unknown, indent: number, style: Style): string {
  if ((Array.isArray(value) && !value.length) || (isObj(value) && !Object.keys(value).length)) return ' '.repeat(indent) + renderFlow(value, style) + '\n';
  const out = stringify(value, RENDER);
  return out
    .split('\n')
    .filter((l, i, a) => !(i === a.length - 1 && l === ''))
    .map((l) => (l ? ' '.repeat(indent) + l : l))
    .join('\n') + '\n';
}

/** `key: value` lines for a block mapping at `indent` (ending with a newline). */
function renderBlockPair(key: string, value: unknown, indent: number, style: Style): string {
  const k = renderScalar(key, false, style);
  if (isCollection(value) && (Array.isArray(value) ? value.length : Object.keys(value as object).length))
    return `${' '.repeat(indent)}${k}:\n${renderBlock(value, indent + 2, style)}`;
  return `${' '.repeat(indent)}${k}: ${isCollection(value) ? renderFlow(value, style) : renderScalar(value, false, style)}\n`;
}

/** Nest a value under missing keys: (['a', 'b'], v) → {a: {b: v}}. */
function nest(keys: Path, value: unknown): unknown {
  let v = value;
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    if (typeof k === 'number') throw new Unfixable('cannot create a list item');
    v = { [k]: v };
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Edits as splices of the text, with the paths they rewrite.

function editSplices(text: string, doc: Document, edit: FixEdit, style: Style): { splices: TextSplice[]; claims: Path[] } {
  switch (edit.op) {
    case 'set': {
      const r = setSplice(text, doc, edit.path, edit.value, style);
      return { splices: [r.splice], claims: [r.claim] };
    }
    case 'delete':
      return { splices: [deleteSplice(text, doc, edit.path, true)], claims: [edit.path] };
    case 'move':
      return moveSplices(text, doc, edit.from, edit.to, style);
  }
}

function setSplice(text: string, doc: Document, path: Path, value: unknown, style: Style): { splice: TextSplice; claim: Path } {
  if (!path.length) throw new Unfixable('cannot replace a whole object');
  const w = walk(doc, path);
  if (w.found) {
    const step = w.steps[w.steps.length - 1]!;
    return { splice: replaceValue(text, step, value, style), claim: path };
  }
  // Missing: add below the deepest existing node. The new key is what this fix writes.
  const missing = path.slice(w.steps.length);
  const claim = path.slice(0, w.steps.length + 1);
  const holder = w.last;
  if (isMap(holder)) {
    const key = missing[0];
    if (typeof key !== 'string') throw new Unfixable('cannot add a list item');
    return { splice: insertPair(text, holder, key, nest(missing.slice(1), value), style), claim };
  }
  const step = w.steps[w.steps.length - 1];
  if (step && (holder === null || (isScalar(holder) && holder.value === null))) return { splice: replaceValue(text, step, nest(missing, value), style), claim: path.slice(0, w.steps.length) };
  throw new Unfixable('the parent is not a mapping');
}

/** Replace the value at a step (a mapping value or a list item) with `value`. */
function replaceValue(text: string, step: Step, value: unknown, style: Style): TextSplice {
  const node = step.node;
  const inFlow = Boolean((step.parent as { flow?: boolean }).flow) || step.parent.srcToken?.type === 'flow-collection';
  if (!isCollection(value)) {
    if (node === null || node === undefined || (isScalar(node) && node.range && node.range[0] === node.range[1])) {
      // An empty value (`key:`): write after the colon.
      if (!step.pair) throw new Unfixable('empty list item');
      const [, keyEnd] = range(step.pair.key);
      const colon = text.indexOf(':', keyEnd);
      if (colon === -1) throw new Unfixable('no colon');
      return [colon + 1, colon + 1, ' ' + renderScalar(value, inFlow, style)];
    }
    const [s, e] = range(node);
    noCommentsIn(text, s, e);
    const old = text.slice(s, e);
    let rendered = renderScalar(value, inFlow, style);
    if (isScalar(node) && typeof value === 'string' && !style.json) {
      if ((node as Scalar).type === 'QUOTE_DOUBLE') rendered = JSON.stringify(value);
      else if ((node as Scalar).type === 'QUOTE_SINGLE') rendered = `'${value.replace(/'/g, "''")}'`;
    }
    return [s, e, rendered + trailingBreak(old)];
  }
  // A collection value.
  if (inFlow || !step.pair) {
    if (!node) throw new Unfixable('empty list item');
    const [s, e] = range(node);
    noCommentsIn(text, s, e);
    const old = text.slice(s, e);
    const rendered = style.json && old.includes('\n') ? renderJsonBlock(value, columnOf(text, firstNonSpace(text, lineStart(text, s))), jsonIndentUnit(text)) : renderFlow(value, style);
    return [s, e, rendered + trailingBreak(old)];
  }
  const [keyStart, keyEnd] = range(step.pair.key);
  const colon = text.indexOf(':', keyEnd);
  if (colon === -1) throw new Unfixable('no colon');
  const indent = columnOf(text, keyStart);
  const end = node && node.range ? endOfLineAfter(text, node.range[1]) : endOfLineAfter(text, colon + 1);
  // Keep a comment written after the colon when the old value started on a later line.
  const nl = text.indexOf('\n', colon);
  const rest = text.slice(colon + 1, nl === -1 ? text.length : nl);
  const comment = /^\s*#/.test(rest) ? rest.replace(/\s+$/, '') : '';
  const empty = Array.isArray(value) ? value.length === 0 : Object.keys(value as object).length === 0;
  let body = empty ? ` ${renderFlow(value, style)}${comment}\n` : `${comment}\n${renderBlock(value, indent + 2, style)}`;
  // Comments inside the old value stay, after the new one.
  body += commentLines(commentsIn(text, colon + 1, end).filter((c) => !comment.includes(c)), indent + 2);
  if (end === text.length && !/\n$/.test(text)) body = body.replace(/\n$/, '');
  return [colon + 1, end, body];
}

/** The line break a node's source range ends with (block scalars include it), to keep after a replacement. */
function trailingBreak(old: string): string {
  return old.endsWith('\r\n') ? '\r\n' : old.endsWith('\n') ? '\n' : '';
}

function firstNonSpace(text: string, from: number): number {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/** The indentation step of a JSON text: the indentation of its first indented line (2 when there is none). */
function jsonIndentUnit(text: string): number {
  const m = /\n( +)\S/.exec(text);
  return m ? m[1]!.length : 2;
}

function isFlow(c: YAMLMap | YAMLSeq): boolean {
  return Boolean(c.flow) || c.srcToken?.type === 'flow-collection';
}

/** Add `key: value` to a mapping. `rawBlock` renders the entry itself (a moved entry keeps its text). */
function insertPair(text: string, map: YAMLMap, key: string, value: unknown, style: Style, rawBlock?: (indent: number) => string): TextSplice {
  if (isFlow(map)) {
    const [s, e] = range(map);
    const close = text.lastIndexOf('}', e - 1);
    if (close < s) throw new Unfixable('no closing brace');
    const inner = text.slice(s + 1, close);
    const pairs = map.items.filter(isPair) as Pair<Node, Node | null>[];
    const last = pairs[pairs.length - 1];
    const multiLine = inner.includes('\n') && last !== undefined;
    if (multiLine) {
      // Entries on their own lines (pretty-printed JSON, multi-line flow YAML): a new line at the last entry's indent.
      const keyStart = range(last.key)[0];
      const indent = columnOf(text, keyStart);
      const k = renderScalar(key, true, style);
      const v = isCollection(value) ? (style.json ? renderJsonBlock(value, indent, jsonIndentUnit(text)) : renderFlow(value, style)) : renderScalar(value, true, style);
      const lastEnd = last.value?.range ? last.value.range[1] : range(last.key)[1];
      const after = /^[ \t]*,/.exec(text.slice(lastEnd, close));
      const at = after ? lastEnd + after[0].length : lastEnd;
      return [at, at, `${after ? '' : ','}\n${' '.repeat(indent)}${k}: ${v}${after ? ',' : ''}`];
    }
    const tight = style.json && /"\s*:(?!\s)/.test(inner) && !/,\s/.test(inner);
    const entry = `${renderScalar(key, true, style)}:${tight ? '' : ' '}${tight ? JSON.stringify(value ?? null) : renderFlow(value, style)}`;
    if (!inner.trim()) return [s + 1, close, entry];
    // After the last entry (and a trailing comma, if any).
    const trimmed = inner.replace(/\s+$/, '');
    const at = s + 1 + trimmed.length;
    return [at, at, trimmed.endsWith(',') ? ` ${entry}` : tight ? `,${entry}` : `, ${entry}`];
  }
  const pairs = map.items.filter(isPair) as Pair<Node, Node | null>[];
  if (!pairs.length) throw new Unfixable('empty block mapping');
  const first = pairs[0]!;
  const indent = columnOf(text, range(first.key)[0]);
  const last = pairs[pairs.length - 1]!;
  const lastEnd = last.value?.range ? last.value.range[1] : range(last.key)[1];
  const at = endOfLineAfter(text, lastEnd);
  const block = rawBlock ? rawBlock(indent) : renderBlockPair(key, value, indent, style);
  if (at === text.length && !text.endsWith('\n')) return [at, at, '\n' + block.replace(/\n$/, '')];
  return [at, at, block];
}

/**
 * The splice that deletes the node at `path`: [start, end, replacement]. With `keepComments`, comments on the removed
 * lines stay as lines of their own (a move carries them along with the entry instead).
 */
function deleteSplice(text: string, doc: Document, path: Path, keepComments = false): TextSplice {
  const keep = (start: number, end: number, indent: number) => (keepComments ? commentLines(commentsIn(text, start, end), indent) : '');
  if (!path.length) throw new Unfixable('cannot delete a whole object');
  const w = walk(doc, path);
  if (!w.found) throw new Unfixable('nothing to delete');
  const step = w.steps[w.steps.length - 1]!;
  const parent = step.parent;
  const items = parent.items as unknown[];
  const index = step.pair ? items.indexOf(step.pair) : (step.seg as number);
  const itemStart = step.pair ? range(step.pair.key)[0] : startOfSeqItem(text, step.node);
  const itemEnd = step.pair ? (step.node?.range ? step.node.range[1] : range(step.pair.key)[1]) : range(step.node)[1];
  if (isFlow(parent)) {
    // Remove the entry and one adjacent comma; an entry on lines of its own goes with its lines.
    let s = itemStart;
    let e = itemEnd;
    const after = /^\s*,[ \t]*/.exec(text.slice(e));
    if (after && index < items.length - 1) e += after[0].length;
    else {
      const before = /,\s*$/.exec(text.slice(range(parent)[0] + 1, s));
      if (before) s -= before[0].length;
    }
    if (keepComments) noCommentsIn(text, Math.min(s, itemStart), endOfLineAfter(text, e));
    const ls = lineStart(text, itemStart);
    const le = endOfLineAfter(text, e);
    if (onlySpacesBefore(text, itemStart) && /^[ \t]*\r?\n$/.test(text.slice(e, le)) && s === itemStart) return [ls, le, ''];
    if (s < itemStart && onlySpacesBefore(text, itemStart) && /^,[ \t]*\r?\n[ \t]*$/.test(text.slice(s, itemStart))) {
      // The last entry on its own line: drop the comma ending the line before, and this line.
      const lineEnd = text.indexOf('\n', e);
      return [s, lineEnd === -1 ? e : lineEnd - (text[lineEnd - 1] === '\r' ? 1 : 0), ''];
    }
    return [s, e, ''];
  }
  if (items.length === 1) {
    // The collection becomes empty: write {} or [] in its place.
    const [ps, pe] = range(parent);
    const empty = isMap(parent) ? '{}' : '[]';
    const owner = w.steps[w.steps.length - 2];
    if (owner?.pair) {
      const colon = text.indexOf(':', range(owner.pair.key)[1]);
      if (onlySpacesBefore(text, itemStart) && lineStart(text, itemStart) > colon) {
        // Remove the item's lines (comments around it stay) and write the empty collection after the colon.
        const s = lineStart(text, itemStart);
        const e = endOfLineAfter(text, itemEnd);
        return [colon + 1, e, ` ${empty}` + text.slice(colon + 1, s) + keep(s, e, columnOf(text, itemStart))];
      }
      return [colon + 1, endOfLineAfter(text, pe), ` ${empty}\n` + keep(colon + 1, endOfLineAfter(text, pe), columnOf(text, range(owner.pair.key)[0]) + 2)];
    }
    if (owner) {
      // A list item that is a mapping: `- key: v` → `- {}`.
      return [ps, endOfLineAfter(text, pe), `${empty}\n` + keep(ps, endOfLineAfter(text, pe), columnOf(text, ps))];
    }
    throw new Unfixable('cannot empty the document');
  }
  const lineS = lineStart(text, itemStart);
  if (!onlySpacesBefore(text, itemStart)) {
    // First key of a list item (`- name: x`): the next entry moves up onto the dash line.
    if (!step.pair || index !== 0) throw new Unfixable('unexpected layout');
    const next = items[1] as Pair<Node, Node | null>;
    if (keepComments) noCommentsIn(text, itemStart, range(next.key)[0]);
    return [itemStart, range(next.key)[0], ''];
  }
  return [lineS, endOfLineAfter(text, itemEnd), keep(lineS, endOfLineAfter(text, itemEnd), columnOf(text, itemStart))];
}

function startOfSeqItem(text: string, node: Node | null | undefined): number {
  const [s] = range(node);
  // Back to the dash of a block sequence item.
  const dash = text.lastIndexOf('-', s);
  if (dash !== -1 && /^[ \t]*$/.test(text.slice(lineStart(text, dash), dash)) && /^-[ \t]*$/.test(text.slice(dash, s).split('\n')[0]!)) return dash;
  return s;
}

/** A move: the entry deleted at `from` and inserted at `to` (two splices on the same parse). */
function moveSplices(text: string, doc: Document, from: Path, to: Path, style: Style): { splices: TextSplice[]; claims: Path[] } {
  if (!from.length || !to.length) throw new Unfixable('cannot move a whole object');
  if (to.length > from.length && from.every((s, i) => to[i] === s)) throw new Unfixable('destination inside source');
  const src = walk(doc, from);
  if (!src.found) throw new Unfixable('nothing to move');
  const srcStep = src.steps[src.steps.length - 1]!;
  if (!srcStep.pair) throw new Unfixable('only mapping entries move');
  const dest = walk(doc, to);
  if (dest.found) throw new Unfixable('destination exists');
  const newKey = to[to.length - 1];
  if (typeof newKey !== 'string') throw new Unfixable('destination is a list item');
  const missing = to.slice(dest.steps.length, -1);
  const holder = dest.last;
  if (!isMap(holder)) throw new Unfixable('destination parent is not a mapping');
  if (typeof missing[0] === 'number') throw new Unfixable('cannot create a list item');
  const value = srcStep.node ? (srcStep.node as Node).toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }) : null;

  // The moved entry's own text (comments and quoting kept), re-indented for its new place.
  const srcParentFlow = isFlow(srcStep.parent);
  const [keyStart] = range(srcStep.pair.key);
  const valueEnd = srcStep.node?.range ? srcStep.node.range[1] : range(srcStep.pair.key)[1];
  const oldIndent = columnOf(text, keyStart);
  const keyText = renderScalar(newKey, false, style);
  const prefix = (indent: number) => missing.map((k, i) => `${' '.repeat(indent + i * 2)}${renderScalar(k as string, false, style)}:\n`).join('');
  const rawBlock = (indent: number): string => {
    const depth = indent + missing.length * 2;
    let entry: string;
    if (srcParentFlow || (srcStep.node && isCollection(value) && isFlowNode(srcStep.node))) {
      // A one-line flow value: rewrite the key, keep the value's text.
      const vText = srcStep.node?.range ? text.slice(srcStep.node.range[0], srcStep.node.range[1]).replace(/\r?\n$/, '') : '';
      if (vText.includes('\n') && srcParentFlow) return prefix(indent) + renderBlockPair(newKey, value, depth, style);
      entry = `${' '.repeat(depth)}${keyText}:${vText ? ' ' + vText : ''}\n`;
    } else {
      const end = endOfLineAfter(text, valueEnd);
      const afterKey = text.slice(range(srcStep.pair!.key)[1], end);
      const lines = (keyText + afterKey).split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const delta = depth - oldIndent;
      entry =
        lines
          .map((l, i) => {
            if (i === 0) return ' '.repeat(depth) + l;
            if (!l.trim()) return l;
            if (delta >= 0) return ' '.repeat(delta) + l;
            if (!/^ *$/.test(l.slice(0, -delta))) throw new Unfixable('cannot re-indent');
            return l.slice(-delta);
          })
          .join('\n') + '\n';
    }
    return prefix(indent) + entry;
  };
  const del = deleteSplice(text, doc, from);
  const firstKey = missing.length ? (missing[0] as string) : newKey;
  const nested = missing.length ? nest([...missing.slice(1), newKey], value) : value;
  // Block destinations keep the entry's text; flow ones (and JSON) get the value rendered.
  const ins = isFlow(holder) || !holder.items.length ? insertPair(text, holder, firstKey, nested, style) : insertPair(text, holder, firstKey, nested, style, rawBlock);
  if (ins[0] > del[0] && ins[0] < del[1]) throw new Unfixable('destination inside the moved text');
  return { splices: [del, ins], claims: [from, to.slice(0, dest.steps.length + 1)] };
}

function isFlowNode(node: Node): boolean {
  return (isMap(node) || isSeq(node)) && isFlow(node);
}
