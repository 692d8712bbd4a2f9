/**
 * The Kustomize builder against the real engine: every kustomization of the repository fixtures that daemonlint
 * treats as a unit is built by `kubectl kustomize` too, and the objects must be equal.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { expect, it } from 'vitest';
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
  for (const repo of readdirSync(REPOS)) {
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
