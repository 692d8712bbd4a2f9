/**
 * Runs rules over loaded files and turns their path-based reports into positioned findings.
 */
import { builtinKind } from '../k8s/workloads.js';
import { formatPath } from '../load/positions.js';
import { addTemplateSources } from '../units/helm.js';
import { originOf } from '../units/trace.js';
import type { UnitPlan } from '../units/plan.js';
import { describeUnits, isUnitRule, prepareRules, prepareRun, type PreparedRun } from './run.js';
import { DEFAULT_PROFILE, profiled, type Profile } from './profile.js';
import { UNUSED_SUPPRESSION, applySuppressions, type FileFacts, type Waiver } from './suppress.js';
import type {
  Anchor,
  FileRef,
  Finding,
  Manifest,
  MessageData,
  NodeInfo,
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

export type SeveritySetting = Severity | 'off';

export interface LintOptions {
  rules: readonly Rule[];
  /** Per-rule severity overrides (`off` disables). Looked up by rule id, then by file when given a function. */
  severity?: (ruleId: string, file: FileRef) => SeveritySetting | undefined;
  /** Per-rule options. */
  options?: (ruleId: string, file: FileRef) => Record<string, unknown> | undefined;
  nodes?: readonly NodeInfo[];
  kubeVersion?: string;
  /** Rules that annotations and comments may not suppress (config `strict`), per file. */
  strict?: (ruleId: string, file: FileRef) => boolean;
  /** Config waivers that apply to a file. */
  waivers?: (file: FileRef) => readonly Waiver[];
  /** CustomResourceDefinitions from `--crd` / `crds:` (custom resources of the run are checked against them too). */
  crds?: readonly Manifest[];
  /** Time budget (`Date.now()` value): files not finished by then are listed in `unfinished` instead of linted. */
  deadline?: number;
  /** Admission policy files (`--policy`): their objects are seen by admission-policy, not linted. */
  policyFiles?: readonly SourceFile[];
  /**
   * Works out the run's deployment units for `lint`/`lintAsync` (default: `planUnits` with no config and no disk
   * reads). The file-by-file parts (`lintFiles`, `lintAcross`) see one unit: every object given.
   */
  plan?: (files: readonly SourceFile[]) => UnitPlan;
  /** The severity profile of a file (config `profile`, `--profile`): `default` unless set. */
  profile?: (file: FileRef) => Profile;
}

export interface LintResult {
  findings: Finding[];
  /** Findings waived by a comment, an annotation or a config waiver, each with its `suppressions`. */
  suppressed: Finding[];
  /** Rules that threw: a bug, reported as an internal error. */
  internalErrors: { ruleId: string; file: string; error: unknown }[];
  /** Files cut short or not reached because the `deadline` passed (display paths, in run order). */
  unfinished?: string[];
}

export { createRun, describeUnits, isUnitRule, prepareRules, prepareRun, type PreparedRun } from './run.js';
export { DEFAULT_KUBE_VERSION } from '../k8s/kube-version.js';

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

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
function appliesTo(rule: Rule, ref: ObjectRef): boolean {
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

/** Lint a run in memory, per deployment unit, first awaiting every rule's `prepare` (which may load code lazily). */
export async function lintAsync(files: readonly SourceFile[], opts: LintOptions): Promise<LintResult> {
  const prepared = prepareRun(files, opts);
  await prepareRules(prepared, opts.rules);
  return lint(files, opts, prepared);
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

/** Findings of one part of a run, before suppressions. */
export interface PartialResult {
  findings: Finding[];
  internalErrors: LintResult['internalErrors'];
  /** Files cut short or not reached because the deadline passed (display paths, in run order). */
  unfinished: string[];
}

/** The rules that check a whole file (`checkFile`: syntax, templates, suppressions) over one file. */
function checkFileRules(file: SourceFile, rules: readonly Rule[], run: RunContext, settings: RuleSettings, findings: Finding[], internalErrors: LintResult['internalErrors']): void {
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
class ObjectChecks {
  #byFile = new Map<string, Map<string, ObjectCheck[]>>();
  constructor(
    private readonly rules: readonly Rule[],
    private readonly settings: RuleSettings,
  ) {}

  of(m: Manifest): ObjectCheck[] {
    let byType = this.#byFile.get(m.file.path);
    if (!byType) this.#byFile.set(m.file.path, (byType = new Map()));
    const type = `${m.ref.apiVersion}\u0000${m.ref.kind}`;
    let list = byType.get(type);
    if (!list) {
      list = [];
      for (const rule of this.rules) {
        if (!rule.check || !appliesTo(rule, m.ref)) continue;
        const severity = this.settings.severityOf(rule, m.file);
        if (severity !== 'off') list.push({ rule, severity, options: this.settings.optionsOf(rule, m.file) });
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

/**
 * The end of a run: suppressions applied to every finding (from both parts), unused suppressions reported, findings
 * sorted, and the findings of unfinished files dropped.
 */
export function finishLint(parts: readonly PartialResult[], files: readonly (SourceFile | FileFacts)[], opts: LintOptions, settings = new RuleSettings(opts)): LintResult {
  const findings: Finding[] = [];
  const internalErrors: LintResult['internalErrors'] = [];
  const unfinished: string[] = [];
  for (const p of parts) {
    for (const f of p.findings) findings.push(f);
    for (const e of p.internalErrors) internalErrors.push(e);
    for (const u of p.unfinished) if (!unfinished.includes(u)) unfinished.push(u);
  }
  const unusedRule = opts.rules.find((r) => r.meta.id === UNUSED_SUPPRESSION);
  const result = applySuppressions(findings, files, {
    ruleIds: opts.rules.map((r) => r.meta.id),
    unusedSeverity: (file) => (!unusedRule ? undefined : file ? settings.severityOf(unusedRule, file) : unusedRule.meta.severity),
    unusedMessage: (messageId, data) => renderMessage(unusedRule!, messageId, data),
    strict: opts.strict,
    waivers: opts.waivers,
  });
  result.findings.sort(compareFindings);
  result.suppressed.sort(compareFindings);
  if (unfinished.length) {
    // A file cut short has partial findings (and suppressions that look unused): report none of them.
    const cut = new Set(unfinished);
    const done = (f: Finding) => !cut.has(f.file);
    return { findings: result.findings.filter(done), suppressed: result.suppressed.filter(done), internalErrors, unfinished };
  }
  return { findings: result.findings, suppressed: result.suppressed, internalErrors };
}

/** A source object's place in its file: document and path inside the document. */
const slotOf = (m: Manifest) => `${m.docIndex}\0${m.base.join('\0')}`;

const samePathPrefix = (prefix: Path, path: Path) => prefix.length <= path.length && prefix.every((s, i) => path[i] === s);

/**
 * Lint already-parsed files. Per-file and per-object rules see each source object once (a patch: what it changes
 * in the objects it patches); cross-resource rules see each deployment unit on its own. `only` limits the findings
 * to some files (an editor's buffer).
 */
export function lint(files: readonly SourceFile[], opts: LintOptions, prepared: PreparedRun | RunContext = prepareRun(files, opts), only?: ReadonlySet<SourceFile>): LintResult {
  const { plan, run, unitRuns } = 'plan' in prepared ? prepared : { ...prepareRun(files, opts), run: prepared };
  const findings: Finding[] = [];
  const internalErrors: LintResult['internalErrors'] = [];
  const objectRules = opts.rules.filter((r) => !isUnitRule(r));
  const unitRules = opts.rules.filter(isUnitRule);
  const wanted = (f: SourceFile) => !only || only.has(f);

  const settings = new RuleSettings(opts);
  const severityOf = (rule: Rule, file: FileRef): SeveritySetting => settings.severityOf(rule, file);
  const optionsOf = (rule: Rule, file: FileRef): Record<string, unknown> => settings.optionsOf(rule, file);
  const profiles = new Map<SourceFile, Profile>();
  const profileOf = (file: SourceFile): Profile => {
    let p = profiles.get(file);
    if (p === undefined) profiles.set(file, (p = opts.profile?.(file) ?? DEFAULT_PROFILE));
    return p;
  };
  /** Check one object; `file` is the file whose settings apply (a patch's for what it changed). */
  const checkObject = (rule: Rule, m: Manifest, r: RunContext, sev: Severity, sink: (f: Finding, at: Path) => void, file: SourceFile) => {
    const profile = profileOf(file);
    try {
      rule.check!({
        manifest: m,
        object: m.object,
        run: r,
        options: optionsOf(rule, m.file),
        report: (rep) => sink(findingFor(rule, sev, m, profiled(rep, profile)), originOf(m, rep.path).path),
      });
    } catch (error) {
      internalErrors.push({ ruleId: rule.meta.id, file: file.path, error });
    }
  };

  // An object the API would not recognise is left to the rule that says so (unless that rule is off for the file).
  // A built object (a patch's target, a unit's object) is recognised or not as the source object it was built from.
  const sources = new Map<SourceFile, Map<string, Manifest>>();
  const sourceOf = (m: Manifest): Manifest | undefined => {
    if (!m.trace) return m;
    let bySlot = sources.get(m.file);
    if (!bySlot) sources.set(m.file, (bySlot = new Map(m.file.manifests.map((s) => [slotOf(s), s]))));
    return bySlot.get(slotOf(m));
  };
  const ownerOf = (m: Manifest, file: SourceFile): Rule | undefined => {
    if (!run.unrecognized.size) return undefined;
    const src = sourceOf(m);
    const owner = run.unrecognized.get(m) ?? (src && run.unrecognized.get(src));
    const rule = owner === undefined ? undefined : opts.rules.find((r) => r.meta.id === owner);
    return rule && severityOf(rule, file) !== 'off' ? rule : undefined;
  };

  const unfinished: string[] = [];
  const late = opts.deadline === undefined ? () => false : () => Date.now() >= opts.deadline!;
  fileLoop: for (const [i, file] of files.entries()) {
    if (late()) {
      unfinished.push(...files.slice(i).map((f) => f.path));
      break;
    }
    if (!wanted(file)) continue;
    checkFileRules(file, opts.rules, run, settings, findings, internalErrors);
    for (const m of file.manifests) {
      if (late()) {
        unfinished.push(...files.slice(i).map((f) => f.path));
        break fileLoop;
      }
      if (plan.partial.has(m)) continue; // A patch is checked through the objects it changes (below).
      const ownerRule = ownerOf(m, file);
      for (const rule of objectRules) {
        if (!rule.check || !appliesTo(rule, m.ref)) continue;
        if (ownerRule && rule !== ownerRule) continue;
        const sev = severityOf(rule, file);
        if (sev === 'off') continue;
        checkObject(rule, m, run, sev, (f) => findings.push(f), file);
      }
    }
  }

  // A patch is a partial object: lint what it changes, i.e. the objects it patched, keeping only findings on nodes
  // the patch wrote. What it leaves out is never reported (its target has it).
  const seen = new Set<string>();
  const keyOf = (f: Finding) => `${f.ruleId}\0${f.file}\0${f.line}\0${f.column}\0${f.endLine}\0${f.endColumn}\0${f.message}`;
  for (const p of plan.patches) {
    if (!wanted(p.at.file) || late()) continue;
    const inPatch = (f: Finding, at: Path) => f.file === p.at.file.path && f.docIndex === p.at.docIndex && samePathPrefix(p.at.path, at);
    for (const t of p.targets) {
      if (ownerOf(t, p.at.file)) continue; // Reported on the object the patch targets, by the rule that owns it.
      for (const rule of objectRules) {
        if (!rule.check || !appliesTo(rule, t.ref)) continue;
        const sev = severityOf(rule, p.at.file);
        if (sev === 'off') continue;
        checkObject(rule, t, run, sev, (f, at) => {
          if (!inPatch(f, at)) return;
          const key = keyOf(f);
          if (seen.has(key)) return;
          seen.add(key);
          findings.push(f);
        }, p.at.file);
      }
    }
  }

  // Cross-resource rules, once per unit. The same finding from several units (a base shared by overlays) is one
  // finding naming every unit.
  const named = plan.units.length > 1;
  const byKey = new Map<string, Finding>();
  const placeOwner = new Map<string, number>();
  const onlyPaths = only && new Set([...only].map((f) => f.path));
  unitRuns.forEach((ur, ui) => {
    if (late()) return;
    const unit = plan.units[ui]!;
    // A unit's indexes are dropped once it is done: memory stays that of the largest unit, not of all of them.
    const done = () => ur.cache.clear();
    // An object the API server would reject is not in the cluster: cross-resource rules neither check it nor compare
    // other objects with it (api-version reports it).
    if (run.unrecognized.size) ur.manifests = ur.manifests.filter((m) => !ownerOf(m, m.file));
    for (const m of ur.manifests) {
      // For an editor's buffer: only objects from it, or built objects (a patch in it may have written them).
      if (only && !only.has(m.file) && !m.trace) continue;
      for (const rule of unitRules) {
        if (!rule.check || !appliesTo(rule, m.ref)) continue;
        const sev = severityOf(rule, m.file);
        if (sev === 'off') continue;
        checkObject(rule, m, ur, sev, (f) => {
          if (onlyPaths && !onlyPaths.has(f.file)) return;
          // Across units, one finding per rule and place: the first unit's findings there, naming every unit where
          // they read the same (a base shared by overlays); other units' different wording at that place is dropped.
          const place = `${f.ruleId}\0${f.file}\0${f.line}\0${f.column}\0${f.endLine}\0${f.endColumn}`;
          const key = `${place}\0${f.message}`;
          const had = byKey.get(key);
          if (had) {
            if (named && !had.units!.includes(unit.name)) had.units!.push(unit.name);
            return;
          }
          const owner = placeOwner.get(place);
          if (owner !== undefined && owner !== ui) return;
          placeOwner.set(place, ui);
          if (named) f.units = [unit.name];
          byKey.set(key, f);
          findings.push(f);
        }, m.file);
      }
    }
    done();
  });
  for (const f of byKey.values()) if (f.units) f.message = `${f.message} (${describeUnits(f.units, plan.units.length)})`;

  const unusedRule = opts.rules.find((r) => r.meta.id === UNUSED_SUPPRESSION);
  addTemplateSources(findings, files);
  const result = applySuppressions(findings, only ? files.filter(wanted) : [...files, ...plan.context], {
    ruleIds: opts.rules.map((r) => r.meta.id),
    unusedSeverity: (file) => (!unusedRule ? undefined : file ? severityOf(unusedRule, file) : unusedRule.meta.severity),
    unusedMessage: (messageId, data) => renderMessage(unusedRule!, messageId, data),
    strict: opts.strict,
    waivers: opts.waivers,
  });
  if (plan.context.length) {
    // Files read only to complete a unit were not linted object by object: their suppressions cannot be judged unused.
    const context = new Set(plan.context.map((f) => f.path));
    result.findings = result.findings.filter((f) => f.ruleId !== UNUSED_SUPPRESSION || !context.has(f.file));
  }
  result.findings.sort(compareFindings);
  result.suppressed.sort(compareFindings);
  if (unfinished.length) {
    // A file cut short has partial findings (and suppressions that look unused): report none of them.
    const cut = new Set(unfinished);
    const done = (f: Finding) => !cut.has(f.file);
    return { findings: result.findings.filter(done), suppressed: result.suppressed.filter(done), internalErrors, unfinished };
  }
  return { findings: result.findings, suppressed: result.suppressed, internalErrors };
}
