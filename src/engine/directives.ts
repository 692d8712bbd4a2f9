/**
 * What a file says about suppressions (see suppress.ts for the forms): its `daemonlint-` comments, the ignore
 * annotations of its objects, and the facts suppression needs of it once its text and objects are let go.
 */
import { Parser } from 'yaml';
import { podTemplate, isRecord } from '../k8s/workloads.js';
import type { FileRef, Manifest, ObjectRef, Path, Range, SourceFile } from '../types.js';

/** Rule id under which unused and useless suppressions are reported. */
export const UNUSED_SUPPRESSION = 'unused-suppression';
export const IGNORE_ANNOTATION = 'daemonlint.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'daemonlint.io/ignore-reason';

export type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';

/** A `# daemonlint-…` comment. */
export interface CommentDirective {
  kind: DirectiveKind;
  rules: string[];
  reason?: string;
  /** The comment's range. */
  range: Range;
  /** Lines (1-based, inclusive) whose findings it covers; unset for `enable`. */
  from?: number;
  to?: number;
}

const DIRECTIVE = /^#\s*daemonlint-(disable-next-line|disable-line|disable|enable)(?=\s|$)(.*)$/;

/** Split `rule-a, rule-b -- reason` into rule ids and a reason. */
export function parseRuleList(text: string): { rules: string[]; reason?: string } {
  const dash = text.search(/(^|\s)--(\s|$)/);
  // Without a `--` reason, a later ` # remark` is not part of the rule list.
  const hash = text.search(/(^|\s)#/);
  const listEnd = dash === -1 ? (hash === -1 ? text.length : hash) : hash === -1 ? dash : Math.min(dash, hash);
  const list = text.slice(0, listEnd);
  const reason = dash === -1 ? undefined : text.slice(dash).replace(/^\s*--\s*/, '').trim() || undefined;
  const rules = list
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { rules, reason };
}

/** A comment of a file, from the `yaml` library's concrete syntax tree. */
export interface CstComment {
  offset: number;
  source: string;
}

/** Every comment below a token of the concrete syntax tree, in tree order. */
export function collectComments(token: unknown, out: CstComment[], depth = 0): void {
  if (!token || typeof token !== 'object' || depth > 200) return;
  if (Array.isArray(token)) {
    for (const t of token) collectComments(t, out, depth + 1);
    return;
  }
  const t = token as Record<string, unknown>;
  if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
    out.push({ offset: t.offset, source: t.source });
    return;
  }
  for (const [k, v] of Object.entries(t)) if (k !== 'source' && typeof v === 'object') collectComments(v, out, depth + 1);
}

const directiveCache = new WeakMap<SourceFile, CommentDirective[]>();

/**
 * The suppression comments of a file, with the lines each covers. Only real YAML comments count (not text inside a
 * block scalar or a quoted string). Cached per file.
 */
export function commentDirectives(file: SourceFile): CommentDirective[] {
  const cached = directiveCache.get(file);
  if (cached) return cached;
  const text = file.text;
  const out: CommentDirective[] = [];
  if (!text.includes('daemonlint-') || file.problems.some((p) => p.ruleId === 'unrendered-template')) {
    directiveCache.set(file, out);
    return out;
  }
  const model = file.model;
  const comments: CstComment[] = [];
  const docStarts: number[] = [];
  try {
    for (const token of new Parser().parse(text)) {
      if (token.type === 'document') docStarts.push(token.offset);
      collectComments(token, comments);
    }
  } catch {
    directiveCache.set(file, out);
    return out;
  }
  // Lines as the model counts them, a final empty line after a trailing line break included.
  const lastLine = model.lineStarts.length;
  // A directive's scope ends with its YAML document: the line before the next document's start.
  const docEndLine = (offset: number): number => {
    // First document start after `offset` (document starts are in order).
    let lo = 0,
      hi = docStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (docStarts[mid]! > offset) hi = mid;
      else lo = mid + 1;
    }
    const next = docStarts[lo];
    return next === undefined ? lastLine : Math.max(model.lineOf(next) - 1, model.lineOf(offset));
  };
  // Lines holding only a comment or nothing are skipped by disable-next-line.
  const isBlankOrComment = (line: number): boolean => {
    const t = model.lineText(line).trim();
    return t === '' || t.startsWith('#');
  };
  // nextCode[l]: the first line at or after l that is not blank or a comment (lastLine + 1 when none); computed once,
  // when a disable-next-line needs it, so that a run of directive lines is not rescanned for each of them.
  let nextCode: Int32Array | undefined;
  const nextCodeLine = (from: number): number => {
    if (!nextCode) {
      nextCode = new Int32Array(lastLine + 2);
      nextCode[lastLine + 1] = lastLine + 1;
      for (let l = lastLine; l >= 1; l--) nextCode[l] = isBlankOrComment(l) ? nextCode[l + 1]! : l;
    }
    return from > lastLine ? from : nextCode[from]!;
  };
  comments.sort((a, b) => a.offset - b.offset);
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.source.trimEnd());
    if (!m) continue;
    const kind = m[1] as DirectiveKind;
    const { rules, reason } = parseRuleList(m[2] ?? '');
    const { line, column: col } = model.position(c.offset);
    const d: CommentDirective = { kind, rules, range: { line, column: col, endLine: line, endColumn: col + c.source.trimEnd().length } };
    if (reason) d.reason = reason;
    if (kind === 'disable-line') {
      d.from = d.to = line;
    } else if (kind === 'disable-next-line') {
      d.from = d.to = Math.min(nextCodeLine(line + 1), lastLine);
    } else if (kind === 'disable') {
      d.from = line + 1;
      d.to = docEndLine(c.offset);
    }
    out.push(d);
  }
  // Close each disable at the first later enable of the same rule inside its scope. Enable lines per rule, in order.
  const enables = new Map<string, number[]>();
  for (const e of out) {
    if (e.kind !== 'enable') continue;
    for (const r of new Set(e.rules)) {
      const l = enables.get(r);
      if (l) l.push(e.range.line);
      else enables.set(r, [e.range.line]);
    }
  }
  for (const d of out) {
    if (d.kind !== 'disable') continue;
    let first = Infinity;
    for (const r of d.rules) {
      const lines = enables.get(r);
      if (!lines) continue;
      // First enable of r after the disable's line.
      let lo = 0,
        hi = lines.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (lines[mid]! > d.range.line) hi = mid;
        else lo = mid + 1;
      }
      if (lo < lines.length) first = Math.min(first, lines[lo]!);
    }
    if (first <= d.to!) d.to = first - 1;
  }
  directiveCache.set(file, out);
  return out;
}

/** An ignore annotation found on an object or its Pod template. */
export interface AnnotationDirective {
  manifest: Manifest;
  rules: string[];
  reason?: string;
  /** Path of the annotation inside the object (for its location). */
  path: Path;
  /** The annotation value is not a string (reported as malformed). */
  malformed?: string;
}

/** The `daemonlint.io/ignore` annotations of an object: on its own metadata and on its Pod template's. */
export function annotationDirectives(m: Manifest): readonly AnnotationDirective[] {
  let out = annotationCache.get(m);
  if (!out) annotationCache.set(m, (out = readAnnotationDirectives(m)));
  return out;
}

/** Directives by object: suppressions and unused-suppression both ask for every object's. */
const annotationCache = new WeakMap<Manifest, readonly AnnotationDirective[]>();

function readAnnotationDirectives(m: Manifest): AnnotationDirective[] {
  const out: AnnotationDirective[] = [];
  const places: { metadata: unknown; path: Path }[] = [{ metadata: m.object.metadata, path: ['metadata'] }];
  const t = podTemplate(m);
  if (t && !(t.metadataPath.length === 1 && t.metadataPath[0] === 'metadata')) places.push({ metadata: t.metadata, path: t.metadataPath });
  for (const { metadata, path } of places) {
    if (!isRecord(metadata) || !isRecord(metadata.annotations)) continue;
    const ann = metadata.annotations;
    if (!(IGNORE_ANNOTATION in ann)) continue;
    const value = ann[IGNORE_ANNOTATION];
    const reason = typeof ann[IGNORE_REASON_ANNOTATION] === 'string' ? ann[IGNORE_REASON_ANNOTATION].trim() || undefined : undefined;
    const at: Path = [...path, 'annotations', IGNORE_ANNOTATION];
    if (typeof value !== 'string') {
      out.push({ manifest: m, rules: [], path: at, malformed: `must be a string of comma-separated rule ids, not ${JSON.stringify(value)}` });
      continue;
    }
    const { rules } = parseRuleList(value);
    out.push({ manifest: m, rules, reason, path: at });
  }
  return out;
}

/** An ignore annotation as suppression needs it: where its object is, what it names, where to report it unused. */
export interface AnnotationFact {
  docIndex: number;
  base: Path;
  rules: string[];
  reason?: string;
  /** The annotation's range (set when it names rules, i.e. when it can be reported as unused). */
  range?: Range;
}

/** An object of a file as config waivers see it. */
export interface ObjectFact {
  docIndex: number;
  base: Path;
  ref: ObjectRef;
  namespace: string;
}

/**
 * What suppression needs to know about one file, without its text or objects: computed where the file is parsed (a
 * worker thread, for large runs) and kept for the end of the run, when every rule has reported.
 */
export interface FileFacts extends FileRef {
  comments: CommentDirective[];
  annotations: AnnotationFact[];
  objects: ObjectFact[];
}

/** The suppression facts of a parsed file. */
export function suppressionFacts(file: SourceFile): FileFacts {
  const annotations: AnnotationFact[] = [];
  for (const m of file.manifests) {
    for (const a of annotationDirectives(m)) {
      const fact: AnnotationFact = { docIndex: m.docIndex, base: m.base, rules: a.rules };
      if (a.reason) fact.reason = a.reason;
      if (a.rules.length) fact.range = file.locate(m.docIndex, [...m.base, ...a.path], 'node');
      annotations.push(fact);
    }
  }
  return {
    path: file.path,
    ...(file.absPath !== undefined ? { absPath: file.absPath } : {}),
    comments: commentDirectives(file),
    annotations,
    objects: file.manifests.map((m) => ({ docIndex: m.docIndex, base: m.base, ref: m.ref, namespace: m.namespace })),
  };
}
