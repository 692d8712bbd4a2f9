/** Machine output: a stable JSON document. */
import type { Finding } from '../types.js';
import { VERSION } from '../version.js';
import { safeJson, safeText } from './sanitize.js';
import { summarize, type ReportContext } from './summary.js';

export function formatJson(findings: readonly Finding[], ctx: ReportContext): string {
  const out = {
    version: VERSION,
    findings: findings.map((f) => {
      const o: Record<string, unknown> = {
        ruleId: f.ruleId,
        severity: f.severity,
        // Messages quote manifest values: sanitised like every report; file paths and objects stay exact (JSON escapes them).
        message: safeText(f.message),
        file: f.file,
        line: f.line,
        column: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
        path: f.path,
      };
      if (f.messageId) o.messageId = f.messageId;
      if (f.object) o.object = f.object;
      if (f.units?.length) o.units = f.units.map(safeText);
      if (f.related?.length) o.related = f.related.map((r) => ({ ...r, message: safeText(r.message) }));
      if (f.fix) o.fix = { description: f.fix.description };
      return o;
    }),
    summary: summarize(findings, ctx),
  };
  return safeJson(JSON.stringify(out, null, 2)) + '\n';
}
