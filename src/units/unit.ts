/** A deployment unit: the objects applied together, one per identity. */
import type { Manifest, UnitContext } from '../types.js';
import { identityOf } from './identity.js';

/** Where a unit's grouping came from, in order of precedence. */
export type UnitSource = 'config' | 'kustomize' | 'directory';

export interface DeploymentUnit extends UnitContext {
  source: UnitSource;
  /** What is applied: one object per identity, the last definition (as `kubectl apply` leaves it). */
  manifests: Manifest[];
}

const sameContent = (a: Manifest, b: Manifest) => a.object === b.object || JSON.stringify(a.object) === JSON.stringify(b.object);

/**
 * A unit of `manifests` (in apply order). A later definition of an identity replaces earlier ones; a replaced
 * definition counts as a duplicate (`shadowed`) when it is in the same file as the winner, in a Kustomize build
 * (where kustomize itself refuses duplicates), or different from the winner. Identical copies in different files
 * (the same Namespace in every file of a bundle) are just applied twice.
 */
export function makeUnit(name: string, source: UnitSource, manifests: readonly Manifest[]): DeploymentUnit {
  const last = new Map<string, number>();
  manifests.forEach((m, i) => {
    const id = identityOf(m);
    if (id !== undefined) last.set(id, i);
  });
  const kept: Manifest[] = [];
  const shadowed = new Map<Manifest, Manifest[]>();
  manifests.forEach((m, i) => {
    const id = identityOf(m);
    const winner = id === undefined ? i : last.get(id)!;
    if (winner === i) {
      kept.push(m);
      return;
    }
    const w = manifests[winner]!;
    if (w.file !== m.file && source !== 'kustomize' && sameContent(w, m)) return;
    const list = shadowed.get(w);
    if (list) list.push(m);
    else shadowed.set(w, [m]);
  });
  return { name, source, manifests: kept, shadowed };
}
