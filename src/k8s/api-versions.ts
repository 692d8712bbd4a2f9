/**
 * Data: which built-in apiVersions Kubernetes serves, from which minor version, and which ones it deprecated and
 * stopped serving since 1.16. Read by src/k8s/api-availability.ts; no logic here.
 *
 * Sources (facts only, restated in our own words):
 * - Removals, replacements, "available since" versions and notable changes: the official Kubernetes "Deprecated API
 *   Migration Guide" (https://kubernetes.io/docs/reference/using-api/deprecation-guide/), sections v1.16, v1.22,
 *   v1.25, v1.26, v1.27, v1.29 and v1.32; the 1.16 removal of `extensions/v1beta1` PodSecurityPolicy from the
 *   Kubernetes blog post "Deprecated APIs Removed In 1.16: Here's What You Need To Know" (2019-07-18).
 * - Deprecation versions and the minor each kind is first served from: the `+k8s:prerelease-lifecycle-gen` data of
 *   the official Go API types (k8s.io/api `zz_generated.prerelease-lifecycle.go`, and the CustomResourceDefinition
 *   and APIService types of k8s.io/apiextensions-apiserver and k8s.io/kube-aggregator). Where the guide gives a
 *   different "available since" version for a GA kind, the guide wins.
 *
 * Minor versions are numbers: 22 means Kubernetes 1.22. 0 means "long before 1.16".
 */

/** What to use instead of a removed or deprecated apiVersion, with the minor it is served from. */
export interface Replacement {
  apiVersion: string;
  /** The kind, when it differs from the old one. */
  kind?: string;
  since: number;
}

/** One deprecated or removed apiVersion for some kinds (one row of the migration guide). */
export interface ApiChange {
  apiVersion: string;
  kinds: readonly string[];
  /** The minor that deprecated it (API server warnings from 1.19 on), when known. */
  deprecated?: number;
  /** The first minor that no longer serves it. */
  removed: number;
  /** Best first. Empty when nothing replaces the API (see `instead`). */
  replacements: readonly Replacement[];
  /** What to do when there is no replacement API. */
  instead?: string;
  /** Notable differences of the replacement, from the migration guide. */
  notes?: readonly string[];
  /** The guide lists no notable changes: changing `apiVersion` is the whole migration. */
  sameShape?: boolean;
}

const APPS_V1 = [{ apiVersion: 'apps/v1', since: 9 }];

const INGRESS_NOTES = [
  '`spec.backend` is renamed `spec.defaultBackend`',
  "a backend's `serviceName` becomes `service.name`, a numeric `servicePort` `service.port.number` and a named one `service.port.name`",
  '`pathType` is required on every path (`ImplementationSpecific` keeps the old behaviour)',
];

/** Every apiVersion/kind the migration guide lists as removed since 1.16, oldest removal first. */
export const API_CHANGES: readonly ApiChange[] = [
  // ---- 1.16
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], deprecated: 9, removed: 16, replacements: [{ apiVersion: 'networking.k8s.io/v1', since: 8 }], sameShape: true },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['PodSecurityPolicy'],
    deprecated: 11,
    removed: 16,
    replacements: [{ apiVersion: 'policy/v1beta1', since: 10 }],
    notes: ['`policy/v1beta1` PodSecurityPolicy itself stops being served in 1.25, when the PodSecurityPolicy admission controller is removed'],
  },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['DaemonSet'],
    deprecated: 8,
    removed: 16,
    replacements: APPS_V1,
    notes: [
      '`spec.templateGeneration` no longer exists',
      '`spec.selector` is required and cannot change after creation; select the existing template labels',
      '`spec.updateStrategy.type` defaults to `RollingUpdate` (it defaulted to `OnDelete` in `extensions/v1beta1`)',
    ],
  },
  {
    apiVersion: 'apps/v1beta2',
    kinds: ['DaemonSet'],
    deprecated: 9,
    removed: 16,
    replacements: APPS_V1,
    notes: [
      '`spec.templateGeneration` no longer exists',
      '`spec.selector` is required and cannot change after creation; select the existing template labels',
    ],
  },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['Deployment'],
    deprecated: 8,
    removed: 16,
    replacements: APPS_V1,
    notes: [
      '`spec.rollbackTo` no longer exists',
      '`spec.selector` is required and cannot change after creation; select the existing template labels',
      '`spec.progressDeadlineSeconds` defaults to 600 seconds (no deadline in `extensions/v1beta1`)',
      '`spec.revisionHistoryLimit` defaults to 10 (`extensions/v1beta1` kept every old ReplicaSet)',
      '`maxSurge` and `maxUnavailable` default to 25% (1 in `extensions/v1beta1`)',
    ],
  },
  {
    apiVersion: 'apps/v1beta1',
    kinds: ['Deployment'],
    deprecated: 8,
    removed: 16,
    replacements: APPS_V1,
    notes: [
      '`spec.rollbackTo` no longer exists',
      '`spec.selector` is required and cannot change after creation; select the existing template labels',
      '`spec.revisionHistoryLimit` defaults to 10 (2 in `apps/v1beta1`)',
    ],
  },
  {
    apiVersion: 'apps/v1beta2',
    kinds: ['Deployment'],
    deprecated: 9,
    removed: 16,
    replacements: APPS_V1,
    notes: ['`spec.selector` is required and cannot change after creation; select the existing template labels'],
  },
  {
    apiVersion: 'apps/v1beta1',
    kinds: ['StatefulSet'],
    deprecated: 8,
    removed: 16,
    replacements: APPS_V1,
    notes: [
      '`spec.selector` is required and cannot change after creation; select the existing template labels',
      '`spec.updateStrategy.type` defaults to `RollingUpdate` (it defaulted to `OnDelete` in `apps/v1beta1`)',
    ],
  },
  {
    apiVersion: 'apps/v1beta2',
    kinds: ['StatefulSet'],
    deprecated: 9,
    removed: 16,
    replacements: APPS_V1,
    notes: ['`spec.selector` is required and cannot change after creation; select the existing template labels'],
  },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['ReplicaSet'],
    deprecated: 8,
    removed: 16,
    replacements: APPS_V1,
    notes: ['`spec.selector` is required and cannot change after creation; select the existing template labels'],
  },
  {
    apiVersion: 'apps/v1beta1',
    kinds: ['ReplicaSet'],
    removed: 16,
    replacements: APPS_V1,
    notes: ['`spec.selector` is required and cannot change after creation; select the existing template labels'],
  },
  {
    apiVersion: 'apps/v1beta2',
    kinds: ['ReplicaSet'],
    deprecated: 9,
    removed: 16,
    replacements: APPS_V1,
    notes: ['`spec.selector` is required and cannot change after creation; select the existing template labels'],
  },
  // Not in the guide; every resource of apps/v1beta1 and apps/v1beta2 stopped being served in 1.16.
  { apiVersion: 'apps/v1beta1', kinds: ['ControllerRevision'], deprecated: 8, removed: 16, replacements: APPS_V1, sameShape: true },
  { apiVersion: 'apps/v1beta2', kinds: ['ControllerRevision'], deprecated: 9, removed: 16, replacements: APPS_V1, sameShape: true },

  // ---- 1.22
  {
    apiVersion: 'admissionregistration.k8s.io/v1beta1',
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    deprecated: 16,
    removed: 22,
    replacements: [{ apiVersion: 'admissionregistration.k8s.io/v1', since: 16 }],
    notes: [
      '`webhooks[*].failurePolicy` defaults to `Fail` (was `Ignore`)',
      '`webhooks[*].matchPolicy` defaults to `Equivalent` (was `Exact`)',
      '`webhooks[*].timeoutSeconds` defaults to 10s (was 30s)',
      '`webhooks[*].sideEffects` is required and only `None` or `NoneOnDryRun` are accepted',
      '`webhooks[*].admissionReviewVersions` is required',
      '`webhooks[*].name` must be unique in the list',
    ],
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1beta1',
    kinds: ['CustomResourceDefinition'],
    deprecated: 16,
    removed: 22,
    replacements: [{ apiVersion: 'apiextensions.k8s.io/v1', since: 16 }],
    notes: [
      '`spec.scope` is required (no default `Namespaced`)',
      '`spec.version` is gone: use `spec.versions`',
      '`spec.validation`, `spec.subresources` and `spec.additionalPrinterColumns` move into each `spec.versions[*]` (`schema`, `subresources`, `additionalPrinterColumns`)',
      '`spec.conversion.webhookClientConfig` moves to `spec.conversion.webhook.clientConfig`, `spec.conversion.conversionReviewVersions` to `spec.conversion.webhook.conversionReviewVersions`',
      '`spec.versions[*].schema.openAPIV3Schema` is required and must be a structural schema',
      '`spec.preserveUnknownFields: true` is not accepted: use `x-kubernetes-preserve-unknown-fields: true` inside the schema',
      'in `additionalPrinterColumns`, `JSONPath` is spelt `jsonPath`',
    ],
  },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], deprecated: 19, removed: 22, replacements: [{ apiVersion: 'apiregistration.k8s.io/v1', since: 10 }], sameShape: true },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], deprecated: 19, removed: 22, replacements: [{ apiVersion: 'authentication.k8s.io/v1', since: 6 }], sameShape: true },
  {
    apiVersion: 'authorization.k8s.io/v1beta1',
    kinds: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview'],
    deprecated: 19,
    removed: 22,
    replacements: [{ apiVersion: 'authorization.k8s.io/v1', since: 6 }],
    notes: ['`spec.group` is renamed `spec.groups`'],
  },
  // Not in the guide: the same group version, same removal (prerelease lifecycle).
  { apiVersion: 'authorization.k8s.io/v1beta1', kinds: ['SelfSubjectRulesReview'], deprecated: 19, removed: 22, replacements: [{ apiVersion: 'authorization.k8s.io/v1', since: 8 }], sameShape: true },
  {
    apiVersion: 'certificates.k8s.io/v1beta1',
    kinds: ['CertificateSigningRequest'],
    deprecated: 19,
    removed: 22,
    replacements: [{ apiVersion: 'certificates.k8s.io/v1', since: 19 }],
    notes: [
      '`spec.signerName` is required, and `kubernetes.io/legacy-unknown` cannot be requested',
      '`spec.usages` is required, without duplicates, and only known usages',
      '`status.conditions` may not repeat a type and each needs `status`; `status.certificate` must be PEM `CERTIFICATE` blocks',
    ],
  },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], deprecated: 19, removed: 22, replacements: [{ apiVersion: 'coordination.k8s.io/v1', since: 14 }], sameShape: true },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['Ingress'],
    deprecated: 14,
    removed: 22,
    replacements: [{ apiVersion: 'networking.k8s.io/v1', since: 19 }],
    notes: INGRESS_NOTES,
  },
  {
    apiVersion: 'networking.k8s.io/v1beta1',
    kinds: ['Ingress'],
    deprecated: 19,
    removed: 22,
    replacements: [{ apiVersion: 'networking.k8s.io/v1', since: 19 }],
    notes: INGRESS_NOTES,
  },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['IngressClass'], deprecated: 19, removed: 22, replacements: [{ apiVersion: 'networking.k8s.io/v1', since: 19 }], sameShape: true },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1beta1',
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    deprecated: 17,
    removed: 22,
    replacements: [{ apiVersion: 'rbac.authorization.k8s.io/v1', since: 8 }],
    sameShape: true,
  },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], deprecated: 14, removed: 22, replacements: [{ apiVersion: 'scheduling.k8s.io/v1', since: 14 }], sameShape: true },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver'], deprecated: 19, removed: 22, replacements: [{ apiVersion: 'storage.k8s.io/v1', since: 19 }], sameShape: true },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSINode'], deprecated: 17, removed: 22, replacements: [{ apiVersion: 'storage.k8s.io/v1', since: 17 }], sameShape: true },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['StorageClass'], deprecated: 19, removed: 22, replacements: [{ apiVersion: 'storage.k8s.io/v1', since: 6 }], sameShape: true },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['VolumeAttachment'], deprecated: 19, removed: 22, replacements: [{ apiVersion: 'storage.k8s.io/v1', since: 13 }], sameShape: true },

  // ---- 1.25
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], deprecated: 21, removed: 25, replacements: [{ apiVersion: 'batch/v1', since: 21 }], sameShape: true },
  {
    apiVersion: 'discovery.k8s.io/v1beta1',
    kinds: ['EndpointSlice'],
    deprecated: 21,
    removed: 25,
    replacements: [{ apiVersion: 'discovery.k8s.io/v1', since: 21 }],
    notes: [
      'each endpoint has `nodeName` and `zone` fields instead of the `topology` keys `kubernetes.io/hostname` and `topology.kubernetes.io/zone`',
      '`topology` becomes `deprecatedTopology`, which cannot be written',
    ],
  },
  {
    apiVersion: 'events.k8s.io/v1beta1',
    kinds: ['Event'],
    deprecated: 22,
    removed: 25,
    replacements: [{ apiVersion: 'events.k8s.io/v1', since: 19 }],
    notes: [
      '`type` is `Normal` or `Warning` only',
      '`involvedObject` is renamed `regarding`',
      '`action`, `reason`, `reportingComponent` and `reportingInstance` are required for new Events',
      '`firstTimestamp`, `lastTimestamp`, `count` and `source` are replaced by `eventTime`, `series.lastObservedTime`, `series.count`, `reportingComponent` and `reportingInstance`',
    ],
  },
  {
    apiVersion: 'autoscaling/v2beta1',
    kinds: ['HorizontalPodAutoscaler'],
    deprecated: 22,
    removed: 25,
    replacements: [{ apiVersion: 'autoscaling/v2', since: 23 }],
    notes: ['`targetAverageUtilization` is replaced by `target.averageUtilization` with `target.type: Utilization`'],
  },
  {
    apiVersion: 'policy/v1beta1',
    kinds: ['PodDisruptionBudget'],
    deprecated: 21,
    removed: 25,
    replacements: [{ apiVersion: 'policy/v1', since: 21 }],
    notes: ['an empty `spec.selector` (`{}`) selects every Pod of the namespace in `policy/v1` (it selected none in `policy/v1beta1`); an absent selector still selects none'],
  },
  {
    apiVersion: 'policy/v1beta1',
    kinds: ['PodSecurityPolicy'],
    deprecated: 21,
    removed: 25,
    replacements: [],
    instead: 'PodSecurityPolicy has no successor API: enforce Pod Security Standards with the built-in Pod Security Admission (namespace labels `pod-security.kubernetes.io/*`) or an admission webhook',
  },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], deprecated: 22, removed: 25, replacements: [{ apiVersion: 'node.k8s.io/v1', since: 20 }], sameShape: true },

  // ---- 1.26
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    deprecated: 23,
    removed: 26,
    replacements: [
      { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', since: 29 },
      { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', since: 26 },
      { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', since: 23 },
    ],
  },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], deprecated: 23, removed: 26, replacements: [{ apiVersion: 'autoscaling/v2', since: 23 }], sameShape: true },

  // ---- 1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], deprecated: 24, removed: 27, replacements: [{ apiVersion: 'storage.k8s.io/v1', since: 24 }], sameShape: true },

  // ---- 1.29
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    deprecated: 26,
    removed: 29,
    replacements: [
      { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', since: 29 },
      { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', since: 26 },
    ],
    notes: ['PriorityLevelConfiguration `spec.limited.assuredConcurrencyShares` is renamed `spec.limited.nominalConcurrencyShares`'],
  },

  // ---- 1.32
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    deprecated: 29,
    removed: 32,
    replacements: [{ apiVersion: 'flowcontrol.apiserver.k8s.io/v1', since: 29 }],
    notes: ['PriorityLevelConfiguration `spec.limited.nominalConcurrencyShares` defaults to 30 only when unset; an explicit 0 stays 0'],
  },
];


/**
 * Built-in API groups (the empty string is the core group). An apiVersion of any other group is a custom resource
 * (served by a CustomResourceDefinition or an aggregated API server), never a typo of a built-in one by itself.
 */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admission.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'settings.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/**
 * Kinds of the built-in GA and beta apiVersions, with the minor each is first served from (0: before 1.16). Beta
 * APIs added since 1.24 are off unless enabled on the API server; their minor is when they first exist. Removed
 * apiVersions are listed in {@link API_CHANGES} only. Alpha apiVersions are not listed (and not judged).
 */
export const SERVED_KINDS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  v1: {
    Binding: 0,
    ComponentStatus: 0,
    ConfigMap: 0,
    Endpoints: 0,
    Event: 0,
    LimitRange: 0,
    List: 0,
    Namespace: 0,
    Node: 0,
    PersistentVolume: 0,
    PersistentVolumeClaim: 0,
    Pod: 0,
    PodTemplate: 0,
    RangeAllocation: 0,
    ReplicationController: 0,
    ResourceQuota: 0,
    Secret: 0,
    Service: 0,
    ServiceAccount: 0,
    Status: 0,
  },
  'admissionregistration.k8s.io/v1': {
    MutatingWebhookConfiguration: 16,
    ValidatingWebhookConfiguration: 16,
    ValidatingAdmissionPolicy: 30,
    ValidatingAdmissionPolicyBinding: 30,
    MutatingAdmissionPolicy: 36,
    MutatingAdmissionPolicyBinding: 36,
  },
  'admissionregistration.k8s.io/v1beta1': {
    ValidatingAdmissionPolicy: 28,
    ValidatingAdmissionPolicyBinding: 28,
    MutatingAdmissionPolicy: 34,
    MutatingAdmissionPolicyBinding: 34,
  },
  'apiextensions.k8s.io/v1': { CustomResourceDefinition: 16 },
  'apiregistration.k8s.io/v1': { APIService: 0 },
  'apps/v1': { ControllerRevision: 0, DaemonSet: 0, Deployment: 0, ReplicaSet: 0, StatefulSet: 0 },
  'authentication.k8s.io/v1': { TokenRequest: 0, TokenReview: 0, SelfSubjectReview: 28 },
  'authentication.k8s.io/v1beta1': { SelfSubjectReview: 27 },
  'authorization.k8s.io/v1': { LocalSubjectAccessReview: 0, SelfSubjectAccessReview: 0, SelfSubjectRulesReview: 0, SubjectAccessReview: 0 },
  'autoscaling/v1': { HorizontalPodAutoscaler: 0, Scale: 0 },
  'autoscaling/v2': { HorizontalPodAutoscaler: 23 },
  'batch/v1': { Job: 0, CronJob: 21 },
  'certificates.k8s.io/v1': { CertificateSigningRequest: 19, ClusterTrustBundle: 37, PodCertificateRequest: 37 },
  'certificates.k8s.io/v1beta1': { ClusterTrustBundle: 33, PodCertificateRequest: 35 },
  'coordination.k8s.io/v1': { Lease: 0 },
  'coordination.k8s.io/v1beta1': { LeaseCandidate: 33 },
  'discovery.k8s.io/v1': { EndpointSlice: 21 },
  'events.k8s.io/v1': { Event: 19 },
  'flowcontrol.apiserver.k8s.io/v1': { FlowSchema: 29, PriorityLevelConfiguration: 29 },
  'networking.k8s.io/v1': { NetworkPolicy: 0, Ingress: 19, IngressClass: 19, IPAddress: 33, ServiceCIDR: 33 },
  'networking.k8s.io/v1beta1': { IPAddress: 31, ServiceCIDR: 31 },
  'node.k8s.io/v1': { RuntimeClass: 20 },
  'policy/v1': { PodDisruptionBudget: 21, Eviction: 22 },
  'rbac.authorization.k8s.io/v1': { ClusterRole: 0, ClusterRoleBinding: 0, Role: 0, RoleBinding: 0 },
  'resource.k8s.io/v1': { DeviceClass: 34, ResourceClaim: 34, ResourceClaimTemplate: 34, ResourceSlice: 34, DeviceTaintRule: 37 },
  'resource.k8s.io/v1beta1': { DeviceClass: 32, ResourceClaim: 32, ResourceClaimTemplate: 32, ResourceSlice: 32 },
  'resource.k8s.io/v1beta2': { DeviceClass: 33, ResourceClaim: 33, ResourceClaimTemplate: 33, ResourceSlice: 33, DeviceTaintRule: 36 },
  'scheduling.k8s.io/v1': { PriorityClass: 0 },
  'scheduling.k8s.io/v1beta1': { PodGroup: 37, Workload: 37 },
  'storage.k8s.io/v1': { CSINode: 17, CSIDriver: 19, CSIStorageCapacity: 24, StorageClass: 0, VolumeAttachment: 0, VolumeAttributesClass: 34 },
  'storage.k8s.io/v1beta1': { VolumeAttributesClass: 31 },
  'storagemigration.k8s.io/v1beta1': { StorageVersionMigration: 35 },
  'storagemigration.k8s.io/v1': { StorageVersionMigration: 37 },
};
