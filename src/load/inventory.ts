/**
 * Reads a node inventory: the output of `kubectl get nodes -o yaml|json` (a List of Node)
 * or Node documents, from one or more files. Anything that is not a usable inventory is an
 * InventoryError with a one-line message naming the file.
 */
import { resolve } from 'node:path';
import type { Manifest, NodeInfo } from '../types.js';
import { builtinKind, isRecord } from '../k8s/workloads.js';
import { loadFile, PathError } from './files.js';

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

function nodeFrom(m: Manifest, where: string): NodeInfo {
  const md = m.object.metadata;
  const name = isRecord(md) ? md.name : undefined;
  const at = m.base.length ? ` (${m.base.join('.').replace(/\.(\d+)/g, '[$1]')})` : m.docIndex ? ` (document ${m.docIndex + 1})` : '';
  if (typeof name !== 'string' || name === '') throw new InventoryError(`${where}: a Node${at} has no metadata.name`);
  const labels: Record<string, string> = {};
  const rawLabels = isRecord(md) ? md.labels : undefined;
  if (rawLabels !== undefined && rawLabels !== null) {
    if (!isRecord(rawLabels)) throw new InventoryError(`${where}: node ${name}: metadata.labels is not a mapping`);
    for (const [k, v] of Object.entries(rawLabels)) {
      const s = v === null ? '' : scalar(v);
      if (s === undefined) throw new InventoryError(`${where}: node ${name}: label ${k} has a ${Array.isArray(v) ? 'list' : 'mapping'} value; label values are strings`);
      labels[k] = s;
    }
  }
  const taints: NodeInfo['taints'] = [];
  const spec = m.object.spec;
  const rawTaints = isRecord(spec) ? spec.taints : undefined;
  if (rawTaints !== undefined && rawTaints !== null) {
    if (!Array.isArray(rawTaints)) throw new InventoryError(`${where}: node ${name}: spec.taints is not a list`);
    rawTaints.forEach((t: unknown, i: number) => {
      if (!isRecord(t)) throw new InventoryError(`${where}: node ${name}: spec.taints[${i}] is not a mapping`);
      if (typeof t.key !== 'string' || t.key === '') throw new InventoryError(`${where}: node ${name}: spec.taints[${i}] has no key`);
      if (typeof t.effect !== 'string' || !TAINT_EFFECTS.includes(t.effect)) {
        throw new InventoryError(`${where}: node ${name}: spec.taints[${i}] (${t.key}) has effect ${JSON.stringify(t.effect ?? null)}; expected NoSchedule, PreferNoSchedule or NoExecute`);
      }
      const value = t.value === undefined || t.value === null ? undefined : scalar(t.value);
      if (t.value !== undefined && t.value !== null && value === undefined) throw new InventoryError(`${where}: node ${name}: spec.taints[${i}] (${t.key}) has a value that is not a string`);
      taints.push(value === undefined || value === '' ? { key: t.key, effect: t.effect } : { key: t.key, value, effect: t.effect });
    });
  }
  return { name, labels, taints, manifest: m };
}

/**
 * Load the nodes defined in the given files (paths relative to `cwd`).
 * Throws InventoryError when a file cannot be read, is not YAML/JSON, holds no Node, or holds a malformed Node.
 */
export function loadInventory(paths: string[], cwd: string, deadline?: number): NodeInfo[] {
  const nodes: NodeInfo[] = [];
  const seen = new Map<string, string>();
  for (const p of paths) {
    let file;
    try {
      file = loadFile(resolve(cwd, p), cwd, { maxBytes: MAX_INVENTORY_BYTES, deadline });
    } catch (err) {
      if (err instanceof PathError) throw new InventoryError(`node inventory: ${err.message}`);
      throw err;
    }
    const where = `node inventory ${file.path}`;
    const problem = file.problems[0];
    if (problem) throw new InventoryError(`${where}: not a YAML or JSON inventory: ${problem.message.split('\n')[0]} (line ${problem.range.line})`);
    const nodeManifests = file.manifests.filter((m) => builtinKind(m.ref) === 'Node');
    if (!nodeManifests.length) {
      const kinds = [...new Set(file.manifests.map((m) => m.ref.kind))];
      throw new InventoryError(
        `${where}: contains no Node objects${kinds.length ? ` (found ${kinds.join(', ')})` : ''}; pass the output of \`kubectl get nodes -o yaml\``,
      );
    }
    for (const m of nodeManifests) {
      const node = nodeFrom(m, where);
      const first = seen.get(node.name);
      if (first !== undefined) throw new InventoryError(`${where}: node ${node.name} is defined twice (first in ${first})`);
      seen.set(node.name, file.path);
      nodes.push(node);
    }
  }
  return nodes;
}
