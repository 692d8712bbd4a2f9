/**
 * The coverage model: for each DaemonSet of a run, the nodes it runs on and why it skips the others
 * (or, without a node inventory, a summary of its restrictions). Pure data; the renderers format it.
 */
import { analyzeTemplate, describeReason, describeTaint, placeOnNode } from '../k8s/nodes.js';
import { podTemplate, builtinKind } from '../k8s/workloads.js';
import type { NodeInfo, SourceFile } from '../types.js';

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

export function buildCoverage(files: readonly SourceFile[], nodes: readonly NodeInfo[] | undefined): CoverageReport {
  const inventory = nodes !== undefined;
  const rows: CoverageRow[] = [];
  for (const file of files) {
    for (const m of file.manifests) {
      if (builtinKind(m.ref) !== 'DaemonSet') continue;
      const t = podTemplate(m);
      const line = file.locate(m.docIndex, [...m.base, 'metadata', 'name']).line;
      const base = { namespace: m.namespace, name: m.ref.name ?? '(unnamed)', file: file.path, line };
      if (!t) {
        rows.push({
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
      rows.push(row);
    }
  }
  rows.sort((x, y) => (x.namespace + '/' + x.name).localeCompare(y.namespace + '/' + y.name) || x.file.localeCompare(y.file) || x.line - y.line);
  return {
    inventory,
    nodes: (nodes ?? []).map((n) => ({ name: n.name, taints: n.taints.map(describeTaint), os: n.labels['kubernetes.io/os'] })),
    daemonSets: rows,
  };
}
