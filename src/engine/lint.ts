/**
 * Runs rules over loaded files and turns their path-based reports into positioned findings.
 */
import { DEFAULT_KUBE_VERSION } from '../k8s/kube-version.js';
import { builtinKind } from '../k8s/workloads.js';
import { formatPath } from '../load/positions.js';
import { DEFAULT_PROFILE, profiled, type Profile } from './profile.js';
import { UNUSED_SUPPRESSION, applySuppressions, type Waiver } from './suppress.js';
import type {
  Finding,
  Manifest,
  MessageData,
  NodeInfo,
  ObjectRef,
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
  severity?: (ruleId: string, file: SourceFile) => SeveritySetting | undefined;
  /** Per-rule options. */
  options?: (ruleId: string, file: SourceFile) => Record<string, unknown> | undefined;
  nodes?: readonly NodeInfo[];
  kubeVersion?: string;
  /** Rules that annotations and comments may not suppress (config `strict`), per file. */
  strict?: (ruleId: string, file: SourceFile) => boolean;
  /** Config waivers that apply to a file. */
  waivers?: (file: SourceFile) => readonly Waiver[];
  /** CustomResourceDefinitions from `--crd` / `crds:` (custom resources of the run are checked against them too). */
  crds?: readonly Manifest[];
  /** Time budget (`Date.now()` value): files not finished by then are listed in `unfinished` instead of linted. */
  deadline?: number;
  /** Admission policy files (`--policy`): their objects are seen by admission-policy, not linted. */
  policyFiles?: readonly SourceFile[];
  /** The severity profile of a file (config `profile`, `--profile`): `default` unless set. */
  profile?: (file: SourceFile) => Profile;
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

/** Build a finding for a report made on a manifest. */
export function findingFor(rule: Rule, severity: Severity, m: Manifest, r: Report): Finding {
  const range = m.file.locate(m.docIndex, [...m.base, ...r.path], r.at);
  const f: Finding = {
    ruleId: rule.meta.id,
    severity: r.severity && severity === rule.meta.severity ? r.severity : severity,
    message: renderMessage(rule, r.messageId, r.data),
    messageId: r.messageId,
    file: m.file.path,
    ...range,
    path: formatPath(r.path),
    object: { ...m.ref },
    docIndex: m.docIndex,
    base: m.base,
  };
  if (r.related?.length) {
    f.related = r.related.map((rel): RelatedLocation => {
      const rr = rel.manifest.file.locate(rel.manifest.docIndex, [...rel.manifest.base, ...rel.path], rel.at);
      return { file: rel.manifest.file.path, line: rr.line, column: rr.column, endLine: rr.endLine, endColumn: rr.endColumn, message: rel.message };
    });
  }
  if (r.fix) f.fix = r.fix;
  return f;
}

export function createRun(files: readonly SourceFile[], opts: Pick<LintOptions, 'nodes' | 'kubeVersion' | 'crds' | 'policyFiles'>): RunContext {
  return {
    manifests: files.flatMap((f) => f.manifests),
    files,
    policyManifests: opts.policyFiles?.flatMap((f) => f.manifests),
    nodes: opts.nodes,
    kubeVersion: opts.kubeVersion ?? DEFAULT_KUBE_VERSION,
    crds: opts.crds,
    unrecognized: new Map(),
    cache: new Map(),
  };
}

/** Lint a run, first awaiting every rule's `prepare` (which may load code lazily). */
export async function lintAsync(files: readonly SourceFile[], opts: LintOptions): Promise<LintResult> {
  const run = createRun(files, opts);
  for (const rule of opts.rules) if (rule.prepare) await rule.prepare(run);
  return lint(files, opts, run);
}

/** Lint already-parsed files as one run (cross-resource rules see every object of every file). */
export function lint(files: readonly SourceFile[], opts: LintOptions, run: RunContext = createRun(files, opts)): LintResult {
  const findings: Finding[] = [];
  const internalErrors: LintResult['internalErrors'] = [];

  // Severities and options depend on the rule and the file only: asked once per pair (the callbacks may look for
  // config files on disk), not once per object.
  const severities = new Map<SourceFile, Map<Rule, SeveritySetting>>();
  const optionSets = new Map<SourceFile, Map<Rule, Record<string, unknown>>>();
  const severityOf = (rule: Rule, file: SourceFile): SeveritySetting => {
    let m = severities.get(file);
    if (!m) severities.set(file, (m = new Map()));
    let v = m.get(rule);
    if (v === undefined) m.set(rule, (v = opts.severity?.(rule.meta.id, file) ?? rule.meta.severity));
    return v;
  };
  const optionsOf = (rule: Rule, file: SourceFile): Record<string, unknown> => {
    let m = optionSets.get(file);
    if (!m) optionSets.set(file, (m = new Map()));
    let v = m.get(rule);
    if (v === undefined) m.set(rule, (v = opts.options?.(rule.meta.id, file) ?? {}));
    return v;
  };

  const unfinished: string[] = [];
  const late = opts.deadline === undefined ? () => false : () => Date.now() >= opts.deadline!;
  fileLoop: for (const [i, file] of files.entries()) {
    if (late()) {
      unfinished.push(...files.slice(i).map((f) => f.path));
      break;
    }
    for (const rule of opts.rules) {
      if (!rule.checkFile) continue;
      const sev = severityOf(rule, file);
      if (sev === 'off') continue;
      try {
        rule.checkFile({
          file,
          run,
          options: optionsOf(rule, file),
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
    const profile = opts.profile?.(file) ?? DEFAULT_PROFILE;
    for (const m of file.manifests) {
      if (late()) {
        unfinished.push(...files.slice(i).map((f) => f.path));
        break fileLoop;
      }
      // An object the API would not recognise is left to the rule that says so.
      const owner = run.unrecognized.get(m);
      const ownerRule = owner === undefined ? undefined : opts.rules.find((r) => r.meta.id === owner);
      const onlyOwner = ownerRule !== undefined && severityOf(ownerRule, file) !== 'off';
      for (const rule of opts.rules) {
        if (!rule.check || !appliesTo(rule, m.ref)) continue;
        if (onlyOwner && rule !== ownerRule) continue;
        const sev = severityOf(rule, file);
        if (sev === 'off') continue;
        try {
          rule.check({
            manifest: m,
            object: m.object,
            run,
            options: optionsOf(rule, file),
            report: (r) => findings.push(findingFor(rule, sev, m, profiled(r, profile))),
          });
        } catch (error) {
          internalErrors.push({ ruleId: rule.meta.id, file: file.path, error });
        }
      }
    }
  }
  const unusedRule = opts.rules.find((r) => r.meta.id === UNUSED_SUPPRESSION);
  const result = applySuppressions(findings, files, {
    ruleIds: opts.rules.map((r) => r.meta.id),
    unusedSeverity: (file) => (!unusedRule ? undefined : file ? severityOf(unusedRule, file) : unusedRule.meta.severity),
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
