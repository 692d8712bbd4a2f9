/**
 * Suppressions: waivers written next to the YAML (comments, annotations) or in the config (waivers), applied to a
 * run's findings after every rule has reported. Each waiver must name the rules it silences; one that silences
 * nothing is reported under `unused-suppression`, so stale waivers get cleaned up.
 *
 * Forms:
 * - `# daemonlint-disable-next-line rule-a, rule-b -- reason` (the next line that is not blank or a comment);
 * - `# daemonlint-disable-line rule-a -- reason` (as a trailing comment: its own line);
 * - `# daemonlint-disable rule-a -- reason` … `# daemonlint-enable rule-a` (to the end of the YAML document at most);
 * - annotation `daemonlint.io/ignore: "rule-a,rule-b"` (and `daemonlint.io/ignore-reason`) on the object or on its
 *   Pod template: the whole object;
 * - config waivers `{kind, name, namespace, rules, reason}` (see src/config).
 *
 * directives.ts reads the comments and annotations of a file; this module applies them, and the config waivers.
 */
import { Minimatch } from 'minimatch';
import { closest } from '../util/suggest.js';
import type { FileRef, Finding, MessageData, Path, Range, Severity, SourceFile, Suppression } from '../types.js';
import {
  IGNORE_ANNOTATION,
  UNUSED_SUPPRESSION,
  suppressionFacts,
  type AnnotationFact,
  type CommentDirective,
  type FileFacts,
  type ObjectFact,
} from './directives.js';

export {
  IGNORE_ANNOTATION,
  IGNORE_REASON_ANNOTATION,
  UNUSED_SUPPRESSION,
  annotationDirectives,
  commentDirectives,
  parseRuleList,
  suppressionFacts,
  type AnnotationDirective,
  type AnnotationFact,
  type CommentDirective,
  type DirectiveKind,
  type FileFacts,
  type ObjectFact,
} from './directives.js';

/** A per-object waiver from a config file. */
export interface Waiver {
  /** Object kind, name and namespace to match; each may be a glob (`fluent-*`); an unset field matches anything. */
  kind?: string;
  name?: string;
  namespace?: string;
  rules: string[];
  reason?: string;
  /** Where the waiver is written, for unused-waiver reports (`file` as it should be displayed). */
  origin: { file: string; range: Range };
}

export interface SuppressOptions {
  /** Every rule id of the run (unknown ids in waivers are reported). */
  ruleIds: readonly string[];
  /** Severity of `unused-suppression` for a file, or `off`; undefined when the rule is not part of the run. */
  unusedSeverity: (file: FileRef | undefined) => Severity | 'off' | undefined;
  /** Renders a message of the `unused-suppression` rule (called only when `unusedSeverity` gives a severity). */
  unusedMessage: (messageId: string, data: MessageData) => string;
  /** Rules that annotations and comments may not suppress, for a file. */
  strict?: (ruleId: string, file: FileRef) => boolean;
  /** Config waivers that apply to a file. */
  waivers?: (file: FileRef) => readonly Waiver[];
}

export interface SuppressResult {
  findings: Finding[];
  suppressed: Finding[];
}

function sameBase(a: Path | undefined, b: Path): boolean {
  return a !== undefined && a.length === b.length && a.every((s, i) => s === b[i]);
}

const globCache = new Map<string, Minimatch>();
function globMatch(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined) return true;
  if (value === undefined) return false;
  let mm = globCache.get(pattern);
  if (!mm) globCache.set(pattern, (mm = new Minimatch(pattern, { dot: true, nocomment: true, nonegate: true })));
  return mm.match(value);
}

/** True when a config waiver names an object (ignoring its rule list). */
export function waiverMatchesObject(w: Waiver, ref: { kind: string; name?: string }, namespace: string): boolean {
  return globMatch(w.kind, ref.kind) && globMatch(w.name, ref.name) && globMatch(w.namespace, namespace);
}

function describeRules(rules: readonly string[]): string {
  return rules.length === 1 ? rules[0]! : rules.join(', ');
}

interface SuppressEntry {
  rules: string[];
  used: Set<string>;
  /** Rules named but strict for this file. */
  strictHit: Set<string>;
}

interface FileIndex {
  /** The comment directives (not `enable`) naming `ruleId` whose lines include `line`, in file order. */
  commentsCovering(ruleId: string, line: number): { d: CommentDirective; e: SuppressEntry }[];
  annotationsByDoc: Map<number, { a: AnnotationFact; e: SuppressEntry }[]>;
  objectsByDoc: Map<number, ObjectFact[]>;
}

function indexFile(
  file: FileFacts,
  comments: readonly { d: CommentDirective; e: SuppressEntry }[],
  annotations: readonly { a: AnnotationFact; e: SuppressEntry }[],
): FileIndex {
  type Item = { d: CommentDirective; e: SuppressEntry; order: number };
  // Per rule: one-line directives by line, and range directives sorted by first line with the running maximum of
  // their last lines (a range covering `line` starts at or before it; scanning back stops once no earlier one reaches it).
  const lines = new Map<string, Map<number, Item[]>>();
  const ranges = new Map<string, { items: Item[]; maxTo: number[] }>();
  comments.forEach(({ d, e }, order) => {
    const item = { d, e, order };
    for (const rule of new Set(d.rules)) {
      if (d.from === d.to) {
        let byLine = lines.get(rule);
        if (!byLine) lines.set(rule, (byLine = new Map()));
        const l = byLine.get(d.from!);
        if (l) l.push(item);
        else byLine.set(d.from!, [item]);
      } else {
        let r = ranges.get(rule);
        if (!r) ranges.set(rule, (r = { items: [], maxTo: [] }));
        r.items.push(item);
      }
    }
  });
  for (const r of ranges.values()) {
    r.items.sort((a, b) => a.d.from! - b.d.from! || a.order - b.order);
    let max = -Infinity;
    r.maxTo = r.items.map((it) => (max = Math.max(max, it.d.to!)));
  }
  const commentsCovering = (ruleId: string, line: number): Item[] => {
    const out: Item[] = [...(lines.get(ruleId)?.get(line) ?? [])];
    const r = ranges.get(ruleId);
    if (r) {
      // Last range starting at or before the line.
      let lo = 0,
        hi = r.items.length - 1,
        last = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (r.items[mid]!.d.from! <= line) {
          last = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let j = last; j >= 0 && r.maxTo[j]! >= line; j--) if (r.items[j]!.d.to! >= line) out.push(r.items[j]!);
    }
    return out.length > 1 ? out.sort((a, b) => a.order - b.order) : out;
  };
  const annotationsByDoc = new Map<number, { a: AnnotationFact; e: SuppressEntry }[]>();
  for (const x of annotations) {
    const l = annotationsByDoc.get(x.a.docIndex);
    if (l) l.push(x);
    else annotationsByDoc.set(x.a.docIndex, [x]);
  }
  const objectsByDoc = new Map<number, ObjectFact[]>();
  for (const m of file.objects) {
    const l = objectsByDoc.get(m.docIndex);
    if (l) l.push(m);
    else objectsByDoc.set(m.docIndex, [m]);
  }
  return { commentsCovering, annotationsByDoc, objectsByDoc };
}

/**
 * Split a run's findings into reported and suppressed ones, and report unused suppressions (as findings of
 * `unused-suppression`, which are never suppressed themselves).
 */
export function applySuppressions(findings: readonly Finding[], sources: readonly (SourceFile | FileFacts)[], opts: SuppressOptions): SuppressResult {
  const files = sources.map((f) => ('comments' in f ? f : suppressionFacts(f)));
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const known = new Set(opts.ruleIds);

  // Per file: comment directives and annotations, each with a per-rule "used" record.
  type Entry = SuppressEntry;
  const comments = new Map<FileFacts, { d: CommentDirective; e: Entry }[]>();
  const annotations = new Map<FileFacts, { a: AnnotationFact; e: Entry }[]>();
  const entry = (rules: string[]): Entry => ({ rules, used: new Set(), strictHit: new Set() });
  for (const file of files) {
    comments.set(
      file,
      file.comments
        .filter((d) => d.kind !== 'enable')
        .map((d) => ({ d, e: entry(d.rules) })),
    );
    annotations.set(
      file,
      file.annotations.map((a) => ({ a, e: entry(a.rules) })),
    );
  }
  // One entry per waiver as written (its place in its config file), however many files, folders or config layers
  // hand it over: a waiver is unused only when no file of the whole run uses it, and is reported once.
  type WaiverUse = { w: Waiver; used: Set<string>; objectSeen: boolean; file?: FileFacts };
  const waiverUse = new Map<string, WaiverUse>();
  const useOf = new Map<Waiver, WaiverUse>();
  const usage = (w: Waiver, file: FileFacts): WaiverUse => {
    let u = useOf.get(w);
    if (!u) {
      const key = JSON.stringify([w.origin.file, w.origin.range.line, w.origin.range.column, w.kind, w.name, w.namespace, w.rules]);
      u = waiverUse.get(key);
      if (!u) waiverUse.set(key, (u = { w, used: new Set(), objectSeen: false, file }));
      useOf.set(w, u);
    }
    return u;
  };
  for (const file of files) {
    for (const w of opts.waivers?.(file) ?? []) {
      const u = usage(w, file);
      if (!u.objectSeen && file.objects.some((m) => waiverMatchesObject(w, m.ref, m.namespace))) u.objectSeen = true;
    }
  }

  // Lookups per finding go through per-file indexes, so that a file with many findings and many waivers costs
  // their sum, not their product: comment directives by rule (one-line ones by line; ranges sorted by first line),
  // annotations and manifests by document.
  const fileIndexes = new Map<FileFacts, FileIndex>();
  const fileIndex = (file: FileFacts): FileIndex => {
    let fx = fileIndexes.get(file);
    if (!fx) fileIndexes.set(file, (fx = indexFile(file, comments.get(file) ?? [], annotations.get(file) ?? [])));
    return fx;
  };
  const strictCache = new Map<FileFacts, Map<string, boolean>>();
  const strictFor = (ruleId: string, file: FileFacts): boolean => {
    let m = strictCache.get(file);
    if (!m) strictCache.set(file, (m = new Map()));
    let v = m.get(ruleId);
    if (v === undefined) m.set(ruleId, (v = opts.strict?.(ruleId, file) ?? false));
    return v;
  };

  for (const f of findings) {
    const file = byPath.get(f.file);
    if (!file || f.ruleId === UNUSED_SUPPRESSION) {
      kept.push(f);
      continue;
    }
    const strict = strictFor(f.ruleId, file);
    const waived: Suppression[] = [];
    const fx = fileIndex(file);
    for (const { d, e } of fx.commentsCovering(f.ruleId, f.line)) {
      if (strict) e.strictHit.add(f.ruleId);
      else {
        e.used.add(f.ruleId);
        waived.push({ kind: 'inSource', source: 'comment', ...(d.reason ? { justification: d.reason } : {}) });
      }
    }
    if (f.docIndex !== undefined) {
      for (const { a, e } of fx.annotationsByDoc.get(f.docIndex) ?? []) {
        if (!a.rules.includes(f.ruleId) || !sameBase(f.base, a.base)) continue;
        if (strict) e.strictHit.add(f.ruleId);
        else {
          e.used.add(f.ruleId);
          waived.push({ kind: 'inSource', source: 'annotation', ...(a.reason ? { justification: a.reason } : {}) });
        }
      }
      const m = fx.objectsByDoc.get(f.docIndex)?.find((x) => sameBase(f.base, x.base));
      for (const w of m ? (opts.waivers?.(file) ?? []) : []) {
        if (!w.rules.includes(f.ruleId) || !waiverMatchesObject(w, m!.ref, m!.namespace)) continue;
        usage(w, file).used.add(f.ruleId);
        waived.push({ kind: 'external', source: 'config', ...(w.reason ? { justification: w.reason } : {}) });
      }
    }
    if (waived.length) suppressed.push({ ...f, suppressions: [...(f.suppressions ?? []), ...waived] });
    else kept.push(f);
  }

  // Unused suppressions.
  /** `what` is the suppression; `reasons` why it has no effect (undefined: it has an effect). */
  const report = (file: FileFacts | undefined, displayFile: string, range: Range, what: string, reasons: { text: string; unknown: boolean } | undefined) => {
    if (!reasons) return;
    const sev = opts.unusedSeverity(file);
    if (sev === undefined || sev === 'off') return;
    const messageId = reasons.unknown ? 'noEffectUnknownRule' : 'noEffect';
    const message = opts.unusedMessage(messageId, { what, reasons: reasons.text });
    kept.push({ ruleId: UNUSED_SUPPRESSION, severity: sev, message, messageId, file: displayFile, ...range, path: '' });
  };
  const unknownNote = (id: string): string => {
    const near = closest(id, known);
    return `"${id}" is not a daemonlint rule${near ? ` (did you mean ${near}?)` : ''}`;
  };
  const explain = (e: Entry, strictOf: (r: string) => boolean): { text: string; unknown: boolean } | undefined => {
    const unknown = e.rules.filter((r) => !known.has(r));
    const strictNamed = e.rules.filter((r) => known.has(r) && strictOf(r));
    const idle = e.rules.filter((r) => known.has(r) && !strictOf(r) && !e.used.has(r) && r !== UNUSED_SUPPRESSION);
    const parts: string[] = [];
    if (unknown.length) parts.push(unknown.map(unknownNote).join('; '));
    if (strictNamed.length)
      parts.push(
        `${describeRules(strictNamed)} ${strictNamed.length === 1 ? 'is' : 'are'} strict in the configuration and cannot be suppressed by a comment or annotation${e.strictHit.size ? ' (the finding is still reported)' : ''}`,
      );
    if (idle.length) parts.push(`no ${describeRules(idle)} finding here to suppress`);
    if (!parts.length) return undefined;
    return { text: parts.join('; '), unknown: unknown.length > 0 };
  };
  for (const file of files) {
    const strictOf = (r: string) => opts.strict?.(r, file) ?? false;
    for (const { d, e } of comments.get(file) ?? []) {
      if (!e.rules.length) continue; // Malformed: reported by the rule's file check.
      report(file, file.path, d.range, `daemonlint-${d.kind} comment`, explain(e, strictOf));
    }
    for (const { a, e } of annotations.get(file) ?? []) {
      if (!e.rules.length) continue;
      const reasons = explain(e, strictOf);
      if (reasons && a.range) report(file, file.path, a.range, `${IGNORE_ANNOTATION} annotation`, reasons);
    }
  }
  for (const { w, ...u } of waiverUse.values()) {
    const unknown = w.rules.filter((r) => !known.has(r));
    // A waiver for an object this run did not see may be for files outside it: only stale ones are reported.
    const idle = u.objectSeen ? w.rules.filter((r) => known.has(r) && !u.used.has(r)) : [];
    const parts: string[] = [];
    if (unknown.length) parts.push(unknown.map(unknownNote).join('; '));
    if (idle.length) parts.push(`no ${describeRules(idle)} finding on the objects it names`);
    if (parts.length) report(u.file, w.origin.file, w.origin.range, 'waiver', { text: parts.join('; '), unknown: unknown.length > 0 });
  }
  return { findings: kept, suppressed };
}
