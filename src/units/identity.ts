/**
 * Object identity: what the API server keys an object by. Two objects with the same API group, kind, namespace and
 * name cannot coexist in one cluster: applied together, the last one replaces the others.
 */
import type { Manifest } from '../types.js';

/**
 * Built-in kinds that live outside namespaces: their identity has no namespace (a `metadata.namespace` on them is
 * ignored by the API server), and a Kustomize `namespace:` leaves them alone.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** The API group of an apiVersion: `apps` for `apps/v1`, `` for `v1`. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/**
 * The identity key of an object (`group/kind/namespace/name`), or undefined when it has no name (e.g. only
 * `generateName`): such objects never collide.
 */
export function identityOf(m: Pick<Manifest, 'ref' | 'namespace'>): string | undefined {
  const { apiVersion, kind, name } = m.ref;
  if (!name) return undefined;
  const ns = isClusterScoped(kind) ? '' : m.namespace;
  return `${apiGroup(apiVersion)}/${kind}/${ns}/${name}`;
}

/** How an identity is shown in messages: `DaemonSet edge/agent` (`ClusterRole reader` when cluster-scoped). */
export function describeIdentity(m: Pick<Manifest, 'ref' | 'namespace'>): string {
  const { kind, name } = m.ref;
  return isClusterScoped(kind) ? `${kind} ${name ?? '(unnamed)'}` : `${kind} ${m.namespace}/${name ?? '(unnamed)'}`;
}
