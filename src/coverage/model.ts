/**
 * The coverage model: for each DaemonSet of a run, the nodes it runs on and why it skips the others
 * (or, without a node inventory, a summary of its restrictions). Pure data; the renderers format it.
 */
import { analyzeTemplate, describeReason, describeTaint, placeOnNode } from '../k8s/nodes.js';
import { podTemplate } from '../k8s/workloads.js';
import { originOf } from '../units/trace.js';
import type { Manifest, NodeInfo, SourceFile } from '../types.js';

export interface CoverageCell {
  node: string;
  runs: boolean;
  /** Why the DaemonSet skips the node (empty when it runs there). */
  reasons: string[];
}

export interface CoverageRow {
  namespace: string;
  name: string;
  file: string;
  line: number;
  /** Node restriction summary: `every node` or e.g. `nodeSelector kubernetes.io/os=linux`. */
  restriction: string;
  restricted: boolean;
  tolerations: string;
  toleratesEverything: boolean;
  toleratesControlPlane: boolean;
  /** One cell per inventory node, in inventory order (only with an inventory). */
  cells?: CoverageCell[];
  /** Number of inventory nodes it runs on (only with an inventory). */
  runsOn?: number;
  /** The deployment units it is deployed in, when the run has more than one (see src/units). */
  units?: string[];
}

export interface CoverageNode {
  name: string;
  taints: string[];
  os?: string;
}

export interface CoverageReport {
  inventory: boolean;
  nodes: CoverageNode[];
  daemonSets: CoverageRow[];
}

/**
 * The coverage of the DaemonSets of `files`, or, given the run's deployment units, of each unit's DaemonSets as
 * deployed there (a Kustomize overlay's, with its patches); a DaemonSet deployed alike in several units is one row.
 */
export function buildCoverage(files: readonly SourceFile[], nodes: readonly NodeInfo[] | undefined, units?: readonly { name: string; manifests: readonly Manifest[] }[]): CoverageReport {
  const inventory = nodes !== undefined;
  const rows: CoverageRow[] = [];
  const named = !!units && units.length > 1;
  const groups = units ?? [{ name: '', manifests: files.flatMap((f) => f.manifests) }];
  const seen = new Map<string, CoverageRow>();
  for (const unit of groups) {
    for (const m of unit.manifests) {
      if (m.ref.kind !== 'DaemonSet') continue;
      const t = podTemplate(m);
      const at = originOf(m, ['metadata', 'name']);
      const line = at.file.locate(at.docIndex, [...at.base, ...at.path]).line;
      const base = { namespace: m.namespace, name: m.ref.name ?? '(unnamed)', file: at.file.path, line };
      const key = JSON.stringify([base, m.trace ? m.object : m.file.path]);
      const had = seen.get(key);
      if (had) {
        if (named && !had.units!.includes(unit.name)) had.units!.push(unit.name);
        continue;
      }
      const add = (row: CoverageRow) => {
        if (named) row.units = [unit.name];
        seen.set(key, row);
        rows.push(row);
      };
      if (!t) {
        add({
          ...base,
          restriction: 'no Pod template',
          restricted: false,
          tolerations: '',
          toleratesEverything: false,
          toleratesControlPlane: false,
          ...(inventory ? { cells: nodes.map((n) => ({ node: n.name, runs: false, reasons: ['the DaemonSet has no Pod template'] })), runsOn: 0 } : {}),
        });
        continue;
      }
      const a = analyzeTemplate(t);
      const row: CoverageRow = {
        ...base,
        restriction: a.summary,
        restricted: a.restricted,
        tolerations: a.tolerationSummary,
        toleratesEverything: a.toleratesEverything,
        toleratesControlPlane: a.toleratesControlPlane,
      };
      if (inventory) {
        row.cells = nodes.map((n) => {
          const p = placeOnNode(a.constraints, n, true);
          return { node: n.name, runs: p.runs, reasons: p.reasons.map(describeReason) };
        });
        row.runsOn = row.cells.filter((c) => c.runs).length;
      }
      add(row);
    }
  }
  for (const r of rows) if (r.units) r.units.sort();
  rows.sort((x, y) => (x.namespace + '/' + x.name).localeCompare(y.namespace + '/' + y.name) || x.file.localeCompare(y.file) || x.line - y.line);
  return {
    inventory,
    nodes: (nodes ?? []).map((n) => ({ name: n.name, taints: n.taints.map(describeTaint), os: n.labels['kubernetes.io/os'] })),
    daemonSets: rows,
  };
}
