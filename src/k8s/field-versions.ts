/**
 * Data: fields of Pod templates, DaemonSets and Services that newer Kubernetes versions added, with the feature gate
 * that guards each and the minor versions of its stages. No logic here; the `field-availability` rule reads it.
 *
 * Source: the official Kubernetes feature gate reference (https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/,
 * one page per gate with its stages: alpha off by default, beta on by default, GA), restated in our own words. Only
 * fields whose gate pages name them are listed; the strict schemas (1.35) cannot say when a field appeared.
 */

/** Where a field lives. */
export type FieldScope =
  /** In the Pod spec of every kind with a Pod template (paths relative to the Pod spec). */
  | 'pod'
  /** In each container and init container of a Pod spec. */
  | 'container'
  /** In each init container only. */
  | 'initContainer'
  /** In the object itself (paths from the object root), for the kinds listed. */
  | 'object';

export interface FieldFact {
  scope: FieldScope;
  /** Kinds, for `object` facts. */
  kinds?: readonly string[];
  /** Path inside the scope. */
  path: readonly string[];
  /**
   * While the gate exists but is off, only this value changes anything (e.g. `hostUsers: false`); before the field
   * existed, any value is unknown to the API server.
   */
  value?: string | boolean;
  gate: string;
  /** The minor that added the field, off by default; absent when it arrived on by default. */
  alpha?: number;
  /** The first minor with the field on by default (beta or GA). */
  onByDefault: number;
  /** The minor that made it GA, when it is. */
  ga?: number;
  /** What the field does, a few words. */
  what: string;
  /** What to use on versions without it, when there is an older way. */
  before?: string;
}

export const FIELD_FACTS: readonly FieldFact[] = [
  {
    scope: 'object',
    kinds: ['DaemonSet'],
    path: ['spec', 'updateStrategy', 'rollingUpdate', 'maxSurge'],
    gate: 'DaemonSetUpdateSurge',
    alpha: 21,
    onByDefault: 22,
    ga: 25,
    what: 'starting the new Pod on a node before the old one stops during a rolling update',
  },
  {
    scope: 'object',
    kinds: ['Service'],
    path: ['spec', 'internalTrafficPolicy'],
    gate: 'ServiceInternalTrafficPolicy',
    alpha: 21,
    onByDefault: 22,
    ga: 26,
    what: 'routing in-cluster traffic only to endpoints on the same node',
  },
  {
    scope: 'object',
    kinds: ['Service'],
    path: ['spec', 'trafficDistribution'],
    gate: 'ServiceTrafficDistribution',
    alpha: 30,
    onByDefault: 31,
    ga: 33,
    what: 'preferring topologically close endpoints',
  },
  {
    scope: 'object',
    kinds: ['Service'],
    path: ['spec', 'loadBalancerClass'],
    gate: 'ServiceLoadBalancerClass',
    alpha: 21,
    onByDefault: 22,
    ga: 24,
    what: 'choosing the load balancer implementation',
  },
  {
    scope: 'object',
    kinds: ['Service'],
    path: ['spec', 'allocateLoadBalancerNodePorts'],
    gate: 'ServiceLBNodePortControl',
    alpha: 20,
    onByDefault: 22,
    ga: 24,
    what: 'turning off node ports for a LoadBalancer Service',
  },
  {
    scope: 'initContainer',
    path: ['restartPolicy'],
    value: 'Always',
    gate: 'SidecarContainers',
    alpha: 28,
    onByDefault: 29,
    ga: 33,
    what: 'sidecar containers, init containers that keep running',
  },
  {
    scope: 'pod',
    path: ['os'],
    gate: 'IdentifyPodOS',
    alpha: 23,
    onByDefault: 24,
    ga: 25,
    what: 'declaring the operating system of the Pod',
  },
  {
    scope: 'pod',
    path: ['schedulingGates'],
    gate: 'PodSchedulingReadiness',
    alpha: 26,
    onByDefault: 27,
    ga: 30,
    what: 'holding Pods back from scheduling',
  },
  {
    scope: 'pod',
    path: ['hostUsers'],
    value: false,
    gate: 'UserNamespacesSupport',
    alpha: 25,
    onByDefault: 33,
    what: 'running the Pod in its own user namespace',
  },
  {
    scope: 'pod',
    path: ['securityContext', 'appArmorProfile'],
    gate: 'AppArmorFields',
    onByDefault: 30,
    ga: 31,
    what: 'the AppArmor profile as a field',
    before: 'the annotation `container.apparmor.security.beta.kubernetes.io/<container name>` on the Pod template',
  },
  {
    scope: 'container',
    path: ['securityContext', 'appArmorProfile'],
    gate: 'AppArmorFields',
    onByDefault: 30,
    ga: 31,
    what: 'the AppArmor profile as a field',
    before: 'the annotation `container.apparmor.security.beta.kubernetes.io/<container name>` on the Pod template',
  },
  {
    scope: 'container',
    path: ['lifecycle', 'preStop', 'sleep'],
    gate: 'PodLifecycleSleepAction',
    alpha: 29,
    onByDefault: 30,
    ga: 34,
    what: 'the sleep action of lifecycle hooks',
  },
  {
    scope: 'container',
    path: ['lifecycle', 'postStart', 'sleep'],
    gate: 'PodLifecycleSleepAction',
    alpha: 29,
    onByDefault: 30,
    ga: 34,
    what: 'the sleep action of lifecycle hooks',
  },
];
