/**
 * Reads a node inventory: the output of `kubectl get nodes -o yaml|json` (a List of Node), Node documents, or a
 * directory of such files; and the nodes `coverage --add-node` would add (Node manifests or a pool template).
 * Anything that is not usable is an InventoryError with a one-line message naming the file.
 */
import { basename, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { LineCounter } from 'yaml';
import type { Manifest, NodeInfo, SourceFile } from '../types.js';
import { leavesBoundary } from '../config/source.js';
import { builtinKind, isRecord } from '../k8s/workloads.js';
import { closest } from '../util/suggest.js';
import { displayPath, expandPaths, loadFile, PathError } from './files.js';
import { decodeJson, isJsonInput } from './json.js';
import { parseDocuments } from './limits.js';
import { MAX_ALIAS_COUNT, PARSE_OPTIONS } from './parse.js';

/** `kubectl get nodes -o yaml` of a cluster with thousands of nodes runs to tens of MiB: allow more than for one manifest. */
export const MAX_INVENTORY_BYTES = 128 * 1024 * 1024;

export class InventoryError extends Error {
  override name = 'InventoryError';
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Label values as kubectl would send them (strings); `what` and `label` prefix the error messages. */
function labelsFrom(raw: unknown, what: string, label: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (raw === undefined || raw === null) return labels;
  if (!isRecord(raw)) throw new InventoryError(`${what} is not a mapping`);
  for (const [k, v] of Object.entries(raw)) {
    const s = v === null ? '' : scalar(v);
    if (s === undefined) throw new InventoryError(`${label} ${k} has a ${Array.isArray(v) ? 'list' : 'mapping'} value; label values are strings`);
    labels[k] = s;
  }
  return labels;
}

/** Taints with a key and a valid effect; `what` (e.g. `… node n1: spec.taints`) prefixes the error messages. */
function taintsFrom(raw: unknown, what: string): NodeInfo['taints'] {
  const taints: NodeInfo['taints'] = [];
  if (raw === undefined || raw === null) return taints;
  if (!Array.isArray(raw)) throw new InventoryError(`${what} is not a list`);
  raw.forEach((t: unknown, i: number) => {
    if (!isRecord(t)) throw new InventoryError(`${what}[${i}] is not a mapping`);
    if (typeof t.key !== 'string' || t.key === '') throw new InventoryError(`${what}[${i}] has no key`);
    if (typeof t.effect !== 'string' || !TAINT_EFFECTS.includes(t.effect)) {
      throw new InventoryError(`${what}[${i}] (${t.key}) has effect ${JSON.stringify(t.effect ?? null)}; expected NoSchedule, PreferNoSchedule or NoExecute`);
    }
    const value = t.value === undefined || t.value === null ? undefined : scalar(t.value);
    if (t.value !== undefined && t.value !== null && value === undefined) throw new InventoryError(`${what}[${i}] (${t.key}) has a value that is not a string`);
    taints.push(value === undefined || value === '' ? { key: t.key, effect: t.effect } : { key: t.key, value, effect: t.effect });
  });
  return taints;
}

function nodeFrom(m: Manifest, where: string): NodeInfo {
  const md = m.object.metadata;
  const name = isRecord(md) ? md.name : undefined;
  const at = m.base.length ? ` (${m.base.join('.').replace(/\.(\d+)/g, '[$1]')})` : m.docIndex ? ` (document ${m.docIndex + 1})` : '';
  if (typeof name !== 'string' || name === '') throw new InventoryError(`${where}: a Node${at} has no metadata.name`);
  const labels = labelsFrom(isRecord(md) ? md.labels : undefined, `${where}: node ${name}: metadata.labels`, `${where}: node ${name}: label`);
  const spec = m.object.spec;
  const taints = taintsFrom(isRecord(spec) ? spec.taints : undefined, `${where}: node ${name}: spec.taints`);
  return { name, labels, taints, manifest: m };
}

/** What `kubectl get nodes` and `kubectl describe nodes` print instead of an inventory, named for the error message. */
function printedTable(text: string): string | undefined {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\b/.test(first)) return `the table \`kubectl get nodes${/\sLABELS\s*$/.test(first) ? ' --show-labels' : ''}\` prints`;
  if (/^Name:\s+\S+\r?\nRoles:/.test(text.replace(/^\uFEFF/, '').slice(0, 4096))) return 'the text `kubectl describe nodes` prints';
  return undefined;
}

const SAVE_HINT = 'save the inventory with `kubectl get nodes -o yaml > nodes.yaml`';

export interface InventoryReadOptions {
  /** `Date.now()` value after which reading is abandoned (InventoryError). */
  deadline?: number;
  /**
   * Every file read must be inside this folder, symbolic links resolved: the repository of a config found there that
   * named the inventory (a directory of Node manifests may hold links out of it).
   */
  within?: string;
}

function readInventoryFile(abs: string, cwd: string, label: string, opts: InventoryReadOptions): SourceFile {
  if (opts.within !== undefined && leavesBoundary(opts.within, abs)) {
    throw new InventoryError(
      `${label}: ${displayPath(abs, cwd)} leads outside the repository (${opts.within}): a config found in a repository may only name files inside it; pass a config that needs it with --config`,
    );
  }
  let file;
  try {
    // The guarded reader: regular files (and pipes this process inherited) only, up to the size limit and deadline.
    file = loadFile(abs, cwd, { maxBytes: MAX_INVENTORY_BYTES, deadline: opts.deadline, stdinHint: false });
  } catch (err) {
    if (err instanceof PathError) throw new InventoryError(`${label}: ${err.message}`);
    throw err;
  }
  const table = printedTable(file.text);
  if (table) throw new InventoryError(`${label} ${file.path}: this is ${table}, not YAML or JSON; ${SAVE_HINT}`);
  const problem = file.problems[0];
  if (problem) throw new InventoryError(`${label} ${file.path}: not a YAML or JSON inventory: ${problem.message.split('\n')[0]} (line ${problem.range.line})`);
  return file;
}

/** The files a command-line path stands for: itself, or the YAML and JSON files under a directory. */
function inventoryFiles(p: string, cwd: string, label: string): { files: string[]; directory: boolean } {
  const abs = resolve(cwd, p);
  let directory = false;
  try {
    directory = statSync(abs).isDirectory();
  } catch {
    // Reported by loadFile, with the reason.
  }
  if (!directory) return { files: [abs], directory };
  try {
    return { files: expandPaths([abs], cwd), directory };
  } catch (err) {
    if (err instanceof PathError) throw new InventoryError(`${label}: ${err.message}`);
    throw err;
  }
}

/**
 * Load the nodes defined in the given files or directories (paths relative to `cwd`). A file given by name must hold
 * Nodes; in a directory, files without a Node are skipped, but the directory must hold at least one. Throws
 * InventoryError when a file cannot be read, is not YAML/JSON, holds no Node, or holds a malformed Node.
 */
export function loadInventory(paths: string[], cwd: string, opts: InventoryReadOptions = {}): NodeInfo[] {
  const nodes: NodeInfo[] = [];
  const seen = new Map<string, string>();
  for (const p of paths) {
    const { files, directory } = inventoryFiles(p, cwd, 'node inventory');
    let found = 0;
    for (const abs of files) {
      const file = readInventoryFile(abs, cwd, 'node inventory', opts);
      const where = `node inventory ${file.path}`;
      const nodeManifests = file.manifests.filter((m) => builtinKind(m.ref) === 'Node');
      if (!nodeManifests.length) {
        if (directory) continue;
        const kinds = [...new Set(file.manifests.map((m) => m.ref.kind))];
        throw new InventoryError(`${where}: contains no Node objects${kinds.length ? ` (found ${kinds.join(', ')})` : ''}; pass the output of \`kubectl get nodes -o yaml\``);
      }
      for (const m of nodeManifests) {
        const node = nodeFrom(m, where);
        const first = seen.get(node.name);
        if (first !== undefined) throw new InventoryError(`${where}: node ${node.name} is defined twice (first in ${first})`);
        seen.set(node.name, file.path);
        nodes.push(node);
        found++;
      }
    }
    if (directory && !found) throw new InventoryError(`node inventory ${p}: no Node objects in the ${files.length} YAML or JSON file${files.length === 1 ? '' : 's'} of this directory; ${SAVE_HINT}`);
  }
  return nodes;
}

// ---------------------------------------------------------------- nodes to add (coverage --add-node)

/** Nodes `coverage --add-node` would add: the Nodes of a manifest, or `count` nodes made from a pool template. */
export interface AddedNodes {
  /** Display path of the file. */
  file: string;
  /** The template's pool name; undefined for Node manifests. */
  pool?: string;
  /** The Nodes of a manifest, or one node standing for all the nodes of a template. */
  nodes: NodeInfo[];
  /** How many nodes a template adds (1 per Node for manifests). */
  count: number;
}

/** Most nodes one template may stand for (a typo such as `count: 3000000` is an error, not a giant report). */
export const MAX_TEMPLATE_COUNT = 100_000;

const TEMPLATE_KEYS = ['name', 'count', 'labels', 'taints'];

/**
 * A pool template: a mapping with `name`, `count` (default 1), `labels` and `taints` (as in a Node's spec), and no
 * `kind`. Its nodes get names that no nodeName or matchFields term can mention.
 */
function templateFrom(value: Record<string, unknown>, file: string, where: string, fallbackName: string): AddedNodes {
  for (const k of Object.keys(value)) {
    if (TEMPLATE_KEYS.includes(k)) continue;
    const near = closest(k, TEMPLATE_KEYS);
    throw new InventoryError(`${where}: unknown key ${JSON.stringify(k)} in the pool template${near ? `; did you mean ${JSON.stringify(near)}?` : `; expected ${TEMPLATE_KEYS.join(', ')}`}`);
  }
  const name = value.name === undefined || value.name === null ? fallbackName : scalar(value.name);
  if (name === undefined || name === '') throw new InventoryError(`${where}: the pool template's name must be a non-empty string`);
  const count = value.count === undefined || value.count === null ? 1 : value.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_TEMPLATE_COUNT) {
    throw new InventoryError(`${where}: count must be a whole number from 1 to ${MAX_TEMPLATE_COUNT} (got ${JSON.stringify(count)})`);
  }
  const labels = labelsFrom(value.labels, `${where}: labels`, `${where}: label`);
  const taints = taintsFrom(value.taints, `${where}: taints`);
  return { file, pool: name, count, nodes: [{ name: `${name} (new node)`, labels, taints }] };
}

/** The documents of a file as plain values (for pool templates, which are not Kubernetes objects). */
function plainDocuments(file: SourceFile): unknown[] {
  // JSON is read as strict JSON, as the loader read it (it already reported any error).
  if (isJsonInput(file.path, file.text)) {
    const decoded = decodeJson(file.text);
    return 'values' in decoded ? decoded.values : [];
  }
  return parseDocuments(file.text, PARSE_OPTIONS, new LineCounter()).map((d) => d.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
}

/**
 * Load what each `--add-node FILE` adds: the Nodes of the file (as `kubectl get node NAME -o yaml` prints them, or
 * hand-written), or `count` nodes made from a pool template. Throws InventoryError on anything else.
 */
export function loadAddedNodes(paths: readonly string[], cwd: string, existing: readonly NodeInfo[] = [], opts: InventoryReadOptions = {}): AddedNodes[] {
  const out: AddedNodes[] = [];
  const seen = new Map<string, string>(existing.map((n) => [n.name, 'the inventory']));
  for (const p of paths) {
    const file = readInventoryFile(resolve(cwd, p), cwd, 'add-node', opts);
    const where = `add-node ${file.path}`;
    const nodeManifests = file.manifests.filter((m) => builtinKind(m.ref) === 'Node');
    if (nodeManifests.length) {
      const nodes = nodeManifests.map((m) => nodeFrom(m, where));
      for (const n of nodes) {
        const first = seen.get(n.name);
        if (first !== undefined) throw new InventoryError(`${where}: node ${n.name} is already in ${first}`);
        seen.set(n.name, file.path);
      }
      out.push({ file: file.path, nodes, count: nodes.length });
      continue;
    }
    if (file.manifests.length) {
      const kinds = [...new Set(file.manifests.map((m) => m.ref.kind))];
      throw new InventoryError(`${where}: contains no Node objects (found ${kinds.join(', ')}); give a Node manifest or a pool template (name, count, labels, taints)`);
    }
    const docs = plainDocuments(file).filter((d) => d !== null && d !== undefined);
    if (docs.length === 1 && isRecord(docs[0]) && docs[0].kind === 'Node' && docs[0].apiVersion === undefined) {
      throw new InventoryError(`${where}: the Node has no apiVersion; add apiVersion: v1`);
    }
    if (docs.length !== 1 || !isRecord(docs[0]) || 'kind' in docs[0] || 'apiVersion' in docs[0]) {
      throw new InventoryError(`${where}: neither a Node manifest nor a pool template; a pool template is one mapping with name, count, labels and taints`);
    }
    out.push(templateFrom(docs[0], file.path, where, basename(file.path).replace(/\.(ya?ml|json)$/i, '')));
  }
  return out;
}
