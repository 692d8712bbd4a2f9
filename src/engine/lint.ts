/**
 * A lint in memory, per deployment unit (`lint`, `lintAsync`), and the end of every run (`finishLint`: suppressions,
 * unused suppressions, order). The file-by-file parts it shares with the pipeline of src/app are in parts.ts.
 */
import { addTemplateSources } from '../units/helm.js';
import { originOf } from '../units/trace.js';
import type { LintOptions, LintResult, PartialResult } from './options.js';
import { checkFileRules, findingFor, ObjectChecks, renderMessage, RuleSettings } from './parts.js';
import { describeUnits, isUnitRule, prepareRules, prepareRun, type PreparedRun } from './run.js';
import { DEFAULT_PROFILE, profiled, type Profile } from './profile.js';
import { UNUSED_SUPPRESSION, applySuppressions, type FileFacts } from './suppress.js';
import type { Finding, Manifest, Path, Rule, RunContext, Severity, SourceFile } from '../types.js';

export type { LintOptions, LintResult, PartialResult, SeveritySetting } from './options.js';
export { comparesObjects, findingFor, lintAcross, lintFiles, renderMessage, RuleSettings } from './parts.js';
export { createRun, describeUnits, isUnitRule, prepareRules, prepareRun, type PreparedRun } from './run.js';
export { DEFAULT_KUBE_VERSION } from '../k8s/kube-version.js';

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** Lint a run in memory, per deployment unit, first awaiting every rule's `prepare` (which may load code lazily). */
export async function lintAsync(files: readonly SourceFile[], opts: LintOptions): Promise<LintResult> {
  const prepared = prepareRun(files, opts);
  await prepareRules(prepared, opts.rules);
  return lint(files, opts, prepared);
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
  const objectChecks = new ObjectChecks(objectRules, settings);
  const unitChecks = new ObjectChecks(unitRules, settings);
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
        options: settings.optionsOf(rule, m.file),
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
    return rule && settings.severityOf(rule, file) !== 'off' ? rule : undefined;
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
      for (const { rule, severity } of objectChecks.of(m, file)) {
        if (ownerRule && rule !== ownerRule) continue;
        checkObject(rule, m, run, severity, (f) => findings.push(f), file);
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
      for (const { rule, severity } of objectChecks.of(t, p.at.file)) {
        checkObject(rule, t, run, severity, (f, at) => {
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
      for (const { rule, severity } of unitChecks.of(m)) {
        checkObject(rule, m, ur, severity, (f) => {
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

  addTemplateSources(findings, files);
  const result = finishLint([{ findings, internalErrors, unfinished }], only ? files.filter(wanted) : [...files, ...plan.context], opts, settings);
  if (plan.context.length) {
    // Files read only to complete a unit were not linted object by object: their suppressions cannot be judged unused.
    const context = new Set(plan.context.map((f) => f.path));
    result.findings = result.findings.filter((f) => f.ruleId !== UNUSED_SUPPRESSION || !context.has(f.file));
  }
  return result;
}
