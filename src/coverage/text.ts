/** Plain-text coverage table for terminals. */
import { safeText } from '../report/sanitize.js';
import type { CoverageReport } from './model.js';

const ANSI = { green: '\u001b[32m', red: '\u001b[31m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - [...s].length));
}

export function renderText(r: CoverageReport, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `${code}${s}${ANSI.reset}` : s);
  const lines: string[] = [];
  // Names, files and reasons come from the manifests and the inventory: made safe to print.
  const id = (d: { namespace: string; name: string }) => safeText(`${d.namespace}/${d.name}`);
  if (!r.daemonSets.length) return 'No DaemonSets found.\n';

  if (!r.inventory) {
    lines.push(paint(ANSI.bold, `DaemonSet coverage of ${r.daemonSets.length} DaemonSet${r.daemonSets.length === 1 ? '' : 's'}`));
    lines.push(paint(ANSI.dim, 'No node inventory: judged from the templates alone. Pass --nodes (kubectl get nodes -o yaml) for exact per-node results.'));
    lines.push('');
    const head = ['DaemonSet', 'Runs on', 'Tolerates', 'Defined at'];
    const body = r.daemonSets.map((d) => [id(d), safeText(d.restriction), safeText(d.tolerations), `${safeText(d.file)}:${d.line}`]);
    const widths = head.map((h, i) => Math.max([...h].length, ...body.map((row) => [...row[i]!].length)));
    lines.push(paint(ANSI.bold, head.map((h, i) => pad(h, widths[i]!)).join('  ').trimEnd()));
    for (const row of body) lines.push(row.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd());
    return lines.join('\n') + '\n';
  }

  const nodeNames = r.nodes.map((n) => safeText(n.name));
  lines.push(paint(ANSI.bold, `DaemonSet coverage on ${r.nodes.length} node${r.nodes.length === 1 ? '' : 's'}`));
  lines.push('');
  const nameWidth = Math.max('DaemonSet'.length, ...r.daemonSets.map((d) => [...id(d)].length));
  const colWidths = nodeNames.map((n) => Math.max([...n].length, 4));
  lines.push(paint(ANSI.bold, [pad('DaemonSet', nameWidth), ...nodeNames.map((n, i) => pad(n, colWidths[i]!)), 'runs on'].join('  ')));
  for (const d of r.daemonSets) {
    const cells = d.cells!.map((c, i) => {
      const text = pad(c.runs ? 'yes' : 'no', colWidths[i]!);
      return c.runs ? paint(ANSI.green, text) : paint(ANSI.red, text);
    });
    const count = `${d.runsOn}/${r.nodes.length}`;
    lines.push([pad(id(d), nameWidth), ...cells, d.runsOn === 0 ? paint(ANSI.red, count) : count].join('  '));
  }
  const skipped = r.daemonSets.filter((d) => d.cells!.some((c) => !c.runs));
  if (skipped.length) {
    lines.push('');
    lines.push(paint(ANSI.bold, 'Skipped nodes'));
    for (const d of skipped) {
      lines.push(`  ${id(d)} ${paint(ANSI.dim, `(${safeText(d.file)}:${d.line})`)}`);
      for (const c of d.cells!) if (!c.runs) lines.push(`    ${safeText(c.node)}: ${safeText(c.reasons.join('; '))}`);
    }
  }
  return lines.join('\n') + '\n';
}
