/** Human output: findings grouped by file, `line:col  severity  message  rule-id`, then a summary line. */
import type { Finding } from '../types.js';
import { safeLineStart, safeText } from './sanitize.js';
import { plural, summarize, type ReportContext } from './summary.js';

const COLORS = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, underline: 4, green: 32 } as const;

export function formatText(findings: readonly Finding[], ctx: ReportContext): string {
  const paint = (c: keyof typeof COLORS, s: string) => (ctx.color ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  const sevLabel = (f: Finding) =>
    f.severity === 'error' ? paint('red', 'error  ') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'info   ');
  const lines: string[] = [];
  let current: string | undefined;
  const posWidth = Math.max(0, ...findings.map((f) => `${f.line}:${f.column}`.length));
  for (const f of findings) {
    if (f.file !== current) {
      if (current !== undefined) lines.push('');
      lines.push(paint('underline', safeLineStart(f.file)));
      current = f.file;
    }
    const pos = `${f.line}:${f.column}`.padEnd(posWidth);
    lines.push(`  ${paint('gray', pos)}  ${sevLabel(f)}  ${safeText(f.message)}  ${paint('gray', f.ruleId)}`);
    for (const r of f.related ?? []) lines.push(`  ${' '.repeat(posWidth)}           ${paint('gray', `↳ ${safeText(r.file)}:${r.line}:${r.column} ${safeText(r.message)}`)}`);
  }
  const s = summarize(findings, ctx);
  const total = s.errors + s.warnings + s.infos;
  const scope = `${plural(s.files, 'file')}, ${plural(s.objects, 'object')}`;
  const waived = s.suppressed ? `; ${s.suppressed} suppressed` : '';
  if (lines.length) lines.push('');
  if (total === 0) lines.push(paint('green', `✔ no problems (${scope}${waived})`));
  else {
    const line = `✖ ${plural(total, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}) in ${scope}${waived}`;
    lines.push(paint(s.errors ? 'red' : 'yellow', paint('bold', line)));
  }
  return lines.join('\n') + '\n';
}
