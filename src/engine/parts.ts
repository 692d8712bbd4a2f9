/**
 * The two parts of a run that go file by file (src/app/pipeline.ts) or unit by unit (lint.ts): the checks of each file
 * and of each object on its own (`lintFiles`), and the checks that compare objects (`lintAcross`); with what they
 * share: message rendering, findings built from path-based reports, and each rule's severity and options per file.
 */
import { builtinKind } from '../k8s/workloads.js';
import { formatPath } from '../load/positions.js';
import { originOf } from '../units/trace.js';
import { DEFAULT_PROFILE, profiled, type Profile } from './profile.js';
import type { LintOptions, LintResult, PartialResult, SeveritySetting } from './options.js';
import type {
  Anchor,
  FileRef,
  Finding,
  Manifest,
  MessageData,
  ObjectRef,
  Path,
  Range,
  RelatedLocation,
  Report,
  Rule,
  RunContext,
  Severity,
  SourceFile,
} from '../types.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;

/**
 * The text of a rule's message: its `meta.messages[messageId]` template with each `{{name}}` replaced by `data.name`.
 * An undeclared id or a placeholder without data is a bug in the rule: it throws (reported as an internal error).
 */
export function renderMessage(rule: Rule, messageId: string, data?: MessageData): string {
  const messages = rule.meta.messages;
  const template = Object.prototype.hasOwnProperty.call(messages, messageId) ? messages[messageId] : undefined;
  if (template === undefined) throw new Error(`rule ${rule.meta.id} reported undeclared messageId "${messageId}"`);
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = data && Object.prototype.hasOwnProperty.call(data, name) ? data[name] : undefined;
    if (v === undefined) throw new Error(`rule ${rule.meta.id}, message "${messageId}": no data for {{${name}}}`);
    return String(v);
  });
}

/** A rule applies to an object of one of its kinds, in the kind's own API group (see builtinKind). */
export function appliesTo(rule: Rule, ref: ObjectRef): boolean {
  const kinds = rule.meta.kinds;
  if (kinds === '*') return true;
  const kind = builtinKind(ref);
  return kind !== undefined && kinds.includes(kind);
}

/**
 * Rules that compare objects with each other (tagged `cross-resource`): they need every object of the run, so they run
 * once every file is parsed (in the main thread when files are parsed by worker threads). Every other rule looks at
 * one object or one file at a time and runs where the file is parsed.
 */
export function comparesObjects(rule: Rule): boolean {
  return rule.meta.tags.includes('cross-resource');
}

/** Where a report's range goes once it is known: the finding itself or one of its related locations. */
type PlaceRange = (file: SourceFile, docIndex: number, path: Path, at: Anchor | undefined, target: Range | RelatedLocation) => void;

/** Resolve a range at once (the file's text is at hand). */
const placeNow: PlaceRange = (file, docIndex, path, at, target) => void Object.assign(target, file.locate(docIndex, path, at));

const NO_RANGE = (): Range => ({ line: 0, column: 0, endLine: 0, endColumn: 0 });

/**
 * Build a finding for a report made on a manifest (built objects are reported where the offending field was written);
 * its ranges are filled in by `place` (now, or later per file).
 */
export function findingFor(rule: Rule, severity: Severity, m: Manifest, r: Report, place: PlaceRange = placeNow): Finding {
  const o = originOf(m, r.path);
  const f: Finding = {
    ruleId: rule.meta.id,
    severity: r.severity && severity === rule.meta.severity ? r.severity : severity,
    message: renderMessage(rule, r.messageId, r.data),
    messageId: r.messageId,
    file: o.file.path,
    ...NO_RANGE(),
    path: formatPath(m.trace ? o.path : r.path),
    object: { ...m.ref },
    docIndex: o.docIndex,
    base: o.base,
  };
  place(o.file, o.docIndex, [...o.base, ...o.path], r.at, f);
  if (r.related?.length) {
    f.related = r.related.map((rel): RelatedLocation => {
      const ro = originOf(rel.manifest, rel.path);
      const loc: RelatedLocation = { file: ro.file.path, ...NO_RANGE(), message: rel.message };
      place(ro.file, ro.docIndex, [...ro.base, ...ro.path], rel.at, loc);
      return loc;
    });
  }
  // A fix edits the object it was computed on: only meaningful when that is the source object itself.
  if (r.fix && !m.trace) f.fix = r.fix;
  return f;
}

/**
 * Severities and options of a run's rules per file. They depend on the rule and the file only: asked once per pair
 * (the callbacks may look for config files on disk), not once per object. Files are told apart by display path, which
 * is unique in a run (the same file may be represented by different objects in different phases).
 */
export class RuleSettings {
  #severities = new Map<string, Map<Rule, SeveritySetting>>();
  #options = new Map<string, Map<Rule, Record<string, unknown>>>();
  constructor(private readonly opts: LintOptions) {}

  severityOf(rule: Rule, file: FileRef): SeveritySetting {
    let m = this.#severities.get(file.path);
    if (!m) this.#severities.set(file.path, (m = new Map()));
    let v = m.get(rule);
    if (v === undefined) m.set(rule, (v = this.opts.severity?.(rule.meta.id, file) ?? rule.meta.severity));
    return v;
  }

  optionsOf(rule: Rule, file: FileRef): Record<string, unknown> {
    let m = this.#options.get(file.path);
    if (!m) this.#options.set(file.path, (m = new Map()));
    let v = m.get(rule);
    if (v === undefined) m.set(rule, (v = this.opts.options?.(rule.meta.id, file) ?? {}));
    return v;
  }
}

/** The rules that check a whole file (`checkFile`: syntax, templates, suppressions) over one file. */
export function checkFileRules(file: SourceFile, rules: readonly Rule[], run: RunContext, settings: RuleSettings, findings: Finding[], internalErrors: LintResult['internalErrors']): void {
  for (const rule of rules) {
    if (!rule.checkFile) continue;
    const sev = settings.severityOf(rule, file);
    if (sev === 'off') continue;
    try {
      rule.checkFile({
        file,
        run,
        options: settings.optionsOf(rule, file),
        report: (p) => {
          findings.push({
            ruleId: rule.meta.id,
            severity: p.severity && sev === rule.meta.severity ? p.severity : sev,
            message: renderMessage(rule, p.messageId, p.data),
            messageId: p.messageId,
            file: file.path,
            ...p.range,
            path: '',
          });
        },
      });
    } catch (error) {
      internalErrors.push({ ruleId: rule.meta.id, file: file.path, error });
    }
  }
}

/**
 * The first part of a run, file by file: every rule's file checks, and the object checks of the rules that look at
 * one object at a time (not `comparesObjects`). Positions are resolved at once.
 */
export function lintFiles(files: readonly SourceFile[], opts: LintOptions, run: RunContext, settings = new RuleSettings(opts)): PartialResult {
  const findings: Finding[] = [];
  const internalErrors: LintResult['internalErrors'] = [];
  const unfinished: string[] = [];
  const checks = new ObjectChecks(opts.rules.filter((r) => !comparesObjects(r)), settings);
  const late = opts.deadline === undefined ? () => false : () => Date.now() >= opts.deadline!;
  fileLoop: for (const [i, file] of files.entries()) {
    if (late()) {
      for (const f of files.slice(i)) unfinished.push(f.path);
      break;
    }
    checkFileRules(file, opts.rules, run, settings, findings, internalErrors);
    const profile = opts.profile?.(file) ?? DEFAULT_PROFILE;
    for (const m of file.manifests) {
      if (late()) {
        for (const f of files.slice(i)) unfinished.push(f.path);
        break fileLoop;
      }
      checkObject(m, checks, opts.rules, run, settings, findings, internalErrors, placeNow, profile);
    }
  }
  return { findings, internalErrors, unfinished };
}

/** A rule that checks objects, with its severity and options for one file. */
interface ObjectCheck {
  rule: Rule;
  severity: Severity;
  options: Record<string, unknown>;
}

/**
 * The rules that check an object, with their severity and options: worked out once per file and API version and kind
 * (what `appliesTo` and the settings depend on), not once per object.
 */
export class ObjectChecks {
  #byFile = new Map<string, Map<string, ObjectCheck[]>>();
  constructor(
    private readonly rules: readonly Rule[],
    private readonly settings: RuleSettings,
  ) {}

  /** The checks of object `m` under the settings of `file` (its own, or a patch's for what the patch changed). */
  of(m: Manifest, file: FileRef = m.file): ObjectCheck[] {
    let byType = this.#byFile.get(file.path);
    if (!byType) this.#byFile.set(file.path, (byType = new Map()));
    const type = `${m.ref.apiVersion}\u0000${m.ref.kind}`;
    let list = byType.get(type);
    if (!list) {
      list = [];
      for (const rule of this.rules) {
        if (!rule.check || !appliesTo(rule, m.ref)) continue;
        const severity = this.settings.severityOf(rule, file);
        if (severity !== 'off') list.push({ rule, severity, options: this.settings.optionsOf(rule, file) });
      }
      byType.set(type, list);
    }
    return list;
  }
}

function checkObject(
  m: Manifest,
  checks: ObjectChecks,
  runRules: readonly Rule[],
  run: RunContext,
  settings: RuleSettings,
  findings: Finding[],
  internalErrors: LintResult['internalErrors'],
  place: PlaceRange,
  profile: Profile,
): void {
  // An object the API would not recognise is left to the rule that says so (unless that rule is off for the file).
  const owner = run.unrecognized.get(m);
  const ownerRule = owner === undefined ? undefined : runRules.find((r) => r.meta.id === owner);
  const onlyOwner = ownerRule !== undefined && settings.severityOf(ownerRule, m.file) !== 'off';
  for (const { rule, severity, options } of checks.of(m)) {
    if (onlyOwner && rule !== ownerRule) continue;
    try {
      rule.check!({
        manifest: m,
        object: m.object,
        run,
        options,
        report: (r) => findings.push(findingFor(rule, severity, m, profiled(r, profile), place)),
      });
    } catch (error) {
      internalErrors.push({ ruleId: rule.meta.id, file: m.file.path, error });
    }
  }
}

/** A file whose text may be released once its positions are resolved (see app/pipeline.ts). */
interface Releasable {
  release?(): void;
}

/**
 * The second part of a run: the object checks of the rules that compare objects (`comparesObjects`), over `targets`
 * (the objects of the files being linted; `run` may hold more). Positions are resolved afterwards, file by file, so
 * that a file whose text was let go is read once, and only when one of its objects has something to point at.
 */
export function lintAcross(targets: readonly Manifest[], opts: LintOptions, run: RunContext, settings = new RuleSettings(opts)): PartialResult {
  const findings: Finding[] = [];
  const internalErrors: LintResult['internalErrors'] = [];
  const unfinished: string[] = [];
  const checks = new ObjectChecks(opts.rules.filter(comparesObjects), settings);
  const late = opts.deadline === undefined ? () => false : () => Date.now() >= opts.deadline!;
  const pending = new Map<SourceFile, { docIndex: number; path: Path; at: Anchor | undefined; target: Range | RelatedLocation }[]>();
  const later: PlaceRange = (file, docIndex, path, at, target) => {
    const list = pending.get(file);
    if (list) list.push({ docIndex, path, at, target });
    else pending.set(file, [{ docIndex, path, at, target }]);
  };
  for (const [i, m] of targets.entries()) {
    if (late()) {
      const seen = new Set<string>();
      for (const t of targets.slice(i)) if (!seen.has(t.file.path)) seen.add(t.file.path), unfinished.push(t.file.path);
      break;
    }
    checkObject(m, checks, opts.rules, run, settings, findings, internalErrors, later, opts.profile?.(m.file) ?? DEFAULT_PROFILE);
  }
  for (const [file, list] of pending) {
    try {
      for (const p of list) placeNow(file, p.docIndex, p.path, p.at, p.target);
    } finally {
      (file as Releasable).release?.();
    }
  }
  return { findings, internalErrors, unfinished };
}
