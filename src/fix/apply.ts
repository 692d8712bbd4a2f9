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
import type { Document } from 'yaml';
import { decodeJson, isJsonText } from '../load/json.js';
import { parseDocuments } from '../load/limits.js';
import { TextModel } from '../load/text.js';
import { MAX_ALIAS_COUNT, PARSE_OPTIONS } from '../load/yaml-options.js';
import type { Fix, FixEdit, Path } from '../types.js';
import { editSplices } from './edits.js';
import type { Style } from './render.js';
import { Unfixable, applyInPlace } from './value.js';

export { applyToValue } from './value.js';

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
  // The loader's bounded parse (the text model's): linear duplicate-key check and nesting limit, so a fix never costs
  // more than linting.
  const docs = new TextModel(text).documents();
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
