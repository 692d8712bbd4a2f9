// The coverage HTML in headless Chromium: what a browser parses and paints, at 4 nodes, 40 nodes and 1,000 nodes in
// 10 pools, on a laptop screen and printed. Layout is checked by measuring the page (DOM geometry), never by timing.
// Screenshots are written to this run's temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCoverage, type RenderOptions } from '../src/coverage/index.js';
import { loadInventory } from '../src/load/inventory.js';
import { parseSource } from '../src/load/parse.js';
import type { Manifest, NodeInfo } from '../src/types.js';
import { Browser } from './helpers/chromium.js';
import { describeWithClient } from './helpers/clients.js';
import { clusterManifests, generatedNodes } from './helpers/cluster.js';
import { FIXTURES } from './helpers/fixtures.js';

const ROOT = join(import.meta.dirname, '..');

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

/** Pixels of the green "runs" and red "skipped" cell backgrounds, and of dark text. */
function paint(png: Buffer): { width: number; height: number; green: number; red: number; dark: number } {
  const { width, height, pixels } = decodePng(png);
  let green = 0;
  let red = 0;
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
    if (Math.abs(r - 0xda) < 6 && Math.abs(g - 0xfb) < 6 && Math.abs(b - 0xe1) < 6) green++; // td.runs background
    else if (Math.abs(r - 0xff) < 6 && Math.abs(g - 0xeb) < 6 && Math.abs(b - 0xe9) < 6) red++; // td.skip background
    else if (r + g + b < 200) dark++; // text
  }
  return { width, height, green, red, dark };
}

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

/** Geometry of the page and of the table's parts, measured in the browser. */
interface Layout {
  page: { scrollWidth: number; clientWidth: number; innerWidth: number; innerHeight: number };
  box: { top: number; bottom: number; left: number; right: number; scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
  /** A group's header cell, the "Runs on" header, a group's footer cell, and the first body row's name and total cells. */
  head: { top: number; bottom: number };
  totalHead: { left: number; right: number; top: number };
  foot: { top: number; bottom: number };
  rowName: { left: number; right: number };
  rowTotal: { left: number; right: number };
  groups: number;
  /** Cells whose text does not fit them. */
  overflowing: string[];
  /** Group names broken inside a word (more lines than words). */
  brokenNames: string[];
  position: { head: string; name: string; total: string };
}

const MEASURE = `(() => {
  const rect = (el) => { const b = el.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, left: b.left, right: b.right }; };
  const doc = document.documentElement;
  const box = document.querySelector('.scroll');
  const table = document.getElementById('coverage');
  const row = table.tBodies[0].rows[0];
  const overflowing = [...table.querySelectorAll('td, th')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent.trim().slice(0, 40));
  return {
    page: { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, innerWidth, innerHeight },
    box: { ...rect(box), scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, scrollHeight: box.scrollHeight, clientHeight: box.clientHeight },
    head: rect(table.tHead.rows[0].cells[2]),
    totalHead: rect(table.tHead.querySelector('.total')),
    foot: rect(table.tFoot.rows[0].cells[2]),
    rowName: rect(row.cells[0]),
    rowTotal: rect(row.cells[1]),
    groups: table.tHead.querySelectorAll('th.group').length,
    overflowing,
    brokenNames: [...table.querySelectorAll('.gname')].filter((el) => {
      const range = document.createRange();
      range.selectNodeContents(el.firstChild);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      return lines > el.firstChild.textContent.split(/[-\\s.]/).length;
    }).map((el) => el.textContent),
    position: { head: getComputedStyle(table.tHead.rows[0].cells[2]).position, name: getComputedStyle(row.cells[0]).position, total: getComputedStyle(row.cells[1]).position },
  };
})()`;

const SCROLL_TO_END = `(() => { const box = document.querySelector('.scroll'); box.scrollTop = box.scrollHeight; box.scrollLeft = box.scrollWidth; return [box.scrollTop, box.scrollLeft]; })()`;

describeWithClient('chromium', 'coverage html in headless Chromium', (chromium) => {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-coverage-'));
  let browser: Browser;
  beforeAll(async () => {
    browser = await Browser.launch(chromium.path, dir);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const pageOf = (name: string, manifests: readonly Manifest[], nodes: NodeInfo[] | undefined, opts: Partial<RenderOptions> = {}) => {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderCoverage(manifests, nodes, 'html', { color: false, ...opts }));
    return pathToFileURL(file).href;
  };
  const shoot = async (name: string) => {
    const file = join(dir, `${name}.png`);
    const png = await browser.screenshot();
    writeFileSync(file, png);
    return paint(png);
  };
  const cluster = () => parseSource({ path: 'deploy/cluster.yaml', text: clusterManifests() }).manifests;

  describe('4 nodes: the bundled example', () => {
    const manifests = ['log-agent-local-service.yaml', 'network-agent.yaml', 'node-exporter.yaml'].flatMap(
      (f) => parseSource({ path: `examples/${f}`, text: readFileSync(join(ROOT, 'examples', f), 'utf8') }).manifests,
    );
    const nodes = loadInventory(['cluster/nodes.yaml'], join(ROOT, 'examples'));

    it('paints the table: green and red cells, nothing cut, no horizontal scroll', async () => {
      await browser.open(pageOf('4-nodes', manifests, nodes), 1280, 800);
      const l = await browser.evaluate<Layout>(MEASURE);
      expect(l.groups).toBe(3); // the two logging workers are one group
      expect(l.page.scrollWidth).toBeLessThanOrEqual(l.page.clientWidth);
      expect(l.box.scrollWidth).toBeLessThanOrEqual(l.box.clientWidth);
      expect(l.overflowing).toEqual([]);
      expect(l.brokenNames).toEqual([]);
      const shot = await shoot('4-nodes');
      expect([shot.width, shot.height]).toEqual([1280, 800]);
      expect(shot.green).toBeGreaterThan(2000);
      expect(shot.red).toBeGreaterThan(1000);
      expect(shot.dark).toBeGreaterThan(500);
    });
  });

  describe('hostile labels', () => {
    it('stay text: Chromium parses no element out of them (--dump-dom)', () => {
      const manifests = parseSource({ path: 'evil.yaml', text: HOSTILE }).manifests;
      const url = pageOf('hostile', manifests, loadInventory(['mixed.yaml'], join(FIXTURES, 'inventories')), { by: 'node' });
      const dom = execFileSync(
        chromium.path,
        ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile-dump')}`, '--dump-dom', url],
        { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      expect(dom).toContain('<table id="coverage">');
      expect(dom).toContain('<tr data-daemonset="default/evil">');
      for (const n of ['cp-1', 'worker-1', 'win-1']) expect(dom).toMatch(new RegExp(`<th scope="col" class="group" data-group="\\d"[^>]*><span class="gname">${n}</span></th>`));
      expect(dom).not.toMatch(/<img|<script/i);
      expect(dom).toContain('&lt;img src=x onerror=alert(1)&gt;');
    });
  });

  describe('40 nodes with cloud-style names', () => {
    const nodes = generatedNodes({ nodes: 40, pools: 5 });

    it('by pool: five columns with node counts', async () => {
      await browser.open(pageOf('40-nodes', cluster(), nodes), 1280, 800);
      const l = await browser.evaluate<Layout>(MEASURE);
      expect(l.groups).toBe(5);
      expect(l.page.scrollWidth).toBeLessThanOrEqual(l.page.clientWidth);
      expect(l.box.scrollWidth).toBeLessThanOrEqual(l.box.clientWidth);
      expect(l.overflowing).toEqual([]);
      expect(l.brokenNames).toEqual([]);
      const heads = await browser.evaluate<string[]>(`[...document.querySelectorAll('#coverage th.group')].map((th) => th.querySelector('.gname').textContent + ': ' + th.querySelector('.gcount').textContent)`);
      const sizes = new Map<string, number>();
      for (const n of nodes) sizes.set(n.labels['eks.amazonaws.com/nodegroup']!, (sizes.get(n.labels['eks.amazonaws.com/nodegroup']!) ?? 0) + 1);
      expect(heads).toEqual([...sizes].sort(([a], [b]) => a.localeCompare(b)).map(([pool, n]) => `${pool}: ${n} node${n === 1 ? '' : 's'}`));
      const shot = await shoot('40-nodes');
      expect(shot.green).toBeGreaterThan(2000);
      expect(shot.red).toBeGreaterThan(2000);
    });

    it('by node: forty columns scroll inside the table box, with the names and totals kept in view', async () => {
      await browser.open(pageOf('40-nodes-by-node', cluster(), nodes, { by: 'node' }), 1280, 800);
      const before = await browser.evaluate<Layout>(MEASURE);
      expect(before.groups).toBe(40);
      expect(before.page.scrollWidth).toBeLessThanOrEqual(before.page.clientWidth); // the page itself does not scroll sideways
      expect(before.box.scrollWidth).toBeGreaterThan(before.box.clientWidth);
      const [, scrolledLeft] = await browser.evaluate<[number, number]>(SCROLL_TO_END);
      expect(scrolledLeft).toBeGreaterThan(0);
      const after = await browser.evaluate<Layout>(MEASURE);
      expect(after.rowName.left).toBeCloseTo(before.rowName.left, 0);
      expect(after.rowTotal.left).toBeCloseTo(before.rowTotal.left, 0);
      expect(after.rowTotal.right).toBeLessThan(after.box.right);
      await shoot('40-nodes-by-node-scrolled');
    });
  });

  describe('1,000 nodes in 10 pools on a laptop screen (the done criterion)', () => {
    const nodes = generatedNodes({ nodes: 1000, pools: 10, status: true });
    let url: string;
    beforeAll(() => {
      url = pageOf('1000-nodes', cluster(), nodes);
    });

    for (const [width, height] of [
      [1366, 768],
      [1280, 640],
    ] as const) {
      it(`${width}×${height}: ten columns, no horizontal scroll, header, totals and footer in view while scrolling`, async () => {
        await browser.open(url, width, height);
        const l = await browser.evaluate<Layout>(MEASURE);
        expect(l.groups).toBe(10);
        expect(l.page.scrollWidth).toBeLessThanOrEqual(l.page.clientWidth);
        expect(l.box.scrollWidth).toBeLessThanOrEqual(l.box.clientWidth);
        expect(l.overflowing).toEqual([]);
      expect(l.brokenNames).toEqual([]);
        // The table box fits the window; the totals column is on screen.
        expect(l.box.bottom).toBeLessThanOrEqual(height);
        expect(l.totalHead.right).toBeLessThanOrEqual(width);
        expect(l.position).toEqual({ head: 'sticky', name: 'sticky', total: 'sticky' });
        await shoot(`1000-nodes-${width}x${height}`);
        // Thirteen DaemonSets do not fit 640 pixels: scroll to the last row; the header and footer stay in the box.
        if (height === 640) expect(l.box.scrollHeight).toBeGreaterThan(l.box.clientHeight);
        const [scrolledTop] = await browser.evaluate<[number, number]>(SCROLL_TO_END);
        const after = await browser.evaluate<Layout>(MEASURE);
        if (l.box.scrollHeight > l.box.clientHeight) expect(scrolledTop).toBeGreaterThan(0);
        expect(after.head.top).toBeGreaterThanOrEqual(after.box.top);
        expect(after.head.top).toBeLessThanOrEqual(after.box.top + 2);
        expect(after.foot.bottom).toBeLessThanOrEqual(after.box.bottom);
        expect(after.foot.bottom).toBeGreaterThanOrEqual(after.box.bottom - 2);
        const shot = await shoot(`1000-nodes-${width}x${height}-scrolled`);
        expect(shot.green).toBeGreaterThan(5000);
        expect(shot.red).toBeGreaterThan(5000);
      });
    }

    it('twelve pools still share the width without horizontal scroll', async () => {
      await browser.open(pageOf('12-pools', cluster(), generatedNodes({ nodes: 1000, pools: 12 })), 1280, 800);
      const l = await browser.evaluate<Layout>(MEASURE);
      expect(l.groups).toBe(12);
      expect(l.page.scrollWidth).toBeLessThanOrEqual(l.page.clientWidth);
      expect(l.box.scrollWidth).toBeLessThanOrEqual(l.box.clientWidth);
      expect(l.overflowing).toEqual([]);
      expect(l.brokenNames).toEqual([]);
      await shoot('12-pools');
    });

    it('printed: flat table on landscape pages, reasons and node names spelled out, and a PDF', async () => {
      await browser.open(url, 1047, 740); // A4 landscape minus 10 mm margins, at 96 dpi
      await browser.media('print');
      const l = await browser.evaluate<Layout>(MEASURE);
      expect(l.page.scrollWidth).toBeLessThanOrEqual(l.page.clientWidth);
      expect(l.position).toEqual({ head: 'static', name: 'static', total: 'static' });
      expect(l.overflowing).toEqual([]);
      expect(l.brokenNames).toEqual([]);
      // Nothing is behind a click on paper: the box does not clip, node names are shown, summaries are not.
      expect(l.box.scrollHeight).toBeLessThanOrEqual(l.box.clientHeight + 1);
      const shown = await browser.evaluate<{ names: number; summaries: string[]; why: number }>(
        `({ names: [...document.querySelectorAll('.names')].filter((e) => e.getBoundingClientRect().height > 0).length, summaries: [...new Set([...document.querySelectorAll('summary')].map((s) => getComputedStyle(s).display))], why: document.querySelectorAll('#why li').length })`,
      );
      expect(shown).toEqual({ names: 10, summaries: ['none'], why: expect.any(Number) });
      expect(shown.why).toBeGreaterThan(20);
      await shoot('1000-nodes-print');
      const pdf = await browser.pdf();
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      writeFileSync(join(dir, '1000-nodes.pdf'), pdf);
      await browser.media('screen');
    });
  });

  describe('what if a GPU pool is added', () => {
    it('puts the answer above the table and marks the new column', async () => {
      const dirOf = join(FIXTURES, 'coverage', 'gpu-pool');
      const { loadAddedNodes } = await import('../src/load/inventory.js');
      const manifests = parseSource({ path: 'manifests.yaml', text: readFileSync(join(dirOf, 'manifests.yaml'), 'utf8') }).manifests;
      await browser.open(pageOf('gpu-pool', manifests, loadInventory(['nodes.yaml'], dirOf), { added: loadAddedNodes(['gpu-pool.yaml'], dirOf) }), 1280, 800);
      const seen = await browser.evaluate<{ whatIfTop: number; tableTop: number; services: string[]; newHeads: string[] }>(
        `({ whatIfTop: document.querySelector('.what-if').getBoundingClientRect().top, tableTop: document.getElementById('coverage').getBoundingClientRect().top, services: [...document.querySelectorAll('.what-if ul.services li b')].map((b) => b.textContent), newHeads: [...document.querySelectorAll('#coverage th.group')].filter((th) => th.querySelector('.new')).map((th) => th.querySelector('.gname').textContent) })`,
      );
      expect(seen.whatIfTop).toBeLessThan(seen.tableTop);
      expect(seen.services).toEqual(['ingress/edge-proxy', 'monitoring/node-exporter', 'observability/otel-agent']);
      expect(seen.newHeads).toEqual(['gpu-a100 new']);
      await shoot('gpu-pool');
    });
  });
});
