import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InventoryError, loadInventory } from '../src/load/inventory.js';
import { FIXTURES } from './helpers/fixtures.js';

const INVENTORIES = join(FIXTURES, 'inventories');
const tmp = mkdtempSync(join(tmpdir(), 'daemonlint-inventory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  writeFileSync(join(tmp, name), text);
  return name;
}

function failure(paths: string[]): InventoryError {
  try {
    loadInventory(paths, tmp);
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryError);
    return err as InventoryError;
  }
  throw new Error('expected an InventoryError');
}

describe('loadInventory', () => {
  it('reads `kubectl get nodes -o yaml` (a List of Node)', () => {
    const nodes = loadInventory(['mixed.yaml'], INVENTORIES);
    expect(nodes.map((n) => n.name)).toEqual(['cp-1', 'worker-1', 'win-1']);
    expect(nodes[0]!.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(nodes[0]!.labels['node-role.kubernetes.io/control-plane']).toBe('');
    expect(nodes[2]!.labels['kubernetes.io/os']).toBe('windows');
    expect(nodes[1]!.taints).toEqual([]);
    expect(nodes[1]!.manifest?.ref.kind).toBe('Node');
    expect(nodes[1]!.manifest?.file.path).toBe('mixed.yaml');
  });
  it('reads the same inventory as `-o json`', () => {
    const yaml = loadInventory(['mixed.yaml'], INVENTORIES);
    const json = loadInventory(['mixed.json'], INVENTORIES);
    expect(json.map(({ name, labels, taints }) => ({ name, labels, taints }))).toEqual(yaml.map(({ name, labels, taints }) => ({ name, labels, taints })));
  });
  it('reads Node documents, taint values and several files', () => {
    write('extra.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: edge-1, labels: {example.com/edge: "true"}}\n');
    const nodes = loadInventory([join(INVENTORIES, 'gpu.yaml'), 'extra.yaml'], tmp);
    expect(nodes.map((n) => n.name)).toEqual(['worker-1', 'gpu-1', 'worker-2', 'edge-1']);
    expect(nodes[3]!.manifest?.file.path).toBe('extra.yaml');
    const gpu = nodes.find((n) => n.name === 'gpu-1')!;
    expect(gpu.labels['nvidia.com/gpu.present']).toBe('true');
    expect(gpu.taints).toEqual([
      { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
      { key: 'example.com/maintenance-soon', effect: 'PreferNoSchedule' },
    ]);
  });
  it('returns no nodes for no paths', () => {
    expect(loadInventory([], tmp)).toEqual([]);
  });
  it('stringifies unquoted YAML 1.1 label values', () => {
    write('bool.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n  labels:\n    gpu: yes\n    cores: 8\n');
    expect(loadInventory(['bool.yaml'], tmp)[0]!.labels).toEqual({ gpu: 'true', cores: '8' });
  });

  describe('rejects invalid inventories with one line naming the file', () => {
    const cases: [string, string, string | null, RegExp][] = [
      ['missing file', 'absent.yaml', null, /^node inventory: .*absent\.yaml.*ENOENT|no such file/],
      ['not YAML', 'broken.yaml', 'apiVersion: v1\nkind: [Node\n', /^node inventory broken\.yaml: not a YAML or JSON inventory: .*\(line \d+\)$/],
      ['no Node objects', 'pods.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n', /^node inventory pods\.yaml: contains no Node objects \(found Pod\)/],
      ['empty file', 'empty.yaml', '', /^node inventory empty\.yaml: contains no Node objects;/],
      ['a Node without a name', 'noname.yaml', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {labels: {a: b}}\n', /^node inventory noname\.yaml: a Node \(items\[0\]\) has no metadata\.name$/],
      ['labels not a mapping', 'labels.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: [a, b]}\n', /node n1: metadata\.labels is not a mapping/],
      ['a label with a mapping value', 'labelval.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {a: {b: c}}}\n', /node n1: label a has a mapping value/],
      ['taints not a list', 'taints.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {taints: {key: a}}\n', /node n1: spec\.taints is not a list/],
      ['a taint without a key', 'taintkey.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {taints: [{effect: NoSchedule}]}\n', /node n1: spec\.taints\[0\] has no key/],
      ['a taint with a bad effect', 'effect.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {taints: [{key: a, effect: NoRun}]}\n', /spec\.taints\[0\] \(a\) has effect "NoRun"; expected NoSchedule, PreferNoSchedule or NoExecute/],
      ['a duplicate node', 'dup.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n', /node n1 is defined twice/],
      ['binary content', 'bin.yaml', '\u0000\u0001\u0002', /^node inventory bin\.yaml: not a YAML or JSON inventory: The file is binary/],
    ];
    for (const [what, name, text, pattern] of cases) {
      it(what, () => {
        if (text !== null) write(name, text);
        const err = failure([name]);
        expect(err.message).toMatch(pattern);
        expect(err.message).not.toContain('\n');
        expect(err.message).toContain(name);
      });
    }
  });
});
