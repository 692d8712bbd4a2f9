// `daemonlint coverage` end to end: options, inputs, widths and one-line errors.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runMain } from './helpers/cli.js';
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

  describe('-o through the guarded writer', () => {
    for (const format of ['text', 'json', 'html'] as const) {
      it(`${format}: replaces its own earlier report, never an input or a file of another kind`, async () => {
        const dir = workdir({ 'notes.txt': 'my notes\n' });
        const run = (out: string) => runMain(['coverage', '-f', format, '--nodes', join(GPU, 'nodes.yaml'), '--add-node', join(GPU, 'gpu-pool.yaml'), join(GPU, 'manifests.yaml'), '-o', out], { cwd: dir });
        const first = await run('report');
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        const written = readFileSync(join(dir, 'report'), 'utf8');
        expect(written).toContain(format === 'json' ? '"version": 1' : 'gpu-a100');
        // A second run replaces it: it is recognised as a coverage report of this format.
        writeFileSync(join(dir, 'report'), written);
        const again = await run('report');
        expect(again.stderr).toBe('');
        expect(again.code).toBe(0);
        // Not a file of another kind, and not an input of the run (here the inventory, read before anything is written).
        const other = await run('notes.txt');
        expect(other.code).toBe(2);
        expect(other.stderr).toMatch(/^daemonlint: cannot write notes\.txt: it exists and is not a daemonlint coverage/);
        expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('my notes\n');
      });
    }

    it('never overwrites an input, even one that looks like a report of the same kind', async () => {
      const dir = workdir({ 'ds.yaml': readFileSync(join(GPU, 'manifests.yaml'), 'utf8'), 'nodes.yaml': readFileSync(join(GPU, 'nodes.yaml'), 'utf8') });
      const first = await runMain(['coverage', '--nodes', 'nodes.yaml', 'ds.yaml', '-o', 'cov.txt'], { cwd: dir });
      expect(first.code).toBe(0);
      const before = readFileSync(join(dir, 'cov.txt'), 'utf8');
      expect(before).toMatch(/^DaemonSet coverage on 4 nodes/);
      // The earlier report given as an input too: read by this run, so -o may not replace it.
      const r = await runMain(['coverage', '--nodes', 'nodes.yaml', 'ds.yaml', 'cov.txt', '-o', 'cov.txt'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('daemonlint: cannot write cov.txt: it is one of the files this run read (a manifest, config, baseline or inventory); write the output elsewhere\n');
      expect(readFileSync(join(dir, 'cov.txt'), 'utf8')).toBe(before);
    });
  });

  it('refuses a FIFO as inventory or node file in one line instead of waiting for a writer', async () => {
    const dir = workdir({ 'ds.yaml': readFileSync(join(GPU, 'manifests.yaml'), 'utf8') });
    expect(spawnSync('mkfifo', [join(dir, 'nodes.yaml')]).status).toBe(0);
    for (const args of [['--nodes', 'nodes.yaml'], ['--add-node', 'nodes.yaml']]) {
      const r = await runMain(['coverage', ...args, 'ds.yaml'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^daemonlint: (node inventory|add-node): cannot read nodes\.yaml: it is a named pipe \(FIFO\), not a file/);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('hostile names through the CLI: text output inert, JSON exact', async () => {
    const dir = workdir({
      'ds.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: "a\\n::error::x\\e[2J", namespace: "::warning::ns"}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n      nodeSelector: {"k\\u202e": v}\n      containers: [{name: c, image: c:1}]\n',
      'nodes.yaml': 'apiVersion: v1\nkind: Node\nmetadata: {name: "::error::n\\r\\n<script>", labels: {"k\\u202e": v}}\n',
    });
    const text = await runMain(['coverage', '--nodes', 'nodes.yaml', 'ds.yaml'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    for (const l of text.stdout.split('\n')) expect(l.trimStart().startsWith('::'), l).toBe(false);
    expect(text.stdout).toContain('\\u003a:warning::ns/a\\n::error::x\\u001b[2J');
    const json = JSON.parse((await runMain(['coverage', '-f', 'json', '--by', 'node', '--nodes', 'nodes.yaml', 'ds.yaml'], { cwd: dir })).stdout);
    expect(json.daemonSets[0].name).toBe('a\n::error::x\u001b[2J');
    expect(json.groups[0].name).toBe('::error::n\r\n<script>');
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
