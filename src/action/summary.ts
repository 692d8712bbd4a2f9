/** The Markdown job summary: totals and a findings table (cells escaped, so manifest text cannot break it). */
import type { Finding, Severity } from '../types.js';
import type { Verdict } from '../app/verdict.js';
import { verdictReason } from '../app/verdict.js';
import type { Links } from '../links.js';
import { safeText } from '../report/sanitize.js';
import { plural } from '../report/summary.js';

/** Rows beyond this are counted, not listed (GitHub caps a step summary at 1 MiB). */
export const MAX_SUMMARY_ROWS = 500;

const ICON: Record<Severity, string> = { error: '🔴 error', warning: '🟡 warning', info: '🔵 info' };

/** Make text safe for one Markdown table cell: no pipes, newlines, HTML or control characters. */
export function escapeCell(s: string): string {
  const cell = s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/\r\n|\r|\n/g, '<br>');
  return safeText(cell);
}

export interface SummaryContext {
  files: number;
  objects: number;
  failOn: string;
  failed: boolean;
  sarifFile?: string;
  /** `https://github.com/OWNER/REPO/blob/SHA/` when known: file cells link to the exact line. */
  blobBase?: string;
  problems?: string[];
  /** Findings waived by comments, annotations, config waivers or the baseline. */
  suppressed?: readonly Finding[];
  /** Rule ids of custom policies: their documentation is in the repository's config, not on the project's pages. */
  customRules?: ReadonlySet<string>;
  /** Rule documents to link the rule ids to; plain ids without it. */
  links?: Links;
  /** The run's outcome: the headline says why it failed. */
  verdict?: Verdict;
}

export function markdownSummary(findings: readonly Finding[], ctx: SummaryContext): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const [errors, warnings, infos] = [count('error'), count('warning'), count('info')];
  const scope = `${plural(ctx.files, 'file')}, ${plural(ctx.objects, 'object')}${ctx.suppressed?.length ? `; ${ctx.suppressed.length} suppressed` : ''}`;
  const out: string[] = ['## daemonlint', ''];
  const reason = ctx.verdict ? verdictReason(ctx.verdict, findings.length > 0) : '';
  const why = reason ? ` ${reason[0]!.toUpperCase()}${reason.slice(1)}.` : '';
  if (!findings.length) out.push(`${ctx.failed ? '❌' : '✅'} No problems in ${scope}.${why}`);
  else
    out.push(
      `${ctx.failed ? '❌' : '⚠️'} ${plural(findings.length, 'problem')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')} in ${scope} (fails on: ${ctx.failOn}).${why}`,
    );
  for (const p of ctx.problems ?? []) out.push('', `> [!WARNING]\n> ${escapeCell(p)}`);
  if (findings.length) {
    out.push('', '| Severity | Location | Rule | Message |', '|---|---|---|---|');
    for (const f of findings.slice(0, MAX_SUMMARY_ROWS)) {
      const where = `${escapeCell(f.file)}:${f.line}:${f.column}`;
      const loc = ctx.blobBase && !f.file.startsWith('../') && !f.file.startsWith('/') ? `[${where}](${ctx.blobBase}${f.file.split('/').map(encodeURIComponent).join('/')}#L${f.line})` : where;
      const linked = ctx.links && !ctx.customRules?.has(f.ruleId);
      out.push(`| ${ICON[f.severity]} | ${loc} | ${linked ? `[${escapeCell(f.ruleId)}](${ctx.links!.rule(f.ruleId)})` : `\`${escapeCell(f.ruleId)}\``} | ${escapeCell(f.message)} |`);
    }
    if (findings.length > MAX_SUMMARY_ROWS) out.push('', `…and ${findings.length - MAX_SUMMARY_ROWS} more (see the annotations, the log or the SARIF file).`);
  }
  if (ctx.sarifFile) out.push('', `SARIF report: \`${escapeCell(ctx.sarifFile)}\` (upload it with \`github/codeql-action/upload-sarif\` to see the findings in code scanning).`);
  return out.join('\n') + '\n';
}
