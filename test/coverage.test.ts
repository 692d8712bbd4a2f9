import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCoverage, type CoverageReport } from '../src/coverage/index.js';
import { loadInventory } from '../src/load/inventory.js';
import { parseSource } from '../src/load/parse.js';
import { FIXTURES } from './helpers/fixtures.js';
import { describeWithClient } from './helpers/clients.js';

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
const nodes = () => loadInventory(['mixed.yaml'], join(FIXTURES, 'inventories'));

describe('renderCoverage json', () => {
  it('with an inventory: one cell per node with the reasons it is skipped', () => {
    const r = JSON.parse(renderCoverage(files(), nodes(), 'json', { color: false })) as CoverageReport;
    expect(r.inventory).toBe(true);
    expect(r.nodes.map((n) => n.name)).toEqual(['cp-1', 'worker-1', 'win-1']);
    expect(r.nodes[0]!.taints).toEqual(['node-role.kubernetes.io/control-plane:NoSchedule']);
    expect(r.daemonSets.map((d) => `${d.namespace}/${d.name}`)).toEqual(['agents/node-agent', 'gpu/gpu-plugin', 'kube-system/kube-proxy']);
    const agent = r.daemonSets[0]!;
    expect(agent).toMatchObject({ file: 'manifests/agents.yaml', line: 4, runsOn: 1, restricted: true, restriction: 'nodeSelector kubernetes.io/os=linux' });
    expect(agent.cells).toEqual([
      { node: 'cp-1', runs: false, reasons: ['taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated'] },
      { node: 'worker-1', runs: true, reasons: [] },
      { node: 'win-1', runs: false, reasons: ['nodeSelector kubernetes.io/os=linux: the node has kubernetes.io/os=windows'] },
    ]);
    expect(r.daemonSets[1]!.runsOn).toBe(0);
    expect(r.daemonSets[1]!.cells![1]!.reasons[0]).toBe('required node affinity: term 0: nvidia.com/gpu.present=true fails (the node has no nvidia.com/gpu.present label)');
    expect(r.daemonSets[2]).toMatchObject({ runsOn: 3, toleratesEverything: true, restriction: 'every node' });
  });
  it('without an inventory: one summary row per DaemonSet', () => {
    const r = JSON.parse(renderCoverage(files(), undefined, 'json', { color: false })) as CoverageReport;
    expect(r.inventory).toBe(false);
    expect(r.nodes).toEqual([]);
    expect(r.daemonSets.map((d) => [d.name, d.restriction, d.tolerations, d.cells])).toEqual([
      ['node-agent', 'nodeSelector kubernetes.io/os=linux', 'no taints beyond the DaemonSet defaults', undefined],
      ['gpu-plugin', 'required node affinity nvidia.com/gpu.present=true', 'no taints beyond the DaemonSet defaults', undefined],
      ['kube-proxy', 'every node', 'every taint', undefined],
    ]);
  });
});

describe('renderCoverage text', () => {
  it('draws a DaemonSet × node table and lists why nodes are skipped', () => {
    const out = renderCoverage(files(), nodes(), 'text', { color: false });
    expect(out).not.toContain('\u001b[');
    const lines = out.split('\n');
    expect(lines[0]).toBe('DaemonSet coverage on 3 nodes');
    expect(lines[2]).toMatch(/^DaemonSet\s+cp-1\s+worker-1\s+win-1\s+runs on$/);
    expect(lines[3]).toMatch(/^agents\/node-agent\s+no\s+yes\s+no\s+1\/3$/);
    expect(lines[4]).toMatch(/^gpu\/gpu-plugin\s+no\s+no\s+no\s+0\/3$/);
    expect(lines[5]).toMatch(/^kube-system\/kube-proxy\s+yes\s+yes\s+yes\s+3\/3$/);
    expect(out).toContain('  agents/node-agent (manifests/agents.yaml:4)\n    cp-1: taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated\n    win-1: nodeSelector kubernetes.io/os=linux: the node has kubernetes.io/os=windows\n');
    expect(out).not.toMatch(/kube-system\/kube-proxy \(/); // runs everywhere: nothing skipped
  });
  it('colours cells only when asked', () => {
    const out = renderCoverage(files(), nodes(), 'text', { color: true });
    expect(out).toContain('\u001b[32myes');
    expect(out).toContain('\u001b[31mno');
  });
  it('summarises restrictions without an inventory', () => {
    const out = renderCoverage(files(), undefined, 'text', { color: false });
    expect(out).toContain('No node inventory: judged from the templates alone.');
    expect(out).toMatch(/agents\/node-agent\s+nodeSelector kubernetes\.io\/os=linux\s+no taints beyond the DaemonSet defaults\s+manifests\/agents\.yaml:4/);
    expect(out).toMatch(/kube-system\/kube-proxy\s+every node\s+every taint/);
  });
  it('says so when there is no DaemonSet', () => {
    expect(renderCoverage([parseSource({ path: 'x.yaml', text: 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n' })], nodes(), 'text', { color: false })).toBe('No DaemonSets found.\n');
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
    const html = renderCoverage([parseSource({ path: 'a&b.yaml', text: HOSTILE })], nodes(), 'html', { color: false });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<[^>]*\s(src|href)=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('a&amp;b.yaml');
  });
});

// ---------------------------------------------------------------- headless Chromium

/** Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) into RGBA pixels. */
function decodePng(buf: Buffer): { width: number; height: number; pixels: Uint8Array } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      colorType = data[9]!;
      expect(data[12]).toBe(0); // not interlaced
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  expect([2, 6]).toContain(colorType);
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? cur[x - bpp]! : 0;
      const b = prev[x]!;
      const c = x >= bpp ? prev[x - bpp]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[x] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      out.set([cur[x * bpp]!, cur[x * bpp + 1]!, cur[x * bpp + 2]!, bpp === 4 ? cur[x * bpp + 3]! : 255], (y * width + x) * 4);
    }
    prev = cur;
  }
  return { width, height, pixels: out };
}

describeWithClient('chromium', 'coverage html in headless Chromium', (chromium) => {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-coverage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const page = join(dir, 'coverage.html');
  writeFileSync(page, renderCoverage([...files(), parseSource({ path: 'evil.yaml', text: HOSTILE })], nodes(), 'html', { color: false }));
  const url = pathToFileURL(page).href;
  const run = (...args: string[]) =>
    execFileSync(
      chromium.path,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`,
        ...args,
        url,
      ],
      { encoding: 'buffer', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] },
    );

  it('renders the table rows in the DOM', () => {
    const dom = run('--dump-dom').toString('utf8');
    expect(dom).toContain('<table id="coverage">');
    for (const ds of ['agents/node-agent', 'gpu/gpu-plugin', 'kube-system/kube-proxy', 'default/evil']) expect(dom).toContain(`<tr data-daemonset="${ds}">`);
    for (const n of ['cp-1', 'worker-1', 'win-1']) expect(dom).toContain(`<th scope="col" data-node="${n}">`);
    expect(dom).toMatch(/<td class="skip" data-node="win-1">skipped<ul><li>nodeSelector kubernetes.io\/os=linux: the node has kubernetes.io\/os=windows<\/li><\/ul><\/td>/);
    // The hostile label stayed text: Chromium parsed no element out of it.
    expect(dom).not.toMatch(/<img|<script/i);
    expect(dom).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('paints a visible table: green and red cells on a non-blank screenshot', () => {
    const shot = join(dir, 'coverage.png');
    run('--window-size=1280,900', '--hide-scrollbars', `--screenshot=${shot}`);
    const { width, height, pixels } = decodePng(readFileSync(shot));
    expect([width, height]).toEqual([1280, 900]);
    let green = 0;
    let red = 0;
    let dark = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
      if (Math.abs(r - 0xda) < 6 && Math.abs(g - 0xfb) < 6 && Math.abs(b - 0xe1) < 6) green++; // td.runs background
      else if (Math.abs(r - 0xff) < 6 && Math.abs(g - 0xeb) < 6 && Math.abs(b - 0xe9) < 6) red++; // td.skip background
      else if (r + g + b < 200) dark++; // text
    }
    expect(green).toBeGreaterThan(2000);
    expect(red).toBeGreaterThan(2000);
    expect(dark).toBeGreaterThan(500);
  });
});
