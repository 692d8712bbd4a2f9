// The output of every rule that compares objects grows linearly with the number of objects: n objects that all
// collide (one host port, one selector, one Service in front of all of them) give at most a few findings per object,
// each naming a few of the others and counting the rest, never one finding per pair. Counts, not time.
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { comparesObjects, lintAsync } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import type { Finding, NodeInfo } from '../src/types.js';

const comparing = allRules.filter(comparesObjects);

function daemonSet(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: `agent-${i}`, namespace: 'monitoring' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: {
          nodeSelector: { pool: 'gpu' },
          containers: [{ name: 'main', image: 'registry.example.com/agent:1', ports: [{ name: 'metrics', containerPort: 9100, hostPort: 9100 }] }],
          ...extra,
        },
      },
    },
  };
}

function service(i: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${i}`, namespace: 'monitoring' },
    spec: { selector: { app: 'agent' }, internalTrafficPolicy: 'Local', ports: [{ name: 'web', port: 80, targetPort: 8080 }, { name: 'named', port: 81, targetPort: 'nope' }] },
  };
}

/** n DaemonSets that all collide (same port, same selector, same labels) and n Services in front of all of them. */
function colliding(n: number): string {
  const docs: unknown[] = [];
  for (let i = 0; i < n; i++) docs.push(daemonSet(i), service(i));
  // Services that select nothing, next to workloads in their namespace.
  for (let i = 0; i < n; i++) docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `lost-${i}`, namespace: 'monitoring' }, spec: { selector: { app: 'agnet' }, ports: [{ port: 80 }] } });
  return docs.map((d) => stringify(d)).join('---\n');
}

const NODES: NodeInfo[] = [
  { name: 'gpu-1', labels: { pool: 'gpu' }, taints: [] },
  { name: 'cpu-1', labels: { pool: 'cpu' }, taints: [] },
];

async function run(n: number, nodes?: NodeInfo[]): Promise<{ findings: Finding[]; byRule: Map<string, { findings: number; related: number; chars: number }> }> {
  const file = parseSource({ path: `n${n}.yaml`, text: colliding(n) });
  const r = await lintAsync([file], { rules: comparing, nodes });
  expect(r.internalErrors).toEqual([]);
  const byRule = new Map<string, { findings: number; related: number; chars: number }>();
  for (const f of r.findings) {
    const c = byRule.get(f.ruleId) ?? { findings: 0, related: 0, chars: 0 };
    c.findings++;
    c.related += f.related?.length ?? 0;
    c.chars += JSON.stringify(f).length;
    byRule.set(f.ruleId, c);
  }
  return { findings: r.findings, byRule };
}

describe('rules that compare objects report linearly in the number of objects', () => {
  for (const inventory of [false, true]) {
    it(`findings, related locations and output size double when the colliding objects double (${inventory ? 'with' : 'without'} a node inventory)`, async () => {
      const sizes = [16, 32, 64, 128];
      const results = [];
      for (const n of sizes) results.push(await run(n, inventory ? NODES : undefined));
      const rules = [...results[0]!.byRule.keys()].sort();
      // Every rule that compares objects has something to say about this corpus (so the check checks something).
      const expected = ['host-port-conflict', 'local-traffic-gap', 'overlapping-selectors', 'service-selects-nothing', 'service-target-port'];
      for (const id of expected) expect(rules, id).toContain(id);
      for (const id of rules) {
        for (let k = 1; k < sizes.length; k++) {
          const a = results[k - 1]!.byRule.get(id)!;
          const b = results[k]!.byRule.get(id)!;
          const what = `${id}: ${sizes[k - 1]} → ${sizes[k]} objects`;
          expect(b.findings, `${what}, findings`).toBeLessThanOrEqual(2 * a.findings + 2);
          // (+25: a rule that names up to five later objects names fewer near the end of the run.)
          expect(b.related, `${what}, related locations`).toBeLessThanOrEqual(2 * a.related + 25);
          // Messages name a few objects and count the rest: the text grows no faster than the objects either.
          expect(b.chars, `${what}, output size`).toBeLessThanOrEqual(2.3 * a.chars);
        }
        const last = results[results.length - 1]!.byRule.get(id)!;
        const n = sizes[sizes.length - 1]!;
        expect(last.findings, `${id}: at most a few findings per object`).toBeLessThanOrEqual(3 * n);
        expect(last.related, `${id}: at most a few related locations per finding`).toBeLessThanOrEqual(10 * last.findings);
      }
    });
  }

  it('host-port-conflict: every colliding DaemonSet gets one finding that counts the others and names the first few', async () => {
    const { findings } = await run(40);
    const hp = findings.filter((f) => f.ruleId === 'host-port-conflict');
    expect(hp).toHaveLength(40);
    expect(hp[0]!.message).toContain('39 other workloads');
    expect(hp[0]!.message).toContain('and 34 more');
    expect(hp[0]!.related).toHaveLength(5);
  });
});
