/**
 * Migrations of removed apiVersions to their replacement, as fixes (edits on object paths). Each keeps what the old
 * apiVersion did by default explicit, so applying the migrated manifest changes nothing on the cluster.
 */
import type { Fix, FixEdit, Manifest } from '../types.js';
import { isRecord, labelsOf } from './workloads.js';

/** DaemonSet apiVersions `apps/v1` replaced, with what each defaulted that `apps/v1` does not. */
const OLD_DAEMONSET_API_VERSIONS: Readonly<Record<string, { selectorDefaulted: boolean; updateStrategy: 'OnDelete' | 'RollingUpdate' }>> = {
  // extensions/v1beta1 defaulted a missing selector to the template labels and the update strategy to OnDelete.
  'extensions/v1beta1': { selectorDefaulted: true, updateStrategy: 'OnDelete' },
  // apps/v1beta2 already required the selector and defaulted to RollingUpdate, like apps/v1.
  'apps/v1beta2': { selectorDefaulted: false, updateStrategy: 'RollingUpdate' },
};

export type Migration = { fix: Fix } | { blocked: string };

function describeLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/**
 * The `apps/v1` migration of an `extensions/v1beta1` or `apps/v1beta2` DaemonSet: set `apiVersion`, drop
 * `spec.templateGeneration` (gone in apps/v1), select the template labels when the selector is missing (what
 * extensions/v1beta1 defaulted it to), and write `updateStrategy: {type: OnDelete}` when extensions/v1beta1 left it to
 * its default. Undefined for other objects; `blocked` (with the reason) when no exact migration exists.
 */
export function migrateDaemonSet(m: Manifest): Migration | undefined {
  if (m.ref.kind !== 'DaemonSet') return undefined;
  const old = OLD_DAEMONSET_API_VERSIONS[m.ref.apiVersion];
  if (!old) return undefined;
  const spec = isRecord(m.object.spec) ? m.object.spec : undefined;
  if (!spec) return { blocked: 'the DaemonSet has no spec' };
  const edits: FixEdit[] = [{ op: 'set', path: ['apiVersion'], value: 'apps/v1' }];
  const did: string[] = ['set apiVersion: apps/v1'];
  if (spec.templateGeneration !== undefined) {
    edits.push({ op: 'delete', path: ['spec', 'templateGeneration'] });
    did.push('remove spec.templateGeneration, which apps/v1 does not have');
  }
  if (spec.selector === undefined || spec.selector === null) {
    const template = isRecord(spec.template) ? spec.template : undefined;
    const labels = template && isRecord(template.metadata) ? labelsOf(template.metadata) : {};
    if (!Object.keys(labels).length) return { blocked: 'the Pod template has no labels to select: label it (spec.template.metadata.labels) and select those labels under spec.selector.matchLabels' };
    // The API server keeps the defaulted selector on objects created through the old apiVersion: select the same labels.
    edits.push({ op: 'set', path: ['spec', 'selector'], value: { matchLabels: labels } });
    did.push(`select the template labels (${describeLabels(labels)})${old.selectorDefaulted ? `, as ${m.ref.apiVersion} did by default` : ''}`);
  }
  const strategy = isRecord(spec.updateStrategy) ? spec.updateStrategy : undefined;
  if (old.updateStrategy === 'OnDelete' && (strategy?.type === undefined || strategy.type === null)) {
    edits.push({ op: 'set', path: ['spec', 'updateStrategy', 'type'], value: 'OnDelete' });
    did.push(
      `keep updateStrategy OnDelete, the ${m.ref.apiVersion} default (apps/v1 defaults to RollingUpdate, which replaces the Pod on every node as soon as the template changes)`,
    );
  }
  return { fix: { description: `Migrate to apps/v1: ${did.join('; ')}.`, edits } };
}
