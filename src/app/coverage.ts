/**
 * The application layer of `daemonlint coverage`: load the manifests, the node inventory and the nodes to add, and
 * render the coverage of the DaemonSets. Callers (the command line) only parse options and write the output.
 */
import type { CoverageBy } from '../coverage/model.js';
import { PathError } from '../load/files.js';
import { UsageError } from './errors.js';
import { loadInputs, loadNodes } from './lint.js';

export interface CoverageRunOptions {
  paths: string[];
  cwd: string;
  stdinFilename?: string;
  readStdin: () => Promise<Buffer>;
  /** Node inventory files or directories (`--nodes`). */
  nodes?: string[];
  /** Files of nodes to add (`--add-node`). */
  addNodes?: string[];
  by: CoverageBy;
  format: 'text' | 'json' | 'html';
  color: boolean;
  /** Text width; the default width when absent. */
  width?: number;
}

export async function coverageRun(opts: CoverageRunOptions): Promise<{ output: string; readErrors: string[] }> {
  const nodes = await loadNodes(opts.nodes, opts.cwd);
  const { loadAddedNodes, InventoryError } = await import('../load/inventory.js');
  let added;
  try {
    added = loadAddedNodes(opts.addNodes ?? [], opts.cwd, nodes);
  } catch (err) {
    if (err instanceof InventoryError || err instanceof PathError) throw new UsageError(err.message);
    throw err;
  }
  const { files, readErrors } = await loadInputs(opts.paths, { cwd: opts.cwd, stdinFilename: opts.stdinFilename, readStdin: opts.readStdin });
  const { renderCoverage } = await import('../coverage/index.js');
  // One unit for now: every object of the run.
  const manifests = files.flatMap((f) => f.manifests);
  const output = renderCoverage(manifests, nodes, opts.format, { color: opts.color, width: opts.width, by: opts.by, added });
  return { output, readErrors };
}
