/**
 * `daemonlint coverage`: a table of DaemonSets × nodes showing where each DaemonSet runs and,
 * for each node it skips, why. Without an inventory, one row per DaemonSet summarising its restrictions.
 */
import type { NodeInfo, SourceFile } from '../types.js';
import { safeJson } from '../report/sanitize.js';
import { renderHtml } from './html.js';
import { buildCoverage } from './model.js';
import { renderText } from './text.js';

export { buildCoverage, type CoverageReport, type CoverageRow, type CoverageCell, type CoverageNode } from './model.js';
export { escapeHtml } from './html.js';

export type CoverageFormat = 'text' | 'json' | 'html';

export function renderCoverage(files: SourceFile[], nodes: NodeInfo[] | undefined, format: CoverageFormat, opts: { color: boolean }): string {
  const report = buildCoverage(files, nodes);
  switch (format) {
    case 'json':
      return safeJson(JSON.stringify(report, null, 2)) + '\n';
    case 'html':
      return renderHtml(report);
    default:
      return renderText(report, opts.color);
  }
}
