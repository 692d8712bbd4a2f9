/**
 * `daemonlint coverage`: a table of DaemonSets × node groups (nodes no DaemonSet tells apart; or single nodes with
 * `by: 'node'`) showing where each DaemonSet runs and, for each group it skips, why; what nodes that would be added
 * change; without nodes, one row per DaemonSet summarising its restrictions.
 *
 * The entry point is a function of the objects of one unit and the nodes, so that callers can run it per unit.
 */
import { safeJson } from '../report/sanitize.js';
import type { Manifest, NodeInfo } from '../types.js';
import { renderHtml } from './html.js';
import { buildCoverage, type CoverageOptions } from './model.js';
import { renderText } from './text.js';

export { buildCoverage, type CoverageReport, type CoverageRow, type CoverageCell, type CoverageGroup, type CoverageOptions, type CoverageUnit, type WhatIf } from './model.js';
export { escapeHtml } from './html.js';
export { DEFAULT_WIDTH } from './layout.js';

import type { CoverageFormat } from '../types.js';

export type { CoverageFormat };

export interface RenderOptions extends CoverageOptions {
  color: boolean;
  /** Text width (the terminal's); DEFAULT_WIDTH when absent. */
  width?: number;
}

export function renderCoverage(manifests: readonly Manifest[], nodes: readonly NodeInfo[] | undefined, format: CoverageFormat, opts: RenderOptions): string {
  const report = buildCoverage(manifests, nodes, { by: opts.by, added: opts.added, units: opts.units });
  switch (format) {
    case 'json':
      return safeJson(JSON.stringify(report, null, 2)) + '\n';
    case 'html':
      return renderHtml(report);
    default:
      return renderText(report, { color: opts.color, width: opts.width });
  }
}
