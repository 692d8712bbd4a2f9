/** A self-contained HTML page (inline CSS, no scripts, no external resources) with the coverage table. */
import { safeText } from '../report/sanitize.js';
import type { CoverageReport } from './model.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; background: #fff; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.note { color: #57606a; margin: 0 0 16px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 6px 10px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
th[scope=row] { font-weight: 600; white-space: nowrap; }
td.runs { background: #dafbe1; color: #116329; font-weight: 600; }
td.skip { background: #ffebe9; color: #82071e; }
td.skip ul { margin: 4px 0 0; padding-left: 18px; font-size: 12px; font-weight: normal; }
td.count { text-align: right; white-space: nowrap; }
td.none { background: #ffebe9; color: #82071e; font-weight: 600; }
.src { color: #57606a; font-size: 12px; font-weight: normal; display: block; }
.taints { color: #57606a; font-size: 12px; font-weight: normal; display: block; }
`;

export function renderHtml(r: CoverageReport): string {
  const e = (s: string) => escapeHtml(safeText(s));
  const out: string[] = [];
  const title = 'DaemonSet coverage';
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en"><head><meta charset="utf-8">');
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  out.push(`<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>${title}</h1>`);
  const rowHead = (d: CoverageReport['daemonSets'][number]) =>
    `<th scope="row">${e(`${d.namespace}/${d.name}`)}<span class="src">${e(`${d.file}:${d.line}`)}</span></th>`;
  if (!r.daemonSets.length) {
    out.push('<p class="note">No DaemonSets found.</p>');
  } else if (!r.inventory) {
    out.push('<p class="note">No node inventory: judged from the templates alone. Pass <code>--nodes</code> for exact per-node results.</p>');
    out.push('<table id="coverage"><thead><tr><th scope="col">DaemonSet</th><th scope="col">Runs on</th><th scope="col">Tolerates</th></tr></thead><tbody>');
    for (const d of r.daemonSets) {
      out.push(`<tr data-daemonset="${e(`${d.namespace}/${d.name}`)}">${rowHead(d)}<td>${e(d.restriction)}</td><td>${e(d.tolerations)}</td></tr>`);
    }
    out.push('</tbody></table>');
  } else {
    out.push(`<p class="note">${r.daemonSets.length} DaemonSet${r.daemonSets.length === 1 ? '' : 's'} on ${r.nodes.length} node${r.nodes.length === 1 ? '' : 's'}.</p>`);
    out.push('<table id="coverage"><thead><tr><th scope="col">DaemonSet</th>');
    for (const n of r.nodes) {
      const taints = n.taints.length ? `<span class="taints">${e(n.taints.join(', '))}</span>` : '';
      out.push(`<th scope="col" data-node="${e(n.name)}">${e(n.name)}${n.os ? `<span class="taints">${e(n.os)}</span>` : ''}${taints}</th>`);
    }
    out.push('<th scope="col">Runs on</th></tr></thead><tbody>');
    for (const d of r.daemonSets) {
      out.push(`<tr data-daemonset="${e(`${d.namespace}/${d.name}`)}">${rowHead(d)}`);
      for (const c of d.cells!) {
        if (c.runs) out.push(`<td class="runs" data-node="${e(c.node)}">runs</td>`);
        else out.push(`<td class="skip" data-node="${e(c.node)}">skipped<ul>${c.reasons.map((x) => `<li>${e(x)}</li>`).join('')}</ul></td>`);
      }
      out.push(`<td class="count${d.runsOn === 0 ? ' none' : ''}">${d.runsOn} / ${r.nodes.length}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push('</body></html>');
  return out.join('\n') + '\n';
}
