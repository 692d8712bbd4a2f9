/**
 * Human output: findings grouped by file, `line:col  severity  message  rule-id`, related locations below them, then
 * a summary line that agrees with the exit code and says why. On a terminal (a width is given) messages wrap to it
 * with a hanging indent under the message column.
 */
import { verdictReason } from '../app/verdict.js';
import type { Finding } from '../types.js';
import { safeLineStart, safeText } from './sanitize.js';
import { plural, summarize, type ReportContext } from './summary.js';

const COLORS = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, underline: 4, green: 32 } as const;

/** Below this many columns for the message, wrapping would make a narrow ribbon: lines are left long. */
const MIN_WRAP = 30;

/** Columns a string takes (code points; manifest text is sanitised first, so no control characters). */
const columns = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Break `words` into lines of at most `width` columns (a word longer than that gets a line of its own, unbroken).
 * Linear in the text's length.
 */
export function wrapWords(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const w of words) {
    const n = columns(w);
    if (line && used + 1 + n > width) {
      lines.push(line);
      line = '';
      used = 0;
    }
    line = line ? `${line} ${w}` : w;
    used += (used ? 1 : 0) + n;
  }
  if (line) lines.push(line);
  return lines;
}

export function formatText(findings: readonly Finding[], ctx: ReportContext): string {
  const paint = (c: keyof typeof COLORS, s: string) => (ctx.color ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  const sevLabel = (f: Finding) =>
    f.severity === 'error' ? paint('red', 'error  ') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'info   ');
  const lines: string[] = [];
  let current: string | undefined;
  // A loop, not Math.max(...): a spread of hundreds of thousands of arguments overflows the stack.
  let posWidth = 0;
  for (const f of findings) posWidth = Math.max(posWidth, `${f.line}:${f.column}`.length);
  // `  pos  severity  ` before each message.
  const indent = ' '.repeat(2 + posWidth + 2 + 7 + 2);
  const room = ctx.width !== undefined ? ctx.width - indent.length : 0;
  const wrap = room >= MIN_WRAP;
  for (const f of findings) {
    if (f.file !== current) {
      if (current !== undefined) lines.push('');
      lines.push(paint('underline', safeLineStart(f.file)));
      current = f.file;
    }
    const pos = `${f.line}:${f.column}`.padEnd(posWidth);
    const head = `  ${paint('gray', pos)}  ${sevLabel(f)}  `;
    const message = safeText(f.message);
    if (!wrap) lines.push(`${head}${message}  ${paint('gray', f.ruleId)}`);
    else {
      // The rule id ends the last line, two spaces after the message, or goes on a line of its own.
      const body = wrapWords(message.split(' '), room);
      const last = body.length - 1;
      const withId = columns(body[last] ?? '') + 2 + f.ruleId.length <= room;
      body.forEach((l, i) => lines.push(`${i ? indent : head}${l}${i === last && withId ? `  ${paint('gray', f.ruleId)}` : ''}`));
      if (!withId) lines.push(`${indent}${paint('gray', f.ruleId)}`);
    }
    for (const r of f.related ?? []) {
      const text = `↳ ${safeText(r.file)}:${r.line}:${r.column} ${safeText(r.message)}`;
      if (!wrap) lines.push(`${indent}${paint('gray', text)}`);
      else wrapWords(text.split(' '), room - 2).forEach((l, i) => lines.push(`${indent}${i ? '  ' : ''}${paint('gray', l)}`));
    }
  }
  if (lines.length) lines.push('');
  lines.push(summaryLine(findings, ctx));
  return lines.join('\n') + '\n';
}

/** The last line of a text report: the counts, and whether and why the run passed or failed. */
export function summaryLine(findings: readonly Finding[], ctx: ReportContext): string {
  const paint = (c: keyof typeof COLORS, s: string) => (ctx.color ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  const s = summarize(findings, ctx);
  const total = s.errors + s.warnings + s.infos;
  const scope = `${plural(s.files, 'file')}, ${plural(s.objects, 'object')}`;
  const waived = s.suppressed ? `; ${s.suppressed} suppressed` : '';
  const v = ctx.verdict;
  const reason = v ? verdictReason(v, total > 0) : '';
  const failed = v ? v.exitCode !== 0 : total > 0;
  const counts = total
    ? `${plural(total, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}) in ${scope}${waived}`
    : `no problems${v?.hidden ? ' shown' : v?.exitCode === 2 ? ' found' : ''} (${scope}${waived})`;
  const summary = `${failed ? '✖' : '✔'} ${counts}${reason ? `; ${reason}` : ''}`;
  if (failed) return paint(s.errors || v?.exitCode === 2 ? 'red' : 'yellow', paint('bold', summary));
  return paint(total ? 'yellow' : 'green', summary);
}
