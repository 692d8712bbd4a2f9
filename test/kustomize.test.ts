/**
 * The Kustomize builder against the real engine: every kustomization of the repository fixtures that daemonlint
 * treats as a unit is built by `kubectl kustomize` too, and the objects must be equal.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { originOf } from '../src/units/trace.js';
import { yamlValues } from '../src/load/parse.js';
import { describeWithClient } from './helpers/clients.js';
import { REPOS, keyOf, kubectlKustomize, planRepo } from './helpers/repos.js';

type Version = [number, number, number];

/** The Kustomize version built into a kubectl (kubectl before 1.21 does not print it: it has v2.0.3). */
function kustomizeVersion(kubectl: string): Version {
  const out = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).stdout ?? '';
  const m = /Kustomize Version:\s*v?(\d+)\.(\d+)\.(\d+)/.exec(out);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [2, 0, 3];
}

const atLeast = (v: Version, w: Version) => v[0] - w[0] || v[1] - w[1] || v[2] - w[2];

/** The oldest Kustomize that builds a kustomization's fields (the features kubectl's embedded version may lack). */
function needs(k: Record<string, unknown>): { version: Version; feature: string } {
  if (k.labels) return { version: [4, 1, 0], feature: '`labels`' };
  if (k.components) return { version: [3, 7, 0], feature: '`components`' };
  if (k.patches) return { version: [3, 5, 3], feature: '`patches`' };
  if (k.replicas) return { version: [3, 5, 3], feature: '`replicas`' };
  // Kustomize 2.0 took directories only under `bases`.
  if (Array.isArray(k.resources) && k.resources.some((r) => typeof r === 'string' && !/\.ya?ml$|\.json$/.test(r)))
    return { version: [2, 1, 0], feature: 'directories under `resources`' };
  return { version: [2, 0, 3], feature: 'the basic fields' };
}

describeWithClient('kubectl', 'the Kustomize builder agrees with kubectl kustomize', ({ path: kubectl }) => {
  const version = kustomizeVersion(kubectl);
  for (const repo of readdirSync(REPOS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    const { root, plan } = planRepo(repo);
    for (const unit of plan.units.filter((u) => u.source === 'kustomize')) {
      const dir = `${root}/${unit.name}`;
      const k = (yamlValues(readFileSync(`${dir}/kustomization.yaml`, 'utf8'))?.[0] ?? {}) as Record<string, unknown>;
      const need = needs(k);
      const title = `${repo}/${unit.name}`;
      if (atLeast(version, need.version) < 0) {
        it.skip(`${title} [skipped: kubectl's Kustomize ${version.join('.')} lacks ${need.feature}, added in ${need.version.join('.')}]`, () => {});
        continue;
      }
      it(`${title}: the same objects, field for field`, () => {
        const want = kubectlKustomize(kubectl, dir);
        const got = new Map(unit.manifests.map((m) => [keyOf(m.object), m.object]));
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [key, object] of want) expect(isDeepStrictEqual(got.get(key), object) ? object : got.get(key), key).toEqual(object);
      });
    }
  }
});

it('the strategic-merge table is current (node scripts/gen-merge-keys.mjs)', async () => {
  const { MERGE_KEYS_FILE, mergeKeysSource } = await import('../scripts/gen-merge-keys.mjs');
  expect(readFileSync(MERGE_KEYS_FILE, 'utf8')).toBe(mergeKeysSource());
});

describe('provenance of built objects', () => {
  const { plan } = planRepo('kustomize-features');
  const unit = plan.units.find((u) => u.name === 'overlay-a')!;
  const obj = (kind: string) => unit.manifests.find((m) => m.ref.kind === kind)!;
  const where = (kind: string, path: (string | number)[], at: 'key' | 'value' = 'key') => {
    const o = originOf(obj(kind), path);
    const r = o.file.locate(o.docIndex, [...o.base, ...o.path], at);
    return `${o.file.path}:${r.line}:${r.column}`;
  };
  const container = (kind: string, name: string) => (obj(kind).object.spec.template.spec.containers as { name: string }[]).findIndex((c) => c.name === name);

  it('points every field at the line that wrote it: resource, patch, JSON patch or kustomization', () => {
    const c = container('DaemonSet', 'collector');
    const env = (obj('DaemonSet').object.spec.template.spec.containers[c].env as { name: string }[]).findIndex((e) => e.name === 'LEVEL');
    const containers = ['spec', 'template', 'spec', 'containers'];
    // Untouched: the resource's own line.
    expect(where('DaemonSet', [...containers, c, 'args'])).toBe('base/workloads.yaml:21:11');
    // Set by the strategic-merge patch (the element moved: patch elements come first).
    expect(where('DaemonSet', [...containers, c, 'env', env, 'value'], 'value')).toBe('overlay-a/collector-patch.yaml:17:22');
    expect(where('DaemonSet', ['spec', 'template', 'spec', 'nodeSelector'])).toBe('overlay-a/collector-patch.yaml:11:7');
    // Set by a transformer of the kustomization.
    expect(where('DaemonSet', [...containers, c, 'image'], 'value')).toBe('overlay-a/kustomization.yaml:16:5');
    expect(where('DaemonSet', ['metadata', 'namespace'], 'value')).toBe('overlay-a/kustomization.yaml:1:12');
    expect(where('DaemonSet', ['spec', 'selector', 'matchLabels', 'team'])).toBe('overlay-a/kustomization.yaml:7:3');
    expect(where('Service', ['metadata', 'namespace'], 'value')).toBe('overlay-a/kustomization.yaml:1:12');
    expect(where('Service', ['spec', 'selector', 'team'], 'value')).toBe('overlay-a/kustomization.yaml:7:9');
    // Renamed by the prefix and suffix: still the resource's name.
    expect(where('DaemonSet', ['metadata', 'name'])).toBe('base/workloads.yaml:4:3');
    // Written by a JSON patch operation from a file.
    expect(where('Deployment', [...containers, 0, 'image'], 'value')).toBe('overlay-a/gateway-ops.yaml:3:10');
    expect(where('Deployment', [...containers, 0, 'ports', 1, 'containerPort'])).toBe('overlay-a/gateway-ops.yaml:6:11');
  });
});
