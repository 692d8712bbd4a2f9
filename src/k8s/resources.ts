/**
 * Which API resource an object is (its plural name and scope), as admission sees it: `apps/v1 DaemonSet` is the
 * namespaced resource `daemonsets` of group `apps`, version `v1`. Built-in kinds come from the table below; a custom
 * kind from its CustomResourceDefinition when one is among the objects, else from an English plural of the kind.
 */
import type { Manifest } from '../types.js';
import { isRecord } from './workloads.js';

/** The label the API server sets on every namespace: its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural, lowercase: `daemonsets`. */
  resource: string;
  namespaced: boolean;
  /** How the resource was found: the built-in table, a CRD among the objects, or a guess from the kind. */
  source: 'builtin' | 'crd' | 'guess';
}

/** `group Kind resource` per line; `*` marks cluster-scoped kinds. The core group is `core`. */
const TABLE = `
core Pod pods|Service services|ConfigMap configmaps|Secret secrets|ServiceAccount serviceaccounts|Endpoints endpoints|Event events
core LimitRange limitranges|PersistentVolumeClaim persistentvolumeclaims|PodTemplate podtemplates|ReplicationController replicationcontrollers
core ResourceQuota resourcequotas|Binding bindings|*Namespace namespaces|*Node nodes|*PersistentVolume persistentvolumes|*ComponentStatus componentstatuses
apps DaemonSet daemonsets|Deployment deployments|ReplicaSet replicasets|StatefulSet statefulsets|ControllerRevision controllerrevisions
batch Job jobs|CronJob cronjobs
autoscaling HorizontalPodAutoscaler horizontalpodautoscalers
networking.k8s.io Ingress ingresses|NetworkPolicy networkpolicies|*IngressClass ingressclasses|*IPAddress ipaddresses|*ServiceCIDR servicecidrs
policy PodDisruptionBudget poddisruptionbudgets
rbac.authorization.k8s.io Role roles|RoleBinding rolebindings|*ClusterRole clusterroles|*ClusterRoleBinding clusterrolebindings
storage.k8s.io *StorageClass storageclasses|*CSIDriver csidrivers|*CSINode csinodes|*VolumeAttachment volumeattachments|CSIStorageCapacity csistoragecapacities
scheduling.k8s.io *PriorityClass priorityclasses
coordination.k8s.io Lease leases
discovery.k8s.io EndpointSlice endpointslices
admissionregistration.k8s.io *ValidatingWebhookConfiguration validatingwebhookconfigurations|*MutatingWebhookConfiguration mutatingwebhookconfigurations
admissionregistration.k8s.io *ValidatingAdmissionPolicy validatingadmissionpolicies|*ValidatingAdmissionPolicyBinding validatingadmissionpolicybindings
admissionregistration.k8s.io *MutatingAdmissionPolicy mutatingadmissionpolicies|*MutatingAdmissionPolicyBinding mutatingadmissionpolicybindings
apiextensions.k8s.io *CustomResourceDefinition customresourcedefinitions
apiregistration.k8s.io *APIService apiservices
certificates.k8s.io *CertificateSigningRequest certificatesigningrequests
node.k8s.io *RuntimeClass runtimeclasses
flowcontrol.apiserver.k8s.io *FlowSchema flowschemas|*PriorityLevelConfiguration prioritylevelconfigurations
`;

const BUILTIN = new Map<string, { resource: string; namespaced: boolean }>();
for (const line of TABLE.trim().split('\n')) {
  const [group, rest] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
  for (const entry of rest.split('|')) {
    const [kind, resource] = entry.split(' ') as [string, string];
    const cluster = kind.startsWith('*');
    BUILTIN.set(`${group === 'core' ? '' : group}/${cluster ? kind.slice(1) : kind}`, { resource, namespaced: !cluster });
  }
}

/** `apps/v1` → `['apps', 'v1']`; `v1` → `['', 'v1']`. */
export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** An English plural of a kind, lowercased, as the API server's default REST mapper guesses it. */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** CRDs among the objects, by `group/Kind`. */
export function crdIndex(manifests: readonly Manifest[]): Map<string, { resource: string; namespaced: boolean }> {
  const out = new Map<string, { resource: string; namespaced: boolean }>();
  for (const m of manifests) {
    if (m.ref.kind !== 'CustomResourceDefinition') continue;
    const spec = m.object.spec;
    if (!isRecord(spec) || !isRecord(spec.names) || typeof spec.group !== 'string') continue;
    const { kind, plural } = spec.names;
    if (typeof kind !== 'string') continue;
    out.set(`${spec.group}/${kind}`, { resource: typeof plural === 'string' ? plural : guessPlural(kind), namespaced: spec.scope !== 'Cluster' });
  }
  return out;
}

/** The resource of an object's kind. `hasNamespace` decides the scope of a kind nothing else describes. */
export function resourceOf(apiVersion: string, kind: string, crds: ReadonlyMap<string, { resource: string; namespaced: boolean }>, hasNamespace: boolean): ResourceInfo {
  const [group, version] = splitApiVersion(apiVersion);
  const key = `${group}/${kind}`;
  const builtin = BUILTIN.get(key);
  if (builtin) return { group, version, ...builtin, source: 'builtin' };
  const crd = crds.get(key);
  if (crd) return { group, version, ...crd, source: 'crd' };
  return { group, version, resource: guessPlural(kind), namespaced: hasNamespace, source: 'guess' };
}

/** True when the kind is known to be cluster-scoped (no namespace). */
export function isClusterScoped(m: Manifest, crds: ReadonlyMap<string, { resource: string; namespaced: boolean }>): boolean {
  return !resourceOf(m.ref.apiVersion, m.ref.kind, crds, m.ref.namespace !== undefined).namespaced;
}
