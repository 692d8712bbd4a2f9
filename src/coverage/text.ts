/**
 * Plain-text coverage for terminals, within a width: a DaemonSet × group table (group names as headers when they
 * fit, else keys explained below it; split into bands when even keys do not fit), the groups, why DaemonSets skip
 * groups (once per DaemonSet × group) and, for added nodes, what would change.
 */
import { bandedTable, columnKeys, DEFAULT_WIDTH, hang, MIN_WIDTH, pad, truncate, widthOf, type TableColumn } from './layout.js';
import { groupDetails, nodesOf, plural, reasonsOf } from './describe.js';
import { safeLineStarts, safeStrings } from '../report/sanitize.js';
import type { CoverageReport } from './model.js';

const ANSI = { green: '\u001b[32m', red: '\u001b[31m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

export interface TextOptions {
  color: boolean;
  /** Line width (default DEFAULT_WIDTH). */
  width?: number;
}

/** A DaemonSet as named in the text: with its deployment units when the run has several. */
const idOf = (d: { namespace: string; name: string; units?: string[] }) => `${d.namespace}/${d.name}${d.units ? ` (${d.units.join(', ')})` : ''}`;

export function renderText(report: CoverageReport, opts: TextOptions): string {
  // Names, labels, taints, files and reasons come from the manifests and the inventory: every string made safe to
  // print (widths are measured on what is printed), and no line may start like a CI workflow command.
  return safeLineStarts(textOf(safeStrings(report), opts));
}

function textOf(r: CoverageReport, opts: TextOptions): string {
  const width = Math.max(MIN_WIDTH, opts.width ?? DEFAULT_WIDTH);
  const paint = (code: string, s: string) => (opts.color ? `${code}${s}${ANSI.reset}` : s);
  const bold = (s: string) => paint(ANSI.bold, s);
  const dim = (s: string) => paint(ANSI.dim, s);
  const lines: string[] = [];
  const para = (first: string, text: string, indent: number) => lines.push(...hang(first, text, width, indent));
  /** `prefix name (file:line)` on one line, painted, when it fits; wrapped and unpainted otherwise. */
  const plainOrWrapped = (prefix: string, name: string, where: string, indent: number, a: (s: string) => string, b: (s: string) => string) => {
    if (widthOf(prefix) + widthOf(name) + 1 + widthOf(where) <= width) lines.push(`${prefix}${a(name)} ${b(where)}`);
    else para(prefix, `${name} ${where}`, indent);
  };
  if (!r.daemonSets.length) return 'No DaemonSets found.\n';

  if (!r.groups.length) {
    lines.push(bold(`DaemonSet coverage of ${plural(r.daemonSets.length, 'DaemonSet')}`));
    for (const l of hang('', 'No node inventory: judged from the templates alone. Pass --nodes (kubectl get nodes -o yaml) for exact per-node results.', width, 0)) lines.push(dim(l));
    lines.push('');
    const head = ['DaemonSet', 'Runs on', 'Tolerates', 'Defined at'];
    const body = r.daemonSets.map((d) => [idOf(d), d.restriction, d.tolerations, `${d.file}:${d.line}`]);
    const widths = head.map((h, i) => Math.max(widthOf(h), ...body.map((row) => widthOf(row[i]!))));
    if (widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) <= width) {
      lines.push(bold(head.map((h, i) => pad(h, widths[i]!)).join('  ').trimEnd()));
      for (const row of body) lines.push(row.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd());
    } else {
      // Too wide for a table of free-text columns: one block per DaemonSet.
      for (const d of r.daemonSets) {
        plainOrWrapped('', idOf(d), `(${d.file}:${d.line})`, 4, bold, dim);
        para('  runs on: ', d.restriction, 4);
        para('  tolerates: ', d.tolerations, 4);
      }
    }
    return lines.join('\n') + '\n';
  }

  const total = r.nodes + r.addedNodes;
  const what = [r.nodes ? plural(r.nodes, 'node') : '', r.addedNodes ? `${plural(r.addedNodes, 'new node')}` : ''].filter(Boolean).join(' and ');
  const grouped = r.groups.length < total ? ` in ${plural(r.groups.length, 'group')}` : '';
  lines.push(bold(`DaemonSet coverage on ${what}${grouped}`));
  lines.push('');

  // Columns: group names when the whole table fits with them, else keys explained in the legend.
  const ids = r.daemonSets.map(idOf);
  const counts = r.daemonSets.map((d) => `${d.runsOn}/${total}`);
  const runsWidth = Math.max('runs on'.length, ...counts.map(widthOf));
  const idWidth = Math.max('DaemonSet'.length, ...ids.map(widthOf));
  const names = r.groups.map((g) => g.name + (g.added ? ' (new)' : ''));
  const namesFit = idWidth + 2 + runsWidth + names.reduce((n, s) => n + 2 + Math.max(3, widthOf(s)), 0) <= width;
  const keys = namesFit ? names : columnKeys(r.groups.length);
  const keyWidth = Math.max(3, ...keys.map(widthOf));
  // Keep the DaemonSet names whole when the table fits; otherwise shorten them, down to 16 characters.
  const idRoom = namesFit ? idWidth : Math.max(Math.min(idWidth, 16), Math.min(idWidth, width - 2 - runsWidth - r.groups.length * (keyWidth + 2)));
  const fixed: TableColumn[] = [
    { header: 'DaemonSet', cells: ids.map((s) => truncate(s, idRoom)) },
    {
      header: 'runs on',
      cells: counts,
      align: 'right',
      paint: (s, row) => (r.daemonSets[row]!.runsOn === 0 ? paint(ANSI.red, s) : s),
    },
  ];
  const columns: TableColumn[] = r.groups.map((_, gi) => ({
    header: keys[gi]!,
    cells: r.daemonSets.map((d) => (d.cells![gi]!.runs ? 'yes' : 'no')),
    paint: (s, row) => paint(r.daemonSets[row]!.cells![gi]!.runs ? ANSI.green : ANSI.red, s),
  }));
  lines.push(...bandedTable(fixed, columns, width, bold));

  // The legend: always when the headers are keys; when groups hold several nodes or are new, to say what they are.
  if (!namesFit || r.groups.some((g) => g.naming !== 'node' || g.added)) {
    lines.push('');
    lines.push(bold(r.by === 'node' ? 'Nodes' : 'Node groups'));
    const nameWidth = Math.min(Math.floor(width * 0.4), Math.max(...r.groups.map((g) => widthOf(g.name))));
    const countWidth = Math.max(...r.groups.map((g) => widthOf(plural(g.nodes, 'node'))));
    r.groups.forEach((g, gi) => {
      const head = namesFit ? `  ${pad(g.name, nameWidth)}  ` : `  ${pad(keys[gi]!, keyWidth)}  ${pad(g.name, nameWidth)}  `;
      const first = `${head}${pad(plural(g.nodes, 'node'), countWidth)}  `;
      const details = groupDetails(g).join('; ');
      const indent = widthOf(first) <= width / 2 ? widthOf(first) : 6;
      if (widthOf(first) > width) {
        para(`  ${namesFit ? '' : `${keys[gi]}  `}`, `${g.name} ${plural(g.nodes, 'node')}`, 6);
        para(' '.repeat(6), details, 6);
      } else para(first, details, indent);
    });
  }

  const skipped = r.daemonSets.filter((d) => d.cells!.some((c) => !c.runs));
  if (skipped.length) {
    lines.push('');
    lines.push(bold(r.by === 'node' ? 'Why DaemonSets skip nodes' : 'Why DaemonSets skip node groups'));
    for (const d of skipped) {
      plainOrWrapped('  ', idOf(d), `(${d.file}:${d.line})`, 4, (x) => x, dim);
      // Each reason once, with the groups it keeps the DaemonSet off.
      for (const { reasons, groups } of reasonsOf(d)) {
        const nodes = nodesOf(groups.map((gi) => r.groups[gi]!));
        const where = groups.map((gi) => r.groups[gi]!.name).join(', ');
        para('    ', `${nodes ? `${where} (${nodes})` : where}: ${reasons.join('; ')}`, 6);
      }
    }
  }

  for (const w of r.whatIf) lines.push('', ...whatIfText(r, w.group, width, bold));
  return lines.join('\n') + '\n';
}

function whatIfText(r: CoverageReport, group: number, width: number, bold: (s: string) => string): string[] {
  const w = r.whatIf.find((x) => x.group === group)!;
  const g = r.groups[group]!;
  const lines: string[] = [];
  const para = (first: string, text: string, indent: number) => lines.push(...hang(first, text, width, indent));
  for (const l of hang('', `If ${plural(g.nodes, 'node')} of ${g.name} ${g.nodes === 1 ? 'is' : 'are'} added (${g.source}):`, width, 2)) lines.push(bold(l));
  para('  ', `${plural(w.runs.length, 'DaemonSet')} will run there${w.runs.length ? `: ${w.runs.join(', ')}` : ''}.`, 4);
  if (w.skips.length) {
    para('  ', `${plural(w.skips.length, 'DaemonSet')} will not run there:`, 4);
    for (const s of w.skips) para('    ', `${s.daemonSet}: ${s.reasons.join('; ')}`, 6);
  }
  if (w.services.length) {
    para('  ', `${w.services.length === 1 ? '1 node-local Service' : `${w.services.length} node-local Services`} would drop traffic from these nodes (no local endpoint, no fallback):`, 4);
    for (const s of w.services) {
      para('    ', `${s.namespace}/${s.name} (${s.field}: Local, ${s.file}:${s.line}): ${s.daemonSets.length === 1 ? `DaemonSet ${s.daemonSets[0]} does not run there` : `none of DaemonSets ${s.daemonSets.join(', ')} runs there`}`, 6);
    }
  } else {
    para('  ', 'No node-local Service would lose its local endpoint on these nodes.', 4);
  }
  return lines;
}
