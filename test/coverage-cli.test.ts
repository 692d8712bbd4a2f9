// `daemonlint coverage` end to end: options, inputs, widths and one-line errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { clusterManifests, generateInventory } from './helpers/cluster.js';
import { FIXTURES } from './helpers/fixtures.js';
import { removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

const GPU = join(FIXTURES, 'coverage', 'gpu-pool');

describe('daemonlint coverage', () => {
  it('--add-node: names the DaemonSets and node-local Services a new tainted GPU pool affects', () => {
    const r = runCli(['coverage', '--nodes', 'nodes.yaml', '--add-node', 'gpu-pool.yaml', 'manifests.yaml'], { cwd: GPU });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('If 300 nodes of gpu-a100 are added (gpu-pool.yaml):');
    expect(r.stdout).toMatch(/3 DaemonSets will not run there:\n {4}ingress\/edge-proxy: taint nvidia\.com\/gpu=present:NoSchedule is not tolerated\n {4}monitoring\/node-exporter: .*\n {4}observability\/otel-agent: /);
    expect(r.stdout).toMatch(/3 node-local Services would drop traffic from these nodes .*\n {4}ingress\/edge-proxy \(externalTrafficPolicy: Local, manifests\.yaml:112\)/);
    const json = JSON.parse(runCli(['coverage', '-f', 'json', '--add-node', 'gpu-node.yaml', 'manifests.yaml'], { cwd: GPU }).stdout);
    expect(json.whatIf[0].services.map((s: { name: string }) => s.name)).toEqual(['edge-proxy', 'node-exporter', 'otel-agent']);
  });

  it('reads a directory of Node manifests with --nodes', () => {
    const dir = workdir({
      'nodes/a.yaml': 'apiVersion: v1\nkind: Node\nmetadata: {name: a, labels: {kubernetes.io/os: linux}}\n',
      'nodes/b.yaml': 'apiVersion: v1\nkind: Node\nmetadata: {name: b, labels: {kubernetes.io/os: windows}}\n',
      'ds.yaml': readFileSync(join(GPU, 'manifests.yaml'), 'utf8'),
    });
    const r = runCli(['coverage', '-f', 'json', '--by', 'node', '--nodes', 'nodes', 'ds.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).groups.map((g: { name: string }) => g.name)).toEqual(['a', 'b']);
  });

  it('fits the text to COLUMNS, or to 100 columns when not on a terminal', () => {
    const dir = workdir({ 'nodes.yaml': generateInventory({ nodes: 1000, pools: 10 }), 'cluster.yaml': clusterManifests() });
    for (const [env, width] of [
      [{ COLUMNS: undefined }, 100],
      [{ COLUMNS: '72' }, 72],
      [{ COLUMNS: '200' }, 200],
    ] as const) {
      const r = runCli(['coverage', '--nodes', 'nodes.yaml', 'cluster.yaml'], { cwd: dir, env });
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(width);
      expect(lines[0]).toBe('DaemonSet coverage on 1000 nodes in 10 groups');
    }
    const byNode = runCli(['coverage', '--by', 'node', '--nodes', 'nodes.yaml', 'cluster.yaml'], { cwd: dir, env: { COLUMNS: undefined } });
    expect(Math.max(...byNode.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  describe('one-line errors, exit 2', () => {
    const cases: [string, string[], Record<string, string>, RegExp][] = [
      ['`kubectl get nodes --show-labels` output', ['--nodes', 'nodes.txt'], { 'nodes.txt': 'NAME   STATUS   ROLES    AGE   VERSION   LABELS\nn1     Ready    <none>   1d    v1.33.5   a=b\n' }, /^daemonlint: node inventory nodes\.txt: this is the table `kubectl get nodes --show-labels` prints, not YAML or JSON; save the inventory with `kubectl get nodes -o yaml > nodes\.yaml`$/],
      ['an unknown --by', ['--by', 'zone'], {}, /^daemonlint: --by must be one of pool, node \(got "zone"\)$/],
      ['a broken pool template', ['--add-node', 'pool.yaml'], { 'pool.yaml': 'name: gpu\ncount: -1\n' }, /^daemonlint: add-node pool\.yaml: count must be a whole number from 1 to 100000 \(got -1\)$/],
      ['a missing --add-node file', ['--add-node', 'absent.yaml'], {}, /^daemonlint: add-node: cannot read absent\.yaml/],
    ];
    for (const [what, args, files, pattern] of cases) {
      it(what, () => {
        const dir = workdir({ 'ds.yaml': readFileSync(join(GPU, 'manifests.yaml'), 'utf8'), ...files });
        const r = runCli(['coverage', ...args, 'ds.yaml'], { cwd: dir });
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr.trimEnd()).toMatch(pattern);
      });
    }
    it('coverage options outside coverage', () => {
      const r = runCli(['--add-node', 'x.yaml', 'examples/']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('daemonlint: --add-node is an option of daemonlint coverage\n');
    });
  });
});
