/**
 * A self-contained HTML page (inline CSS, no scripts, no external resources) with the coverage table. It is built
 * for a laptop screen: the table scrolls inside its own box with the header row, the DaemonSet column, the "Runs on"
 * totals and the per-group totals kept in view (sticky); up to 12 groups share the width without horizontal scrolling.
 * Reasons are on demand: a skipped cell shows them on hover and links to the list below the table, where each
 * DaemonSet × group is explained once. Printed, the table is laid out flat and every section is expanded.
 */
import { safeStrings, safeText } from '../report/sanitize.js';
import type { CoverageGroup, CoverageReport } from './model.js';
import { groupDetails, nodesOf, reasonsOf } from './describe.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Text from input in an element or attribute: control and bidirectional characters as visible escapes, then escaped. */
const e = (s: string) => escapeHtml(safeText(s));

/** Groups beyond this many get a fixed minimum width (and the table scrolls sideways); up to it they share the width. */
export const SHARED_WIDTH_GROUPS = 12;

const STYLE = `
:root { --line: #d0d7de; --muted: #57606a; --head: #f6f8fa; --ds: 15rem; --total: 6rem; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; background: #fff; margin: 16px 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
p.note { color: var(--muted); margin: 0 0 12px; }
.src { color: var(--muted); font-size: 12px; font-weight: normal; display: block; overflow-wrap: anywhere; }
.scroll { overflow: auto; max-height: calc(100vh - 112px); border: 1px solid var(--line); }
#coverage { border-collapse: separate; border-spacing: 0; width: 100%; table-layout: fixed; }
#coverage col.ds { width: var(--ds); }
#coverage col.total { width: var(--total); }
#coverage th, #coverage td { border: 0 solid var(--line); border-width: 0 1px 1px 0; padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
#coverage thead th { position: sticky; top: 0; z-index: 2; background: var(--head); vertical-align: bottom; }
#coverage tfoot th, #coverage tfoot td { position: sticky; bottom: 0; z-index: 2; background: var(--head); border-top-width: 1px; font-size: 12px; }
#coverage .ds { position: sticky; left: 0; z-index: 1; background: #fff; font-weight: 600; }
#coverage .total { position: sticky; left: var(--ds); z-index: 1; background: #fff; text-align: right; white-space: nowrap; }
#coverage thead .ds, #coverage thead .total, #coverage tfoot .ds, #coverage tfoot .total { z-index: 3; background: var(--head); }
#coverage thead .total, #coverage tfoot .total { text-align: right; white-space: normal; }
#coverage th.group { padding: 4px 5px; }
#coverage.many { --ds: 13rem; --total: 5.5rem; }
#coverage .gname { display: block; font-weight: 600; font-size: 13px; }
#coverage .gcount { display: block; color: var(--muted); font-size: 12px; font-weight: normal; }
.new { display: inline-block; background: #ddf4ff; color: #0550ae; border-radius: 8px; padding: 0 6px; font-size: 11px; font-weight: 600; }
#coverage td.runs { background: #dafbe1; color: #116329; font-weight: 600; }
#coverage td.skip { background: #ffebe9; color: #82071e; }
#coverage td.skip a { color: inherit; text-decoration: underline dotted; }
#coverage td.none { background: #ffebe9; color: #82071e; font-weight: 600; }
table.legend { border-collapse: collapse; }
table.legend th, table.legend td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.legend td.n { text-align: right; white-space: nowrap; }
table.legend ul, #why ul, .what-if ul { margin: 0; padding-left: 18px; }
#why .why:target { background: #fff8c5; }
#why .why h3 { margin-bottom: 2px; }
.what-if { border: 1px solid #54aeff; background: #f6fbff; padding: 4px 16px 12px; margin: 0 0 16px; }
.what-if h2 { margin-top: 8px; }
@media print {
  @page { size: landscape; margin: 10mm; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  :root { --ds: 12rem; --total: 5rem; }
  body { margin: 0; font-size: 9pt; }
  .scroll { max-height: none; overflow: visible; border: 0; }
  #coverage { font-size: 8.5pt; }
  #coverage thead th, #coverage tfoot th, #coverage tfoot td, #coverage .ds, #coverage .total { position: static; }
  #coverage thead { display: table-header-group; }
  #coverage tr, #why .why, table.legend tr { break-inside: avoid; }
  #coverage td.skip a { text-decoration: none; }
  details > summary { display: none; }
  details::details-content { content-visibility: visible; display: block; }
}
`;

const num = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${num(n)} ${word}${n === 1 ? '' : 's'}`;

/** A DaemonSet as named on the page: with the deployment units it is deployed in as shown, when the run has several. */
const id = (d: { namespace: string; name: string; units?: string[] }) => `${d.namespace}/${d.name}${d.units ? ` (${d.units.join(', ')})` : ''}`;

export function renderHtml(report: CoverageReport): string {
  // Every string of the model (names, labels, taints, files, reasons) made safe before any is placed in the page.
  const r = safeStrings(report);
  const out: string[] = [];
  const title = 'DaemonSet coverage';
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en"><head><meta charset="utf-8">');
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  out.push(`<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>${title}</h1>`);
  const rowHead = (d: CoverageReport['daemonSets'][number]) => `<th scope="row" class="ds">${e(id(d))}<span class="src">${e(`${d.file}:${d.line}`)}</span></th>`;
  if (!r.daemonSets.length) {
    out.push('<p class="note">No DaemonSets found.</p>');
  } else if (!r.groups.length) {
    out.push('<p class="note">No node inventory: judged from the templates alone. Pass <code>--nodes</code> for exact per-node results.</p>');
    out.push('<table id="coverage"><colgroup><col class="ds"><col><col></colgroup><thead><tr><th scope="col" class="ds">DaemonSet</th><th scope="col">Runs on</th><th scope="col">Tolerates</th></tr></thead><tbody>');
    for (const d of r.daemonSets) out.push(`<tr data-daemonset="${e(id(d))}">${rowHead(d)}<td>${e(d.restriction)}</td><td>${e(d.tolerations)}</td></tr>`);
    out.push('</tbody></table>');
  } else {
    const total = r.nodes + r.addedNodes;
    const on = [r.nodes ? plural(r.nodes, 'node') : '', r.addedNodes ? plural(r.addedNodes, 'new node') : ''].filter(Boolean).join(' and ');
    const grouped = r.groups.length < total ? ` in ${plural(r.groups.length, 'group')} of nodes that no DaemonSet tells apart` : '';
    out.push(`<p class="note">${plural(r.daemonSets.length, 'DaemonSet')} on ${on}${grouped}.</p>`);
    for (const w of r.whatIf) out.push(...whatIfHtml(r, w));
    out.push(...tableHtml(r, total));
    out.push(...legendHtml(r));
    out.push(...whyHtml(r));
  }
  out.push('</body></html>');
  return out.join('\n') + '\n';
}

/**
 * Header labels: a node's name without its domain (`ip-10-0-1-17` for `ip-10-0-1-17.eu-west-1.compute.internal`) when
 * that stays unique; the full name is in the cell's title and in the legend.
 */
function headLabels(groups: readonly CoverageGroup[]): string[] {
  const short = groups.map((g) => (g.naming === 'node' ? g.name.split('.')[0]! : g.name));
  const seen = new Map<string, number>();
  for (const s of short) seen.set(s, (seen.get(s) ?? 0) + 1);
  return short.map((s, i) => (seen.get(s) === 1 ? s : groups[i]!.name));
}

function groupHead(g: CoverageGroup, i: number, label: string): string {
  const details = [...(label !== g.name ? [g.name] : []), ...groupDetails(g, false)].join('; ');
  const count = g.naming === 'node' && g.nodes === 1 ? '' : `<span class="gcount">${plural(g.nodes, 'node')}</span>`;
  const isNew = g.added ? ' <span class="new">new</span>' : '';
  return `<th scope="col" class="group" data-group="${i}"${details ? ` title="${e(details)}"` : ''}><span class="gname">${e(label)}${isNew}</span>${count}</th>`;
}

function tableHtml(r: CoverageReport, total: number): string[] {
  const out: string[] = [];
  const fixedWidths = r.groups.length > SHARED_WIDTH_GROUPS;
  const labels = headLabels(r.groups);
  out.push('<div class="scroll">');
  out.push(`<table id="coverage"${r.groups.length > 10 ? ' class="many"' : ''}${fixedWidths ? ` style="width: max(100%, calc(var(--ds) + var(--total) + ${r.groups.length} * 5rem))"` : ''}>`);
  out.push(`<colgroup><col class="ds"><col class="total">${fixedWidths ? `<col span="${r.groups.length}" style="width: 5rem">` : `<col span="${r.groups.length}">`}</colgroup>`);
  out.push(`<thead><tr><th scope="col" class="ds">DaemonSet</th><th scope="col" class="total">Runs on<span class="src">of ${num(total)} nodes</span></th>${r.groups.map((g, i) => groupHead(g, i, labels[i]!)).join('')}</tr></thead>`);
  out.push('<tbody>');
  r.daemonSets.forEach((d, di) => {
    const cells = d.cells!.map((c) => {
      if (c.runs) return `<td class="runs" data-group="${c.group}">runs</td>`;
      return `<td class="skip" data-group="${c.group}"><a href="#why-${di}" title="${e(c.reasons.join('; '))}">skipped</a></td>`;
    });
    out.push(
      `<tr data-daemonset="${e(`${d.namespace}/${d.name}`)}"><th scope="row" class="ds">${e(id(d))}<span class="src">${e(`${d.file}:${d.line}`)}</span></th><td class="total${d.runsOn === 0 ? ' none' : ''}">${num(d.runsOn!)}</td>${cells.join('')}</tr>`,
    );
  });
  out.push('</tbody>');
  const running = r.groups.map((_, gi) => r.daemonSets.filter((d) => d.cells![gi]!.runs).length);
  out.push(
    `<tfoot><tr><th scope="row" class="ds">DaemonSets running</th><td class="total">of ${num(r.daemonSets.length)}</td>${running.map((n, gi) => `<td data-group="${gi}">${num(n)}</td>`).join('')}</tr></tfoot>`,
  );
  out.push('</table></div>');
  return out;
}

function legendHtml(r: CoverageReport): string[] {
  const out: string[] = [`<section id="groups"><h2>${r.by === 'node' ? 'Nodes' : 'Node groups'}</h2>`];
  out.push('<table class="legend"><thead><tr><th scope="col">Group</th><th scope="col">Nodes</th><th scope="col">What sets it apart</th><th scope="col">Node names</th></tr></thead><tbody>');
  r.groups.forEach((g, gi) => {
    const details = groupDetails(g, false);
    const names = !g.nodeNames.length
      ? '<td>(not created yet)</td>'
      : g.nodeNames.length <= 3
        ? `<td>${e(g.nodeNames.join(', '))}</td>`
        : `<td><details><summary>${e(g.nodeNames.slice(0, 2).join(', '))} and ${num(g.nodeNames.length - 2)} more</summary><span class="names">${e(g.nodeNames.join(', '))}</span></details></td>`;
    out.push(
      `<tr id="group-${gi}" data-group="${gi}"><th scope="row">${e(g.name)}${g.added ? ' <span class="new">new</span>' : ''}</th><td class="n">${num(g.nodes)}</td><td>${details.length ? `<ul>${details.map((s) => `<li>${e(s)}</li>`).join('')}</ul>` : ''}</td>${names}</tr>`,
    );
  });
  out.push('</tbody></table></section>');
  return out;
}

function whyHtml(r: CoverageReport): string[] {
  const skipped = r.daemonSets.map((d, di) => ({ d, di })).filter(({ d }) => d.cells!.some((c) => !c.runs));
  if (!skipped.length) return [];
  const out = [`<section id="why"><h2>Why DaemonSets skip ${r.by === 'node' ? 'nodes' : 'node groups'}</h2><p class="note">Each reason once, with the ${r.by === 'node' ? 'nodes' : 'groups'} it applies to. In the table, hover over a skipped cell for its reasons, or follow it here.</p>`];
  for (const { d, di } of skipped) {
    out.push(`<div class="why" id="why-${di}"><h3>${e(id(d))} <span class="src">${e(`${d.file}:${d.line}`)}</span></h3><ul>`);
    // Each reason once, with the groups it keeps the DaemonSet off.
    for (const { reasons, groups } of reasonsOf(d)) {
      const nodes = nodesOf(groups.map((gi) => r.groups[gi]!));
      const where = groups.map((gi) => `<span class="g" data-group="${gi}">${e(r.groups[gi]!.name)}</span>`).join(', ');
      out.push(`<li><b>${where}</b>${nodes ? ` (${e(nodes)})` : ''}: ${e(reasons.join('; '))}</li>`);
    }
    out.push('</ul></div>');
  }
  out.push('</section>');
  return out;
}

function whatIfHtml(r: CoverageReport, w: CoverageReport['whatIf'][number]): string[] {
  const g = r.groups[w.group]!;
  const out = [`<section class="what-if" id="what-if-${w.group}" data-group="${w.group}"><h2>If ${plural(g.nodes, 'node')} of ${e(g.name)} ${g.nodes === 1 ? 'is' : 'are'} added</h2><p class="note">From ${e(g.source ?? '')}.</p>`];
  out.push(`<h3>${plural(w.runs.length, 'DaemonSet')} will run there</h3>`);
  if (w.runs.length) out.push(`<ul class="runs">${w.runs.map((s) => `<li>${e(s)}</li>`).join('')}</ul>`);
  if (w.skips.length) {
    out.push(`<h3>${plural(w.skips.length, 'DaemonSet')} will not run there</h3><ul class="skips">`);
    for (const s of w.skips) out.push(`<li><b>${e(s.daemonSet)}</b>: ${e(s.reasons.join('; '))}</li>`);
    out.push('</ul>');
  }
  if (w.services.length) {
    out.push(`<h3>${w.services.length === 1 ? '1 node-local Service' : `${num(w.services.length)} node-local Services`} would drop traffic from these nodes</h3><ul class="services">`);
    for (const s of w.services) {
      const ds = s.daemonSets.length === 1 ? `DaemonSet ${s.daemonSets[0]} does not run there` : `none of DaemonSets ${s.daemonSets.join(', ')} runs there`;
      out.push(`<li><b>${e(`${s.namespace}/${s.name}`)}</b> (<code>${e(s.field)}: Local</code>, ${e(`${s.file}:${s.line}`)}): ${e(ds)}; with no local endpoint and no fallback, connections are dropped.</li>`);
    }
    out.push('</ul>');
  } else out.push('<p>No node-local Service would lose its local endpoint on these nodes.</p>');
  out.push('</section>');
  return out;
}
