/**
 * The outcome of a run: its exit code and why, in one place, so the CLI's summary line, its exit code and the
 * Action's job summary cannot disagree. 0: nothing at or above --fail-on; 1: findings at or above it (shown or not:
 * --quiet hides warnings, it does not forgive them); 2: the run is incomplete or broken (files not linted in time,
 * unreadable paths, files not written, internal errors), whatever the findings.
 */
import { plural } from '../report/summary.js';
import { FAIL_ON_VALUES, SEVERITY_RANK, type FailOn, type Finding, type Severity } from '../types.js';

export { FAIL_ON_VALUES, type FailOn };

export interface Verdict {
  exitCode: 0 | 1 | 2;
  failOn: FailOn;
  /** Findings at or above failOn, per severity. */
  failing: Record<Severity, number>;
  /** How many of those the report does not show (--quiet). */
  hidden: number;
  /** Why the run is incomplete or broken (exit 2), one short phrase each. */
  incomplete: string[];
}

export interface VerdictInput {
  findings: readonly Finding[];
  /** The findings the report shows (fewer with --quiet). */
  shown?: readonly Finding[];
  failOn: FailOn;
  readErrors?: number;
  writeErrors?: number;
  internalErrors?: number;
  /** Files not linted when the time budget ran out. */
  unfinished?: number;
  /** The time budget in seconds, for the reason. */
  timeout?: number;
  /** The run stopped for lack of time after linting (while fixing). */
  outOfTime?: boolean;
}

/** Does a finding of this severity fail a run with this --fail-on? */
export function fails(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

export function verdictOf(input: VerdictInput): Verdict {
  const failing: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of input.findings) if (fails(f.severity, input.failOn)) failing[f.severity]++;
  let shownFailing = 0;
  for (const f of input.shown ?? input.findings) if (fails(f.severity, input.failOn)) shownFailing++;
  const total = failing.error + failing.warning + failing.info;
  const incomplete: string[] = [];
  const budget = input.timeout !== undefined ? `the time budget of ${input.timeout} s ran out` : 'the time budget ran out';
  if (input.unfinished) incomplete.push(`${plural(input.unfinished, 'file')} not linted (${budget})`);
  else if (input.outOfTime) incomplete.push(`fixes not finished (${budget})`);
  if (input.readErrors) incomplete.push(`${plural(input.readErrors, 'path')} could not be read`);
  if (input.writeErrors) incomplete.push(`${plural(input.writeErrors, 'file')} could not be written`);
  if (input.internalErrors) incomplete.push(`${plural(input.internalErrors, 'internal error')} (a rule crashed)`);
  return { exitCode: incomplete.length ? 2 : total ? 1 : 0, failOn: input.failOn, failing, hidden: total - shownFailing, incomplete };
}

/** "1 error and 2 warnings": the failing findings, largest severity first, zero counts left out. */
function failingText(v: Verdict): string {
  const parts = (['error', 'warning', 'info'] as const).filter((s) => v.failing[s]).map((s) => plural(v.failing[s], s));
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Why the run passed or failed, for the end of a summary line ('' for a clean pass). */
export function verdictReason(v: Verdict, hasFindings: boolean): string {
  const reasons: string[] = [];
  if (v.failing.error + v.failing.warning + v.failing.info) {
    reasons.push(`${failingText(v)} at or above --fail-on ${v.failOn}${v.hidden ? ` (${v.hidden} hidden by --quiet)` : ''}`);
  }
  reasons.push(...v.incomplete);
  if (reasons.length) return `failed: ${reasons.join('; ')}`;
  if (!hasFindings) return '';
  return v.failOn === 'none' ? 'passed (--fail-on none)' : `passed: none at or above --fail-on ${v.failOn}`;
}
