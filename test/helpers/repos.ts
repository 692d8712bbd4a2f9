/** The repository fixtures under test/fixtures/repos: whole repositories linted as a user would lint them. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expandPaths, loadFile } from '../../src/load/files.js';
import { yamlValues } from '../../src/load/parse.js';
import { apiGroup, isClusterScoped } from '../../src/units/identity.js';
import { planUnits, type UnitPlan } from '../../src/units/plan.js';
import type { SourceFile } from '../../src/types.js';
import { FIXTURES } from './fixtures.js';

export const REPOS = join(FIXTURES, 'repos');

/** Every manifest file of a repository fixture, loaded as a run loads them (paths relative to the repository). */
export function loadRepo(name: string): { root: string; files: SourceFile[] } {
  const root = join(REPOS, name);
  return { root, files: expandPaths([root], root).map((abs) => loadFile(abs, root)) };
}

export function planRepo(name: string): { root: string; files: SourceFile[]; plan: UnitPlan } {
  const { root, files } = loadRepo(name);
  const plan = planUnits(files, {
    display: (abs) => abs.slice(root.length + 1) || '.',
    readFile: (abs) => {
      try {
        return loadFile(abs, root);
      } catch {
        return undefined;
      }
    },
  });
  return { root, files, plan };
}

/** The identity key kustomize's output and daemonlint's objects are compared by. */
export function keyOf(o: Record<string, any>): string {
  const md = o.metadata ?? {};
  const ns = isClusterScoped(String(o.kind)) ? '' : (md.namespace ?? '');
  return `${apiGroup(String(o.apiVersion))}/${o.kind}/${ns}/${md.name}`;
}

/** `kubectl kustomize DIR` as objects by identity (throws with kubectl's message when it fails). */
export function kubectlKustomize(kubectl: string, dir: string): Map<string, Record<string, any>> {
  const r = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  const out = new Map<string, Record<string, any>>();
  for (const d of yamlValues(r.stdout) ?? []) if (d && typeof d === 'object') out.set(keyOf(d as Record<string, any>), d as Record<string, any>);
  return out;
}
