import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InventoryError, loadAddedNodes, loadInventory, MAX_TEMPLATE_COUNT } from '../src/load/inventory.js';
import { generateInventory } from './helpers/cluster.js';
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

  it('reads a generated `-o json` inventory of 1,000 nodes like its `-o yaml` twin', () => {
    write('big.yaml', generateInventory({ nodes: 1000, pools: 10, status: true }));
    write('big.json', generateInventory({ nodes: 1000, pools: 10, status: true, format: 'json' }));
    const yaml = loadInventory(['big.yaml'], tmp);
    const json = loadInventory(['big.json'], tmp);
    expect(yaml).toHaveLength(1000);
    expect(json.map(({ name, labels, taints }) => ({ name, labels, taints }))).toEqual(yaml.map(({ name, labels, taints }) => ({ name, labels, taints })));
  });

  it('reads a directory of Node manifests, skipping files without Nodes', () => {
    mkdirSync(join(tmp, 'nodes', 'more'), { recursive: true });
    write('nodes/a.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: a}\n');
    write('nodes/more/b.json', JSON.stringify({ apiVersion: 'v1', kind: 'NodeList', items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' } }] }));
    write('nodes/kustomization.yaml', 'resources: [a.yaml]\n');
    write('nodes/README.md', '# not read\n');
    expect(loadInventory(['nodes'], tmp).map((n) => n.name)).toEqual(['a', 'b']);
    mkdirSync(join(tmp, 'empty-dir'));
    write('empty-dir/pods.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n');
    expect(failure(['empty-dir']).message).toBe('node inventory empty-dir: no Node objects in the 1 YAML or JSON file of this directory; save the inventory with `kubectl get nodes -o yaml > nodes.yaml`');
  });

  describe('recognises what kubectl prints for people, and names the command that prints an inventory', () => {
    const cases: [string, string, RegExp][] = [
      [
        'show-labels.txt',
        'NAME       STATUS   ROLES           AGE   VERSION   LABELS\ncp-1       Ready    control-plane   10d   v1.33.5   kubernetes.io/os=linux,node-role.kubernetes.io/control-plane=\n',
        /^node inventory show-labels\.txt: this is the table `kubectl get nodes --show-labels` prints, not YAML or JSON; save the inventory with `kubectl get nodes -o yaml > nodes\.yaml`$/,
      ],
      ['wide.txt', 'NAME   STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE\nw-1    Ready    <none>   3d    v1.33.5   10.0.0.4      <none>        Ubuntu\n', /this is the table `kubectl get nodes` prints, not YAML or JSON/],
      ['describe.txt', 'Name:               cp-1\nRoles:              control-plane\nLabels:             kubernetes.io/os=linux\n', /this is the text `kubectl describe nodes` prints/],
    ];
    for (const [name, text, pattern] of cases) {
      it(name, () => {
        write(name, text);
        const err = failure([name]);
        expect(err.message).toMatch(pattern);
        expect(err.message).not.toContain('\n');
      });
    }
  });
});

describe('loadAddedNodes', () => {
  it('reads a pool template: one node standing for `count`, with labels and taints', () => {
    write('pool.yaml', 'name: gpu-a100\ncount: 300\nlabels: {nvidia.com/gpu.present: "true", cores: 8}\ntaints: [{key: nvidia.com/gpu, value: present, effect: NoSchedule}]\n');
    expect(loadAddedNodes(['pool.yaml'], tmp)).toEqual([
      {
        file: 'pool.yaml',
        pool: 'gpu-a100',
        count: 300,
        nodes: [{ name: 'gpu-a100 (new node)', labels: { 'nvidia.com/gpu.present': 'true', cores: '8' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] }],
      },
    ]);
    write('bare.yaml', 'labels: {a: b}\n');
    expect(loadAddedNodes(['bare.yaml'], tmp)[0]).toMatchObject({ pool: 'bare', count: 1 });
  });

  it('reads Node manifests, which must not repeat inventory nodes', () => {
    write('new-nodes.yaml', 'apiVersion: v1\nkind: Node\nmetadata: {name: n9, labels: {a: b}}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n10}\n');
    const [added] = loadAddedNodes(['new-nodes.yaml'], tmp);
    expect(added).toMatchObject({ file: 'new-nodes.yaml', count: 2 });
    expect(added!.pool).toBeUndefined();
    expect(added!.nodes.map((n) => n.name)).toEqual(['n9', 'n10']);
    expect(() => loadAddedNodes(['new-nodes.yaml'], tmp, [{ name: 'n10', labels: {}, taints: [] }])).toThrow('add-node new-nodes.yaml: node n10 is already in the inventory');
  });

  describe('rejects anything else in one line naming the file', () => {
    const cases: [string, string, string, RegExp][] = [
      ['a misspelt key', 'typo.yaml', 'name: p\nlables: {a: b}\n', /^add-node typo\.yaml: unknown key "lables" in the pool template; did you mean "labels"\?$/],
      ['a count of zero', 'zero.yaml', 'count: 0\n', /^add-node zero\.yaml: count must be a whole number from 1 to 100000 \(got 0\)$/],
      ['a huge count', 'huge.yaml', `count: ${MAX_TEMPLATE_COUNT + 1}\n`, /count must be a whole number from 1 to 100000/],
      ['a fractional count', 'half.yaml', 'count: 2.5\n', /count must be a whole number/],
      ['a bad taint', 'taint.yaml', 'taints: [{key: a, effect: Never}]\n', /^add-node taint\.yaml: taints\[0\] \(a\) has effect "Never"; expected NoSchedule, PreferNoSchedule or NoExecute$/],
      ['labels that are a list', 'labels.yaml', 'labels: [a, b]\n', /^add-node labels\.yaml: labels is not a mapping$/],
      ['other objects', 'pods.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n', /contains no Node objects \(found Pod\); give a Node manifest or a pool template/],
      ['a Node without apiVersion', 'noapi.yaml', 'kind: Node\nmetadata: {name: n}\n', /the Node has no apiVersion; add apiVersion: v1/],
      ['several templates', 'two.yaml', 'name: a\n---\nname: b\n', /neither a Node manifest nor a pool template/],
      ['a list', 'list.yaml', '- a\n- b\n', /neither a Node manifest nor a pool template/],
      ['the kubectl table', 'table.txt', 'NAME   STATUS   ROLES    AGE   VERSION\nn1     Ready    <none>   1d    v1.33.5\n', /^add-node table\.txt: this is the table `kubectl get nodes` prints/],
      ['broken YAML', 'broken.yaml', 'labels: {a: [\n', /^add-node broken\.yaml: not a YAML or JSON inventory/],
    ];
    for (const [what, name, text, pattern] of cases) {
      it(what, () => {
        write(name, text);
        let message = '';
        try {
          loadAddedNodes([name], tmp);
        } catch (err) {
          expect(err).toBeInstanceOf(InventoryError);
          message = (err as Error).message;
        }
        expect(message).toMatch(pattern);
        expect(message).not.toContain('\n');
      });
    }
  });
});
