/**
 * Applies fixes to YAML text by splicing the source: only the bytes of the edited nodes change, so comments, key
 * order, quoting and every unrelated line stay byte for byte. Each edit is located on a fresh parse (the `yaml`
 * library's node ranges, parsed as the loader parses), and every fix is checked afterwards: the new text must parse
 * without errors and decode to exactly the old documents with the fix's edits applied. A fix that cannot be applied
 * that way (an alias or merge key on its path, a destination that already exists …) is skipped, never half-applied.
 *
 * Used by `--fix` and by the language server's quick fixes.
 */
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isPair, isScalar, isSeq, stringify, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { MAX_ALIAS_COUNT } from '../load/yaml-options.js';
import { TextModel } from '../load/text.js';
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

/**
 * Apply fixes to a file's text, in order; returns the new text. A fix that cannot be applied exactly is skipped.
 * Pure: the same text and fixes give the same result.
 */
export function applyFixes(text: string, fixes: readonly FixTarget[]): string {
  return applyFixesDetailed(text, fixes).text;
}

/** Like {@link applyFixes}, and says which fixes were applied and which skipped. */
export function applyFixesDetailed(text: string, fixes: readonly FixTarget[]): ApplyResult {
  let current = text;
  const applied: FixTarget[] = [];
  const skipped: FixTarget[] = [];
  for (const target of fixes) {
    const next = applyOne(current, target);
    if (next === undefined) skipped.push(target);
    else {
      current = next;
      applied.push(target);
    }
  }
  lastModel = undefined; // Keep no text alive between calls.
  return { text: current, applied, skipped };
}

class Unfixable extends Error {}

/** The model of the text edited last: an edit locates its nodes on the parse the check before it already made. */
let lastModel: TextModel | undefined;

function parseDocs(text: string): Document[] {
  // The loader's bounded parse (the text model's): linear duplicate-key check and nesting limit, so a fix never costs
  // more than linting. The documents are only read here, never modified, so one parse serves every reader of a text.
  if (lastModel?.text !== text) lastModel = new TextModel(text);
  return lastModel.documents();
}

function docValues(docs: Document[]): unknown[] | undefined {
  try {
    if (docs.some((d) => d.errors.length)) return undefined;
    return docs.map((d) => d.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
  } catch {
    return undefined;
  }
}

function applyOne(text: string, target: FixTarget): string | undefined {
  const before = docValues(parseDocs(text));
  if (!before || !before[target.docIndex] || typeof before[target.docIndex] !== 'object') return undefined;
  let current = text;
  // What the documents must decode to afterwards.
  const expected = structuredClone(before);
  try {
    for (const edit of target.fix.edits) {
      const e = rebase(edit, target.base);
      expected[target.docIndex] = applyToValue(expected[target.docIndex], e);
      current = applyEdit(current, target.docIndex, e);
    }
  } catch (err) {
    if (err instanceof Unfixable) return undefined;
    throw err;
  }
  const after = docValues(parseDocs(current));
  if (!after || !isDeepStrictEqual(after, expected)) return undefined;
  return current;
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
  const value = structuredClone(root);
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
      if (cur.items.some((p) => isScalar(p.key) && p.key.value === '<<')) throw new Unfixable('merge key on the path');
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

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering values.

const RENDER = { version: '1.1' as const, lineWidth: 0, indent: 2 };

/** A scalar as plain YAML 1.1 text (quoted when a plain scalar would read differently). */
function renderScalar(value: unknown, inFlow: boolean): string {
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

function renderFlow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderFlow).join(', ')}]`;
  if (isObj(value)) return `{${Object.entries(value).map(([k, v]) => `${renderScalar(k, true)}: ${renderFlow(v)}`).join(', ')}}`;
  return renderScalar(value, true);
}

/** A collection as block YAML, each line indented by `indent` spaces (lines end with a newline). */
function renderBlock(value: unknown, indent: number): string {
  if ((Array.isArray(value) && !value.length) || (isObj(value) && !Object.keys(value).length)) return ' '.repeat(indent) + renderFlow(value) + '\n';
  const out = stringify(value, RENDER);
  return out
    .split('\n')
    .filter((l, i, a) => !(i === a.length - 1 && l === ''))
    .map((l) => (l ? ' '.repeat(indent) + l : l))
    .join('\n') + '\n';
}

/** `key: value` lines for a block mapping at `indent` (ending with a newline). */
function renderBlockPair(key: string, value: unknown, indent: number): string {
  const k = renderScalar(key, false);
  if (isCollection(value) && (Array.isArray(value) ? value.length : Object.keys(value as object).length))
    return `${' '.repeat(indent)}${k}:\n${renderBlock(value, indent + 2)}`;
  return `${' '.repeat(indent)}${k}: ${isCollection(value) ? renderFlow(value) : renderScalar(value, false)}\n`;
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
// Edits on text.

function applyEdit(text: string, docIndex: number, edit: FixEdit): string {
  const doc = parseDocs(text)[docIndex];
  if (!doc) throw new Unfixable('no such document');
  switch (edit.op) {
    case 'set':
      return setText(text, doc, edit.path, edit.value);
    case 'delete': {
      const [s, e, insert] = deleteSplice(text, doc, edit.path);
      return splice(text, s, e, insert);
    }
    case 'move':
      return moveText(text, doc, edit.from, edit.to);
  }
}

function setText(text: string, doc: Document, path: Path, value: unknown): string {
  if (!path.length) throw new Unfixable('cannot replace a whole object');
  const w = walk(doc, path);
  if (w.found) {
    const step = w.steps[w.steps.length - 1]!;
    return replaceValue(text, step, value);
  }
  // Missing: add below the deepest existing node.
  const missing = path.slice(w.steps.length);
  const holder = w.last;
  if (isMap(holder)) {
    const key = missing[0];
    if (typeof key !== 'string') throw new Unfixable('cannot add a list item');
    return insertPair(text, holder, key, nest(missing.slice(1), value));
  }
  const step = w.steps[w.steps.length - 1];
  if (step && (holder === null || (isScalar(holder) && holder.value === null))) return replaceValue(text, step, nest(missing, value));
  throw new Unfixable('the parent is not a mapping');
}

/** Replace the value at a step (a mapping value or a list item) with `value`. */
function replaceValue(text: string, step: Step, value: unknown): string {
  const node = step.node;
  const inFlow = Boolean((step.parent as { flow?: boolean }).flow) || step.parent.srcToken?.type === 'flow-collection';
  if (!isCollection(value)) {
    if (node === null || node === undefined || (isScalar(node) && node.range && node.range[0] === node.range[1])) {
      // An empty value (`key:`): write after the colon.
      if (!step.pair) throw new Unfixable('empty list item');
      const [, keyEnd] = range(step.pair.key);
      const colon = text.indexOf(':', keyEnd);
      if (colon === -1) throw new Unfixable('no colon');
      return splice(text, colon + 1, colon + 1, ' ' + renderScalar(value, inFlow));
    }
    const [s, e] = range(node);
    const old = text.slice(s, e);
    let rendered = renderScalar(value, inFlow);
    if (isScalar(node) && typeof value === 'string') {
      if ((node as Scalar).type === 'QUOTE_DOUBLE') rendered = JSON.stringify(value);
      else if ((node as Scalar).type === 'QUOTE_SINGLE') rendered = `'${value.replace(/'/g, "''")}'`;
    }
    return splice(text, s, e, rendered + (old.endsWith('\n') ? '\n' : ''));
  }
  // A collection value.
  if (inFlow || !step.pair) {
    if (!node) throw new Unfixable('empty list item');
    const [s, e] = range(node);
    const old = text.slice(s, e);
    return splice(text, s, e, renderFlow(value) + (old.endsWith('\n') ? '\n' : ''));
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
  let body = empty ? ` ${renderFlow(value)}${comment}\n` : `${comment}\n${renderBlock(value, indent + 2)}`;
  if (end === text.length && !text.endsWith('\n')) body = body.replace(/\n$/, '');
  return splice(text, colon + 1, end, body);
}

function isFlow(c: YAMLMap | YAMLSeq): boolean {
  return Boolean(c.flow) || c.srcToken?.type === 'flow-collection';
}

/** Add `key: value` to a mapping. */
function insertPair(text: string, map: YAMLMap, key: string, value: unknown, rawBlock?: (indent: number) => string): string {
  if (isFlow(map)) {
    const [s, e] = range(map);
    const close = text.lastIndexOf('}', e);
    if (close < s) throw new Unfixable('no closing brace');
    const entry = `${renderScalar(key, true)}: ${renderFlow(value)}`;
    const inner = text.slice(s + 1, close);
    if (!inner.trim()) return splice(text, s + 1, close, entry);
    // After the last entry (and a trailing comma, if any).
    const trimmed = inner.replace(/\s+$/, '');
    const at = s + 1 + trimmed.length;
    return splice(text, at, at, trimmed.endsWith(',') ? ` ${entry}` : `, ${entry}`);
  }
  const pairs = map.items.filter(isPair) as Pair<Node, Node | null>[];
  if (!pairs.length) throw new Unfixable('empty block mapping');
  const first = pairs[0]!;
  const indent = columnOf(text, range(first.key)[0]);
  const last = pairs[pairs.length - 1]!;
  const lastEnd = last.value?.range ? last.value.range[1] : range(last.key)[1];
  const at = endOfLineAfter(text, lastEnd);
  const block = rawBlock ? rawBlock(indent) : renderBlockPair(key, value, indent);
  if (at === text.length && !text.endsWith('\n')) return text + '\n' + block.replace(/\n$/, '');
  return splice(text, at, at, block);
}

/** The splice that deletes the node at `path`: [start, end, replacement]. */
function deleteSplice(text: string, doc: Document, path: Path): [number, number, string] {
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
    // Remove the entry and one adjacent comma.
    let s = itemStart;
    let e = itemEnd;
    const after = /^\s*,[ \t]*/.exec(text.slice(e));
    if (after && index < items.length - 1) e += after[0].length;
    else {
      const before = /,\s*$/.exec(text.slice(range(parent)[0] + 1, s));
      if (before) s -= before[0].length;
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
        return [colon + 1, e, ` ${empty}` + text.slice(colon + 1, s) + (e === text.length && !text.endsWith('\n') ? '' : '')];
      }
      return [colon + 1, endOfLineAfter(text, pe), ` ${empty}\n`];
    }
    if (owner) {
      // A list item that is a mapping: `- key: v` → `- {}`.
      return [ps, endOfLineAfter(text, pe), `${empty}\n`];
    }
    throw new Unfixable('cannot empty the document');
  }
  const lineS = lineStart(text, itemStart);
  if (!onlySpacesBefore(text, itemStart)) {
    // First key of a list item (`- name: x`): the next entry moves up onto the dash line.
    if (!step.pair || index !== 0) throw new Unfixable('unexpected layout');
    const next = items[1] as Pair<Node, Node | null>;
    return [itemStart, range(next.key)[0], ''];
  }
  return [lineS, endOfLineAfter(text, itemEnd), ''];
}

function startOfSeqItem(text: string, node: Node | null | undefined): number {
  const [s] = range(node);
  // Back to the dash of a block sequence item.
  const dash = text.lastIndexOf('-', s);
  if (dash !== -1 && /^[ \t]*$/.test(text.slice(lineStart(text, dash), dash)) && /^-[ \t]*$/.test(text.slice(dash, s).split('\n')[0]!)) return dash;
  return s;
}

function moveText(text: string, doc: Document, from: Path, to: Path): string {
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
  const keyText = renderScalar(newKey, false);
  const rawBlock = (indent: number): string => {
    const depth = indent + missing.length * 2;
    let entry: string;
    if (srcParentFlow || (srcStep.node && isCollection(value) && isFlowNode(srcStep.node))) {
      // A one-line flow value: rewrite the key, keep the value's text.
      const vText = srcStep.node?.range ? text.slice(srcStep.node.range[0], srcStep.node.range[1]).replace(/\n$/, '') : '';
      if (vText.includes('\n') && srcParentFlow) return prefix(indent) + renderBlockPair(newKey, value, depth);
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
  const prefix = (indent: number) => missing.map((k, i) => `${' '.repeat(indent + i * 2)}${renderScalar(k as string, false)}:\n`).join('');

  const [ds, de, dins] = deleteSplice(text, doc, from);
  // Insert first on a copy to learn the insertion offset, then combine with the deletion.
  const withInsert = isFlow(holder) || !holder.items.length
    ? undefined
    : insertPair(text, holder, missing.length ? (missing[0] as string) : newKey, missing.length ? nest([...missing.slice(1), newKey], value) : value, rawBlock);
  let insertAt: number;
  let insertText: string;
  if (withInsert === undefined) {
    // Flow destination: render the value.
    const inserted = insertPair(text, holder, missing.length ? (missing[0] as string) : newKey, nest([...missing.slice(1), newKey], value));
    ({ at: insertAt, text: insertText } = diffInsert(text, inserted));
  } else ({ at: insertAt, text: insertText } = diffInsert(text, withInsert));
  if (insertAt > ds && insertAt < de) throw new Unfixable('destination inside the moved text');
  if (insertAt >= de) return splice(splice(text, insertAt, insertAt, insertText), ds, de, dins);
  return splice(splice(text, ds, de, dins), insertAt, insertAt, insertText);
}

function isFlowNode(node: Node): boolean {
  return (isMap(node) || isSeq(node)) && isFlow(node);
}

/** Where and what `after` inserted into `before` (a pure insertion). */
function diffInsert(before: string, after: string): { at: number; text: string } {
  let i = 0;
  while (i < before.length && before[i] === after[i]) i++;
  const added = after.length - before.length;
  return { at: i, text: after.slice(i, i + added) };
}
