/**
 * What a lint is given and what it gives back (src/engine/lint.ts runs it; src/engine/parts.ts holds its two parts).
 */
import type { UnitPlan } from '../units/plan.js';
import type { Profile } from './profile.js';
import type { Waiver } from './suppress.js';
import type { FileRef, Finding, Manifest, NodeInfo, Rule, Severity, SourceFile } from '../types.js';

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


/** Findings of one part of a run, before suppressions. */
export interface PartialResult {
  findings: Finding[];
  internalErrors: LintResult['internalErrors'];
  /** Files cut short or not reached because the deadline passed (display paths, in run order). */
  unfinished: string[];
}
