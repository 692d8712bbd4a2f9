/**
 * The application layer of `daemonlint coverage`: load the manifests, the node inventory and the nodes to add, and
 * render the coverage of the DaemonSets. Callers (the command line) only parse options and write the output.
 */
import type { CoverageBy } from '../coverage/model.js';
import { beginRun } from '../io/read.js';
import { PathError } from '../load/files.js';
import { UsageError } from './errors.js';
import { loadInputs, loadNodes, unitPlanner } from './lint.js';

export interface CoverageRunOptions {
  paths: string[];
  cwd: string;
  stdinFilename?: string;
  readStdin: (deadline?: number) => Promise<Buffer>;
  /** Node inventory files or directories (`--nodes`). */
  nodes?: string[];
  /** Files of nodes to add (`--add-node`). */
  addNodes?: string[];
  by: CoverageBy;
  format: 'text' | 'json' | 'html';
  color: boolean;
  /** Text width; the default width when absent. */
  width?: number;
  /** Also read what .gitignore files ignore (`--no-ignore`). */
  noIgnore?: boolean;
  /** Time budget in seconds for reading the inputs (`--timeout`); none when absent. */
  timeout?: number;
}

export interface CoverageRunResult {
  output: string;
  readErrors: string[];
  /** Inputs not read within the time budget (display paths): left out of the output. */
  unfinished: string[];
}

export async function coverageRun(opts: CoverageRunOptions): Promise<CoverageRunResult> {
  const deadline = opts.timeout === undefined ? undefined : Date.now() + opts.timeout * 1000;
  // Every file read from here on (inventories, nodes to add, manifests) is an input: `-o` never overwrites one.
  beginRun();
  const nodes = await loadNodes(opts.nodes, opts.cwd, { deadline });
  const { loadAddedNodes, InventoryError } = await import('../load/inventory.js');
  let added;
  try {
    added = loadAddedNodes(opts.addNodes ?? [], opts.cwd, nodes, { deadline });
  } catch (err) {
    if (err instanceof InventoryError || err instanceof PathError) throw new UsageError(err.message);
    throw err;
  }
  const { files, readErrors, unfinished } = await loadInputs(opts.paths, { cwd: opts.cwd, stdinFilename: opts.stdinFilename, readStdin: opts.readStdin, deadline, noIgnore: opts.noIgnore });
  const { renderCoverage } = await import('../coverage/index.js');
  // DaemonSets as each deployment unit deploys them (an overlay's patches applied), one row per distinct result.
  const { units } = unitPlanner({ cwd: opts.cwd, stdinFilename: opts.stdinFilename, deadline, isIgnored: opts.noIgnore ? undefined : undefined })(files);
  const manifests = files.flatMap((f) => f.manifests);
  const output = renderCoverage(manifests, nodes, opts.format, { color: opts.color, width: opts.width, by: opts.by, added, units });
  return { output, readErrors, unfinished };
}
