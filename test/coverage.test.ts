// `daemonlint coverage`: the model (groups of nodes, cells, what-if), and the text, JSON and HTML views.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCoverage, type CoverageReport } from '../src/coverage/index.js';
import { loadAddedNodes, loadInventory } from '../src/load/inventory.js';
import { parseSource } from '../src/load/parse.js';
import type { Manifest, NodeInfo } from '../src/types.js';
import { clusterManifests, generatedNodes, POOLS } from './helpers/cluster.js';
import { FIXTURES } from './helpers/fixtures.js';

const MANIFESTS = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: agents
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
        - name: agent
          image: example/node-agent:2.1.0
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-system
spec:
  selector:
    matchLabels: {k8s-app: kube-proxy}
  template:
    metadata:
      labels: {k8s-app: kube-proxy}
    spec:
      hostNetwork: true
      tolerations:
        - operator: Exists
      containers:
        - name: kube-proxy
          image: registry.k8s.io/kube-proxy:v1.30.2
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: gpu-plugin
  namespace: gpu
spec:
  selector:
    matchLabels: {app: gpu-plugin}
  template:
    metadata:
      labels: {app: gpu-plugin}
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: nvidia.com/gpu.present
                    operator: In
                    values: ["true"]
      containers:
        - name: plugin
          image: example/gpu-plugin:0.15.0
---
apiVersion: v1
kind: Service
metadata: {name: not-a-daemonset}
spec:
  selector: {app: node-agent}
  ports: [{port: 80}]
`;

const files = () => [parseSource({ path: 'manifests/agents.yaml', text: MANIFESTS })];
const manifests = (): Manifest[] => files().flatMap((f) => f.manifests);
const nodes = () => loadInventory(['mixed.yaml'], join(FIXTURES, 'inventories'));
const json = (m: readonly Manifest[], n: NodeInfo[] | undefined, opts: Parameters<typeof renderCoverage>[3] = { color: false }) =>
  JSON.parse(renderCoverage(m, n, 'json', opts)) as CoverageReport;

const generated = generatedNodes;
const cluster = () => parseSource({ path: 'cluster.yaml', text: clusterManifests() }).manifests;

describe('renderCoverage json', () => {
  it('--by node: one cell per node, in inventory order, with the reasons it is skipped', () => {
    const r = json(manifests(), nodes(), { color: false, by: 'node' });
    expect(r).toMatchObject({ version: 1, by: 'node', inventory: true, nodes: 3, addedNodes: 0, whatIf: [] });
    expect(r.groups.map((g) => [g.name, g.naming, g.nodes, g.nodeNames])).toEqual([
      ['cp-1', 'node', 1, ['cp-1']],
      ['worker-1', 'node', 1, ['worker-1']],
      ['win-1', 'node', 1, ['win-1']],
    ]);
    expect(r.groups[0]!.taints).toEqual(['node-role.kubernetes.io/control-plane:NoSchedule']);
    expect(r.daemonSets.map((d) => `${d.namespace}/${d.name}`)).toEqual(['agents/node-agent', 'gpu/gpu-plugin', 'kube-system/kube-proxy']);
    const agent = r.daemonSets[0]!;
    expect(agent).toMatchObject({ file: 'manifests/agents.yaml', line: 4, runsOn: 1, restricted: true, restriction: 'nodeSelector kubernetes.io/os=linux' });
    expect(agent.cells).toEqual([
      { group: 0, runs: false, reasons: ['taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated'] },
      { group: 1, runs: true, reasons: [] },
      { group: 2, runs: false, reasons: ['nodeSelector kubernetes.io/os=linux: the node has kubernetes.io/os=windows'] },
    ]);
    expect(r.daemonSets[1]!.runsOn).toBe(0);
    expect(r.daemonSets[1]!.cells![1]!.reasons[0]).toBe('required node affinity: term 0: nvidia.com/gpu.present=true fails (the node has no nvidia.com/gpu.present label)');
    expect(r.daemonSets[2]).toMatchObject({ runsOn: 3, toleratesEverything: true, restriction: 'every node' });
  });

  it('by pool (the default): nodes no DaemonSet tells apart share a group, decided and explained once', () => {
    const inventory = generated({ nodes: 1000, pools: 10 });
    const r = json(cluster(), inventory);
    expect(r.by).toBe('pool');
    expect(r.nodes).toBe(1000);
    // The ten pools are ten groups, named from the node-group label, sorted by name, with every node in one of them.
    expect(r.groups.map((g) => g.name)).toEqual(POOLS.slice(0, 10).map((p) => p.name).sort());
    expect(r.groups.every((g) => g.naming === 'pool' && g.pool?.key === 'eks.amazonaws.com/nodegroup')).toBe(true);
    expect(r.groups.reduce((n, g) => n + g.nodes, 0)).toBe(1000);
    expect(new Set(r.groups.flatMap((g) => g.nodeNames)).size).toBe(1000);
    for (const g of r.groups) {
      const members = inventory.filter((n) => g.nodeNames.includes(n.name));
      expect(new Set(members.map((n) => n.labels['eks.amazonaws.com/nodegroup']))).toEqual(new Set([g.name]));
    }
    // What sets a group apart: its unusual label values and its taints, not everything it has.
    const gpu = r.groups.find((g) => g.name === 'gpu-a100')!;
    expect(gpu.traits).toEqual(['nvidia.com/gpu.present=true', 'nvidia.com/mig.capable=true', 'taint nvidia.com/gpu=present:NoSchedule']);
    expect(r.groups.find((g) => g.name === 'general')!.traits).toEqual([]);
    expect(r.groups.find((g) => g.name === 'windows')!.traits).toEqual(['kubernetes.io/os=windows', 'taint os=windows:NoSchedule']);
    // One cell per group, and the totals count nodes.
    const gi = (name: string) => r.groups.findIndex((g) => g.name === name);
    const exporter = r.daemonSets.find((d) => d.name === 'node-exporter')!;
    expect(exporter.cells).toHaveLength(10);
    expect(exporter.cells![gi('gpu-a100')]).toEqual({ group: gi('gpu-a100'), runs: false, reasons: ['taint nvidia.com/gpu=present:NoSchedule is not tolerated'] });
    expect(exporter.cells![gi('windows')]!.reasons).toEqual([
      'nodeSelector kubernetes.io/os=linux: the nodes have kubernetes.io/os=windows',
      'taint os=windows:NoSchedule is not tolerated',
    ]);
    const sizeOf = (name: string) => r.groups[gi(name)]!.nodes;
    expect(exporter.runsOn).toBe(1000 - sizeOf('gpu-a100') - sizeOf('gpu-t4') - sizeOf('ingress') - sizeOf('windows'));
    // Each cell equals the placement of every member of its group, node by node.
    const byNode = json(cluster(), inventory, { color: false, by: 'node' });
    const nodeIndex = new Map(byNode.groups.map((g, i) => [g.nodeNames[0]!, i]));
    for (const [di, d] of r.daemonSets.entries()) {
      for (const c of d.cells!) {
        for (const name of r.groups[c.group]!.nodeNames) expect(byNode.daemonSets[di]!.cells![nodeIndex.get(name)!]!.runs).toBe(c.runs);
      }
    }
  });

  it('merges pools that no DaemonSet tells apart, and keeps twelve pools apart', () => {
    expect(json(cluster(), generated({ nodes: 600, pools: 12 })).groups).toHaveLength(12);
    const inventory = generated({ nodes: 600, pools: 13 });
    const thirteen = json(cluster(), inventory);
    expect(thirteen.groups).toHaveLength(12);
    const merged = thirteen.groups.find((g) => g.name === 'general, general-b')!;
    expect(merged.pool).toEqual({ key: 'eks.amazonaws.com/nodegroup', values: expect.arrayContaining(['general', 'general-b']) });
    const members = inventory.filter((n) => ['general', 'general-b'].includes(n.labels['eks.amazonaws.com/nodegroup']!));
    expect(merged.nodes).toBe(members.length);
    expect(new Set(merged.nodeNames)).toEqual(new Set(members.map((n) => n.name)));
  });

  it('without an inventory: one summary row per DaemonSet', () => {
    const r = json(manifests(), undefined);
    expect(r.inventory).toBe(false);
    expect(r.groups).toEqual([]);
    expect(r.daemonSets.map((d) => [d.name, d.restriction, d.tolerations, d.cells])).toEqual([
      ['node-agent', 'nodeSelector kubernetes.io/os=linux', 'no taints beyond the DaemonSet defaults', undefined],
      ['gpu-plugin', 'required node affinity nvidia.com/gpu.present=true', 'no taints beyond the DaemonSet defaults', undefined],
      ['kube-proxy', 'every node', 'every taint', undefined],
    ]);
  });
});

describe('renderCoverage text', () => {
  it('draws a DaemonSet × node table and says why nodes are skipped', () => {
    const out = renderCoverage(manifests(), nodes(), 'text', { color: false });
    expect(out).not.toContain('\u001b[');
    const lines = out.split('\n');
    expect(lines[0]).toBe('DaemonSet coverage on 3 nodes');
    // Single nodes are their own groups, sorted by name; the totals come right after the names.
    expect(lines[2]).toMatch(/^DaemonSet\s+runs on\s+cp-1\s+win-1\s+worker-1$/);
    expect(lines[3]).toMatch(/^agents\/node-agent\s+1\/3\s+no\s+no\s+yes$/);
    expect(lines[4]).toMatch(/^gpu\/gpu-plugin\s+0\/3\s+no\s+no\s+no$/);
    expect(lines[5]).toMatch(/^kube-system\/kube-proxy\s+3\/3\s+yes\s+yes\s+yes$/);
    expect(out).toContain('  agents/node-agent (manifests/agents.yaml:4)\n    cp-1: taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated\n    win-1: nodeSelector kubernetes.io/os=linux: the node has kubernetes.io/os=windows\n');
    expect(out).not.toMatch(/kube-system\/kube-proxy \(/); // runs everywhere: nothing skipped
    expect(out).not.toContain('Node groups'); // every group is one node, named in the header
  });
  it('colours cells only when asked', () => {
    const out = renderCoverage(manifests(), nodes(), 'text', { color: true });
    expect(out).toContain('\u001b[32myes');
    expect(out).toContain('\u001b[31mno');
  });
  it('summarises restrictions without an inventory', () => {
    const out = renderCoverage(manifests(), undefined, 'text', { color: false, width: 200 });
    expect(out).toContain('No node inventory: judged from the templates alone.');
    expect(out).toMatch(/agents\/node-agent\s+nodeSelector kubernetes\.io\/os=linux\s+no taints beyond the DaemonSet defaults\s+manifests\/agents\.yaml:4/);
    expect(out).toMatch(/kube-system\/kube-proxy\s+every node\s+every taint/);
    // Too narrow for that table: one block per DaemonSet, within the width.
    const narrow = renderCoverage(manifests(), undefined, 'text', { color: false, width: 60 });
    expect(narrow).toContain('agents/node-agent (manifests/agents.yaml:4)\n  runs on: nodeSelector kubernetes.io/os=linux\n  tolerates: no taints beyond the DaemonSet defaults\n');
    for (const line of narrow.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });
  it('says so when there is no DaemonSet', () => {
    const none = parseSource({ path: 'x.yaml', text: 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n' }).manifests;
    expect(renderCoverage(none, nodes(), 'text', { color: false })).toBe('No DaemonSets found.\n');
  });

  describe('1,000 nodes in 10 pools (the done criterion)', () => {
    const inventory = generated({ nodes: 1000, pools: 10 });
    for (const width of [80, 100, 160]) {
      it(`fits ${width} columns: a table of 12 columns, the groups, and each reason once per DaemonSet`, () => {
        const out = renderCoverage(cluster(), inventory, 'text', { color: false, width });
        const lines = out.trimEnd().split('\n');
        for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(width);
        expect(lines[0]).toBe('DaemonSet coverage on 1000 nodes in 10 groups');
        const header = lines[2]!.trim().split(/\s{2,}/);
        expect(header.length).toBeLessThanOrEqual(12);
        expect(header.slice(0, 2)).toEqual(['DaemonSet', 'runs on']);
        expect(header).toHaveLength(12); // one band: DaemonSet, runs on and the ten groups
        expect(lines[3]).toMatch(/^gpu-operator\/mig-ma\S*\s+66\/1000\s+(no\s+){2}yes(\s+no){7}$/); // the name may be shortened
        expect(out).toContain('Node groups\n');
        if (width < 160) expect(header.slice(2)).toEqual('ABCDEFGHIJ'.split(''));
        else expect(header.slice(2)).toEqual(POOLS.slice(0, 10).map((p) => p.name).sort());
        // Reasons are written per DaemonSet and reason, with the groups they apply to, never per node.
        expect(out.replace(/\s+/g, ' ').match(/taint nvidia\.com\/gpu=present:NoSchedule is not tolerated/g)!.length).toBeLessThanOrEqual(13);
        // Node names only as examples in the legend: two per group.
        expect(out.match(/\.compute\.internal/g)!.length).toBeLessThanOrEqual(20);
        expect(out.length).toBeLessThan(20_000);
      });
    }
    it('--by node keeps every node, in bands of columns that fit the width', () => {
      const out = renderCoverage(cluster(), inventory, 'text', { color: false, width: 100, by: 'node' });
      const lines = out.trimEnd().split('\n');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
      expect(lines[0]).toBe('DaemonSet coverage on 1000 nodes');
      expect(out).toContain('\nNodes\n');
      expect(out).toMatch(/^ {2}1000 +ip-10-/m); // the legend names the last node
      const bands = lines.filter((l) => /^DaemonSet\s+runs on/.test(l));
      expect(bands.length).toBeGreaterThan(50);
      expect(bands.at(-1)).toMatch(/\b1000$/);
    });
  });
});

describe('what if a tainted GPU pool is added (--add-node)', () => {
  const dir = join(FIXTURES, 'coverage', 'gpu-pool');
  const fixture = () => parseSource({ path: 'manifests.yaml', text: readFileSync(join(dir, 'manifests.yaml'), 'utf8') }).manifests;
  const existing = () => loadInventory(['nodes.yaml'], dir);

  it('names the DaemonSets that will and will not run there, and the node-local Services that drop traffic', () => {
    const r = json(fixture(), existing(), { color: false, added: loadAddedNodes(['gpu-pool.yaml'], dir) });
    expect(r).toMatchObject({ nodes: 4, addedNodes: 300 });
    const gi = r.groups.findIndex((g) => g.added);
    expect(r.groups[gi]).toMatchObject({ name: 'gpu-a100', naming: 'pool', nodes: 300, nodeNames: [], added: true, source: 'gpu-pool.yaml' });
    expect(r.groups.filter((g) => !g.added).map((g) => [g.name, g.nodes])).toEqual([
      ['general', 3],
      ['ip-10-0-0-9.eu-west-1.compute.internal', 1],
    ]);
    expect(r.whatIf).toEqual([
      {
        group: gi,
        runs: ['gpu-operator/dcgm-exporter', 'gpu-operator/nvidia-device-plugin', 'kube-system/kube-proxy'],
        skips: [
          { daemonSet: 'ingress/edge-proxy', reasons: ['taint nvidia.com/gpu=present:NoSchedule is not tolerated'] },
          { daemonSet: 'monitoring/node-exporter', reasons: ['taint nvidia.com/gpu=present:NoSchedule is not tolerated'] },
          { daemonSet: 'observability/otel-agent', reasons: ['taint nvidia.com/gpu=present:NoSchedule is not tolerated'] },
        ],
        services: [
          { namespace: 'ingress', name: 'edge-proxy', file: 'manifests.yaml', line: 112, field: 'externalTrafficPolicy', daemonSets: ['ingress/edge-proxy'] },
          { namespace: 'monitoring', name: 'node-exporter', file: 'manifests.yaml', line: 53, field: 'internalTrafficPolicy', daemonSets: ['monitoring/node-exporter'] },
          { namespace: 'observability', name: 'otel-agent', file: 'manifests.yaml', line: 82, field: 'internalTrafficPolicy', daemonSets: ['observability/otel-agent'] },
        ],
      },
    ]);
    // The totals include the new nodes.
    expect(r.daemonSets.find((d) => d.name === 'kube-proxy')!.runsOn).toBe(304);
    expect(r.daemonSets.find((d) => d.name === 'otel-agent')!.runsOn).toBe(3);
  });

  it('gives the same answer for a Node manifest of the pool, without an inventory', () => {
    const r = json(fixture(), undefined, { color: false, added: loadAddedNodes(['gpu-node.yaml'], dir) });
    expect(r).toMatchObject({ inventory: false, nodes: 0, addedNodes: 1 });
    expect(r.groups.map((g) => [g.name, g.added, g.nodeNames])).toEqual([['ip-10-0-9-200.eu-west-1.compute.internal', true, ['ip-10-0-9-200.eu-west-1.compute.internal']]]);
    const template = json(fixture(), undefined, { color: false, added: loadAddedNodes(['gpu-pool.yaml'], dir) });
    expect({ ...r.whatIf[0], group: 0 }).toEqual({ ...template.whatIf[0], group: 0 });
  });

  it('says it in text and HTML', () => {
    const added = loadAddedNodes(['gpu-pool.yaml'], dir);
    const text = renderCoverage(fixture(), existing(), 'text', { color: false, width: 100, added });
    expect(text).toContain('If 300 nodes of gpu-a100 are added (gpu-pool.yaml):\n');
    expect(text).toContain('  3 DaemonSets will run there: gpu-operator/dcgm-exporter, gpu-operator/nvidia-device-plugin,\n    kube-system/kube-proxy.\n');
    expect(text).toContain('    monitoring/node-exporter: taint nvidia.com/gpu=present:NoSchedule is not tolerated\n');
    expect(text).toContain('3 node-local Services would drop traffic from these nodes');
    expect(text).toContain('    observability/otel-agent (internalTrafficPolicy: Local, manifests.yaml:82): DaemonSet\n      observability/otel-agent does not run there\n');
    const html = renderCoverage(fixture(), existing(), 'html', { color: false, added });
    expect(html).toContain('<h2>If 300 nodes of gpu-a100 are added</h2>');
    expect(html).toContain('<li><b>ingress/edge-proxy</b> (<code>externalTrafficPolicy: Local</code>, manifests.yaml:112)');
  });

  it('says when no node-local Service is affected', () => {
    const added = loadAddedNodes(['gpu-pool.yaml'], dir);
    const tolerant = fixture().filter((m) => m.ref.kind !== 'Service');
    const text = renderCoverage(tolerant, existing(), 'text', { color: false, added });
    expect(text).toContain('  No node-local Service would lose its local endpoint on these nodes.\n');
  });
});

const HOSTILE = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: evil
spec:
  selector: {matchLabels: {app: evil}}
  template:
    metadata: {labels: {app: evil}}
    spec:
      nodeSelector:
        "<img src=x onerror=alert(1)>": "</td><script>alert(2)</script>"
      containers: [{name: c, image: example/c:1}]
`;

describe('renderCoverage html', () => {
  it('is a self-contained page with everything escaped', () => {
    const hostileNodes: NodeInfo[] = [...nodes(), { name: '<b>n"1</b>', labels: { '<img src=x onerror=alert(1)>': '</td><script>alert(2)</script>' }, taints: [{ key: '<i>', effect: 'NoSchedule' }] }];
    for (const by of ['pool', 'node'] as const) {
      const html = renderCoverage(parseSource({ path: 'a&b.yaml', text: HOSTILE }).manifests, hostileNodes, 'html', { color: false, by });
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain('<style>');
      expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
      expect(html).not.toMatch(/\ssrc="/i); // (attribute values are quoted; text in them is escaped)
      // Links only within the page (a skipped cell points at its reasons).
      expect([...html.matchAll(/\shref="([^"]*)"/g)].every((m) => m[1]!.startsWith('#'))).toBe(true);
      expect(html).not.toMatch(/url\(|@import/i);
      expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
      expect(html).toContain('&lt;b&gt;n&quot;1&lt;/b&gt;');
      expect(html).toContain('a&amp;b.yaml');
      expect(html).not.toContain('<b>n"1');
      expect(html).not.toContain('<i>:NoSchedule');
    }
  });

  it('explains each skipped cell once per DaemonSet and reason, and links the cell to it', () => {
    const html = renderCoverage(cluster(), generated({ nodes: 1000, pools: 10 }), 'html', { color: false });
    expect(html).toContain('<p class="note">13 DaemonSets on 1,000 nodes in 10 groups');
    expect(html.match(/<th scope="col" class="group"/g)).toHaveLength(10);
    expect(html.match(/<tr data-daemonset=/g)).toHaveLength(13);
    // Node names appear in the legend only (each once), never per cell.
    expect(html.match(/\.compute\.internal/g)!.length).toBe(1000 + 2 * 10);
    const exporter = html.match(/<tr data-daemonset="monitoring\/node-exporter">.*<\/tr>/)![0];
    expect(exporter).toContain('<td class="skip" data-group="2"><a href="#why-9" title="taint nvidia.com/gpu=present:NoSchedule is not tolerated">skipped</a></td>');
    expect(html).toContain('<div class="why" id="why-9"><h3>monitoring/node-exporter');
    expect(html).toContain('<li><b><span class="g" data-group="2">gpu-a100</span>, <span class="g" data-group="3">gpu-t4</span></b> (152 nodes): taint nvidia.com/gpu=present:NoSchedule is not tolerated</li>');
  });
});

// ---------------------------------------------------------------- hostile input in every view

/** C0 controls but line feed and tab, DEL, C1 controls, line and paragraph separators, bidirectional controls. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const SGR = /\u001b\[[0-9;]*m/g;

const EVIL_NAME = 'agent\n::warning::x<script>alert(1)</script>\u202e';
const EVIL_NAMESPACE = '::error::ns';
const EVIL_LABEL = 'team\u001b[2J';
const EVIL_POOL = '::stop-commands::tok\n<b>pool</b>';
const EVIL_MANIFESTS = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${JSON.stringify(EVIL_NAME)}
  namespace: ${JSON.stringify(EVIL_NAMESPACE)}
spec:
  selector: {matchLabels: {app: evil}}
  template:
    metadata: {labels: {app: evil}}
    spec:
      nodeSelector: {${JSON.stringify(EVIL_LABEL)}: "a\\u0085b"}
      containers: [{name: c, image: example/c:1}]
---
apiVersion: v1
kind: Service
metadata:
  name: "svc\\r\\n::error::s\\u2028"
  namespace: ${JSON.stringify(EVIL_NAMESPACE)}
spec:
  selector: {app: evil}
  internalTrafficPolicy: Local
  ports: [{port: 80}]
`;

describe('hostile names, labels, taints and files', () => {
  const evilNodes = (): NodeInfo[] => [
    ...[1, 2, 3].map((i) => ({
      name: `::error::n${i}\u001b[31m<script>x</script>`,
      labels: { 'eks.amazonaws.com/nodegroup': EVIL_POOL, [EVIL_LABEL]: 'a\u0085b' },
      taints: [{ key: 'gpu\u202e', value: '<i>', effect: 'NoSchedule' as const }],
    })),
    ...[1, 2].map((i) => ({ name: `plain-${i}`, labels: { 'eks.amazonaws.com/nodegroup': 'general' }, taints: [] })),
  ];
  const added = [{ file: 'add\u001b[2J.yaml', pool: '::error::new\n<script>', nodes: [{ name: 'new (new node)', labels: {}, taints: [] }], count: 5 }];
  const evil = () => parseSource({ path: '::error::x\u001b[2J<a>.yaml', text: EVIL_MANIFESTS }).manifests;

  it('the input is as hostile as intended (the model keeps it exact)', () => {
    const r = json(evil(), evilNodes(), { color: false, added });
    // The hostile nodes carry a taint it does not tolerate; the plain ones lack its label: it runs nowhere.
    expect(r.daemonSets[0]).toMatchObject({ name: EVIL_NAME, namespace: EVIL_NAMESPACE, runsOn: 0 });
    expect(r.groups.map((g) => g.name)).toEqual(expect.arrayContaining([EVIL_POOL, 'general', '::error::new\n<script>']));
    expect(r.whatIf[0]!.services[0]!.name).toBe('svc\r\n::error::s\u2028');
  });

  for (const by of ['pool', 'node'] as const) {
    it(`text (--by ${by}, with and without colour): inert, one line per line, no line a CI runner reads as a command`, () => {
      for (const color of [false, true]) {
        for (const width of [40, 100, 200]) {
          const text = renderCoverage(evil(), evilNodes(), 'text', { color, by, width, added });
          const plain = text.replace(SGR, '');
          if (!color) expect(plain).toBe(text);
          expect(plain).not.toMatch(CONTROL);
          for (const l of plain.split('\n')) expect(l.trimStart().startsWith('::'), l).toBe(false);
          expect(plain).toContain('agent\\n');
          expect(plain).toContain('\\u202e');
        }
      }
      const noNodes = renderCoverage(evil(), undefined, 'text', { color: false, width: 200 });
      expect(noNodes).not.toMatch(CONTROL);
      expect(noNodes).toContain('\\u003a:error::ns/agent\\n::warning::x<script>alert(1)</script>\\u202e');
      for (const l of noNodes.split('\n')) expect(l.trimStart().startsWith('::'), l).toBe(false);
    });

    it(`json (--by ${by}): parses to the exact values, printed without raw controls`, () => {
      const out = renderCoverage(evil(), evilNodes(), 'json', { color: false, by, added });
      expect(out).not.toMatch(CONTROL);
      const r = JSON.parse(out) as CoverageReport;
      expect(r.daemonSets[0]!.name).toBe(EVIL_NAME);
      expect(r.daemonSets[0]!.file).toBe('::error::x\u001b[2J<a>.yaml');
      expect(r.whatIf[0]!.services[0]!.name).toBe('svc\r\n::error::s\u2028');
    });

    it(`html (--by ${by}): escaped, controls visible as escapes, no element from input`, () => {
      const html = renderCoverage(evil(), evilNodes(), 'html', { color: false, by, added });
      expect(html).not.toMatch(CONTROL);
      expect(html).not.toMatch(/<(script|i)\b/i);
      expect(html).not.toMatch(/<b>pool|<a>\.yaml/);
      expect(html).toContain('agent\\n::warning::x&lt;script&gt;alert(1)&lt;/script&gt;\\u202e');
      expect(html).toContain('::error::x\\u001b[2J&lt;a&gt;.yaml');
      expect(html).toContain('team\\u001b[2J=a\\u0085b');
      if (by === 'pool') expect(html).toContain('::stop-commands::tok\\n&lt;b&gt;pool&lt;/b&gt;');
      else expect(html).toContain('::error::n1\\u001b[31m&lt;script&gt;x&lt;/script&gt;');
    });
  }
});
