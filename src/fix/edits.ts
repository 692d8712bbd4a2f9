/**
 * Fix edits as splices of the source text: each edit (set, delete, move) is located on the `yaml` library's node tree
 * and becomes [start, end, replacement] on the text, with the object paths it rewrites. Aliases and merge keys on the
 * way are refused, and no comment is ever lost.
 */
import { Parser, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { MAX_ALIAS_COUNT } from '../load/parse.js';
import { isMergeKey } from '../load/positions.js';
import type { FixEdit, Path, PathSegment } from '../types.js';
import { isCollection, nest, renderBlock, renderBlockPair, renderFlow, renderJsonBlock, renderScalar, type Style } from './render.js';
import { Unfixable } from './value.js';

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
export type TextSplice = [start: number, end: number, insert: string];

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

export function editSplices(text: string, doc: Document, edit: FixEdit, style: Style): { splices: TextSplice[]; claims: Path[] } {
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

