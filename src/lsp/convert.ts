/**
 * Pure conversions between daemonlint's findings (1-based lines and columns, exclusive end column, UTF-16
 * code units) and LSP structures (0-based lines and characters, exclusive end, UTF-16 by default).
 */
import { pathToFileURL } from 'node:url';
import { diffLines } from 'diff';
import { resolve } from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range as LspRange, type TextEdit } from 'vscode-languageserver';
import { TextModel } from '../load/text.js';
import type { Finding, Severity } from '../types.js';
import { safeText } from '../report/sanitize.js';
import { LINKS, type Links } from '../links.js';

export const SOURCE = 'daemonlint';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function lspRange(r: { line: number; column: number; endLine?: number; endColumn?: number }): LspRange {
  const start = { line: Math.max(0, r.line - 1), character: Math.max(0, r.column - 1) };
  const end = r.endLine !== undefined && r.endColumn !== undefined ? { line: Math.max(0, r.endLine - 1), character: Math.max(0, r.endColumn - 1) } : start;
  // A range never ends before it starts.
  if (end.line < start.line || (end.line === start.line && end.character < start.character)) return { start, end: start };
  return { start, end };
}

/** What a diagnostic carries back to the server for code actions. */
export interface DiagnosticData {
  /** The document version the finding was computed on. */
  version: number;
  /** Index of the finding among the document's fixable findings of that version. */
  fix?: number;
}

/**
 * Turn a finding into a diagnostic. `root` is the absolute folder the finding's (relative) file paths are
 * relative to, used for related locations in other files. `custom`: the finding is a custom policy's.
 */
export function toDiagnostic(f: Finding, root: string | undefined, data: DiagnosticData, links: Links | undefined = LINKS, custom = false): Diagnostic {
  const d: Diagnostic = {
    range: lspRange(f),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    // A custom policy is documented by its definition in the repository's config, not on the project's pages.
    ...(links && !custom ? { codeDescription: { href: links.rule(f.ruleId) } } : {}),
    source: SOURCE,
    message: safeText(f.fix ? `${f.message} (quick fix: ${f.fix.description})` : f.message),
    data,
  };
  if (f.related?.length && root !== undefined) {
    d.relatedInformation = f.related.map(
      (r): DiagnosticRelatedInformation => ({
        location: { uri: pathToFileURL(resolve(root, r.file)).href, range: lspRange(r) },
        message: safeText(r.message),
      }),
    );
  }
  return d;
}

/** Convert a string offset into an LSP position (0-based; LF, CRLF and a lone CR each end a line, as in LSP). */
export function positionAt(text: string | TextModel, offset: number): { line: number; character: number } {
  const { line, column } = (typeof text === 'string' ? new TextModel(text) : text).position(offset);
  return { line: line - 1, character: column - 1 };
}

/** Offsets of the common prefix and suffix of two texts, never splitting a CRLF pair or a UTF-16 surrogate pair. */
function narrow(before: string, after: string): { start: number; endB: number; endA: number } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  const splits = (s: string, i: number) => {
    if (i <= 0 || i >= s.length) return false;
    const prev = s.charCodeAt(i - 1);
    const next = s.charCodeAt(i);
    return (prev === 13 && next === 10) || (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff);
  };
  while (start > 0 && (splits(before, start) || splits(after, start))) start--;
  while ((endB < before.length && splits(before, endB)) || (endA < after.length && splits(after, endA))) {
    endB++;
    endA++;
  }
  return { start, endB, endA };
}

/**
 * The smallest single edit turning `before` into `after` (common prefix and suffix kept), or undefined
 * when they are equal. Never splits a CRLF pair or a UTF-16 surrogate pair.
 */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  const { start, endB, endA } = narrow(before, after);
  const model = new TextModel(before);
  return { range: { start: positionAt(model, start), end: positionAt(model, endB) }, newText: after.slice(start, endA) };
}

/**
 * The edits turning `before` into `after`, one per changed region (jsdiff's minimal line diff, each region then
 * narrowed to the characters that change): fixes at the top and the bottom of a document are two small edits, not
 * one edit replacing everything between them. Non-overlapping and in document order, as LSP requires.
 */
export function minimalEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const lineStarts = [0];
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const position = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - lineStarts[lo]! };
  };
  const edits: TextEdit[] = [];
  const parts = diffLines(before, after);
  let offset = 0;
  for (let i = 0; i < parts.length; ) {
    if (!parts[i]!.added && !parts[i]!.removed) {
      offset += parts[i]!.value.length;
      i++;
      continue;
    }
    let removed = '';
    let added = '';
    for (; i < parts.length && (parts[i]!.added || parts[i]!.removed); i++) {
      if (parts[i]!.removed) removed += parts[i]!.value;
      else added += parts[i]!.value;
    }
    const n = narrow(removed, added);
    edits.push({ range: { start: position(offset + n.start), end: position(offset + n.endB) }, newText: added.slice(n.start, n.endA) });
    offset += removed.length;
  }
  return edits;
}
