/**
 * The clues role inference (src/k8s/roles.ts) weighs: images, host paths, commands, ports and container names. A clue
 * of weight 3 decides on its own (a well-known image, the device-plugin socket directory); weight 2 needs a second
 * clue; weight 1 (a name, a capability, a port) only tips a balance.
 */
import { under, type HostMount } from './host-paths.js';

/** What a container or Pod can be for. */
export const ROLES = [
  'network-agent',
  'cni-installer',
  'csi-node',
  'device-plugin',
  'node-setup',
  'log-shipper',
  'metrics-exporter',
  'monitoring-agent',
  'security-agent',
  'node-maintenance',
  'helper',
  'placeholder',
] as const;
export type Role = (typeof ROLES)[number];

/** Facts about how a role does its job that change the advice rules give. */
export type Trait = 'kmsg' | 'host-namespaces' | 'sysctl' | 'reboot' | 'network-filesystem' | 'node-metrics';

export interface Clue {
  role: Role;
  weight: number;
  why: string;
  trait?: Trait;
}

interface PatternClue {
  test: RegExp;
  role: Role;
  weight: number;
  trait?: Trait;
}

/**
 * The repository of an image reference, lowercased, without registry host, tag or digest:
 * `quay.io/calico/node:v3.27@sha256:…` → `calico/node`, `602401143452.dkr.ecr…/amazon-k8s-cni:v1` → `amazon-k8s-cni`.
 */
export function imageRepository(image: string): string {
  let s = image.trim().toLowerCase();
  const at = s.indexOf('@');
  if (at !== -1) s = s.slice(0, at);
  const colon = s.lastIndexOf(':');
  if (colon > s.lastIndexOf('/')) s = s.slice(0, colon);
  const parts = s.split('/');
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) parts.shift();
  return parts.join('/');
}

/** Image repositories (see imageRepository) of well-known node agents. */
export const IMAGE_CLUES: readonly PatternClue[] = [
  // Network agents: CNI datapaths, network policy, service proxies, routing and load-balancer speakers, node-local DNS.
  { test: /^calico\/(node|typha|kube-controllers)$/, role: 'network-agent', weight: 3 },
  { test: /^calico\/calico$/, role: 'network-agent', weight: 2 }, // One image for every Calico component, CSI included.
  { test: /^cilium\/(cilium|operator[\w-]*)$/, role: 'network-agent', weight: 3 },
  { test: /^(flannel|flannel-io|coreos)\/flannel$/, role: 'network-agent', weight: 3 },
  { test: /^flannel\//, role: 'network-agent', weight: 3 },
  { test: /^weaveworks\/weave-(kube|npc)$/, role: 'network-agent', weight: 3 },
  { test: /(^|\/)kube-router$/, role: 'network-agent', weight: 3 },
  { test: /(^|\/)kube-proxy(-amd64|-arm64)?$/, role: 'network-agent', weight: 3 },
  { test: /(^|\/)amazon-k8s-cni$|(^|\/)aws-network-policy-agent$/, role: 'network-agent', weight: 3 },
  { test: /(^|\/)multus(-cni)?$/, role: 'network-agent', weight: 3 },
  { test: /(^|\/)install-cni$|(^|\/)ztunnel$|(^|\/)linkerd2?-cni(-plugin)?$/, role: 'network-agent', weight: 3 },
  { test: /(^|\/)antrea-(agent|ubuntu)$|(^|\/)ovnkube|(^|\/)ovn-kubernetes|(^|\/)kube-ovn$|(^|\/)kindnetd$|(^|\/)whereabouts$/, role: 'network-agent', weight: 3 },
  { test: /(^|\/)k8s-dns-node-cache$/, role: 'network-agent', weight: 3 },
  { test: /^metallb\/(speaker|frr-k8s)$|^frrouting\/frr$|(^|\/)kube-vip$/, role: 'network-agent', weight: 3 },
  // CNI installers.
  { test: /^calico\/cni$|(^|\/)flannel-cni-plugin$|(^|\/)amazon-k8s-cni-init$/, role: 'cni-installer', weight: 3 },
  // CSI node plugins (the host paths they mount decide; an image alone is not enough).
  { test: /csi-driver$|^csi-secrets-store\/driver$|(^|\/)(nfs|smb)plugin$/, role: 'csi-node', weight: 2 },
  { test: /(^|\/)(nfs|smb)plugin$|csi-driver-(nfs|smb)|efs-csi|azurefile|filestore|cephfs|glusterfs|lustre/, role: 'csi-node', weight: 0, trait: 'network-filesystem' },
  // Device plugins (the device-plugins socket directory decides).
  { test: /device-plugin/, role: 'device-plugin', weight: 2 },
  // Driver installers and node setup.
  { test: /(gpu|driver)-installer$|(^|\/)(falco-)?driver-loader$|nvidia-partition-gpu$|(^|\/)startup-script$|^nvidia\/driver$/, role: 'node-setup', weight: 3 },
  // Helpers next to the real work: CSI sidecars, auth proxies, config reloaders; and placeholders.
  { test: /(^|\/)csi-node-driver-registrar$|(^|\/)livenessprobe$/, role: 'helper', weight: 3 },
  { test: /(^|\/)kube-rbac-proxy$|(^|\/)prometheus-config-reloader$|(^|\/)configmap-reload$/, role: 'helper', weight: 3 },
  { test: /(^|\/)pause(-amd64|-arm64)?$/, role: 'placeholder', weight: 3 },
  // Log shippers.
  { test: /fluent-bit|fluentd|(^|\/)filebeat$|(^|\/)promtail$|(^|\/)logstash$|^timberio\/vector/, role: 'log-shipper', weight: 3 },
  // Metrics exporters: serve metrics to a scraper, send nothing.
  { test: /node-exporter$|(^|\/)cadvisor$|-exporter$/, role: 'metrics-exporter', weight: 3 },
  { test: /node-exporter$/, role: 'metrics-exporter', weight: 0, trait: 'node-metrics' },
  // Monitoring agents: collect and send data to a backend.
  {
    test: /^datadog\/agent$|^newrelic\/infrastructure|cloudwatch-agent$|^grafana\/(alloy|agent)$|opentelemetry-collector|(^|\/)telegraf$|(^|\/)elastic-agent$|(^|\/)metricbeat$|^weaveworks\/scope$|(^|\/)prometheus-to-sd$/,
    role: 'monitoring-agent',
    weight: 3,
  },
  // Security and eBPF agents.
  { test: /^falcosecurity\/falco(-no-driver)?$|(^|\/)tetragon$|(^|\/)tracee$/, role: 'security-agent', weight: 3 },
  // Node maintenance.
  { test: /(^|\/)kured$/, role: 'node-maintenance', weight: 3, trait: 'reboot' },
  { test: /node-problem-detector$/, role: 'node-maintenance', weight: 3 },
];

/** A container's own name: a weak clue. */
export const NAME_CLUES: readonly PatternClue[] = [
  { test: /install-cni|cni-install|cni-plugin/, role: 'cni-installer', weight: 1 },
  { test: /driver-registrar|liveness-?probe|rbac-proxy|config-?reloader/, role: 'helper', weight: 1 },
  { test: /exporter/, role: 'metrics-exporter', weight: 1 },
  { test: /fluent|filebeat|promtail|log-?(collector|shipper)/, role: 'log-shipper', weight: 1 },
  { test: /driver-(installer|loader)|installer$|installation$/, role: 'node-setup', weight: 1 },
  { test: /sysctl/, role: 'node-setup', weight: 1, trait: 'sysctl' },
  { test: /device-plugin/, role: 'device-plugin', weight: 1 },
  { test: /problem-detector|kured/, role: 'node-maintenance', weight: 1 },
];

/** Well-known container ports. */
export const PORT_CLUES: ReadonlyMap<number, { role: Role; what: string }> = new Map([
  [9100, { role: 'metrics-exporter', what: 'node-exporter' }],
  [53, { role: 'network-agent', what: 'DNS' }],
  [179, { role: 'network-agent', what: 'BGP' }],
]);

/** Commands that only wait: the container holds the Pod while init containers did the work. */
const PLACEHOLDER =
  /^(?:(?:\/bin\/|\/usr\/bin\/)?(?:ba)?sh\s+-c\s+)?(?:echo\b[^;&|]*(?:&&|;)\s*)?(?:sleep\s+(?:infinity|inf|\d+[smhd]?)|tail\s+-f\s+\/dev\/null|while\s+true;?\s*do\s+sleep\s+\d+;?\s*done|\/?pause)\s*$/;

/** `nsenter` into PID 1's namespaces: the command runs on the node itself. */
const NSENTER_HOST = /\bnsenter\b[^\n;&|]*?(?:\s-[a-z]*t\s*1\b|--target[=\s]+1\b|\/proc\/1\/ns\/)/;
const CALICO_COMPONENT = /(?:^|\s|\/)(?:calico\s+)?component\s+(node|typha|kube-controllers|felix|cni|csi)\b/;
const SYSCTL_WRITE = /\bsysctl\s+(?:-\w+\s+)*(?:-w\b|[\w.]+=)/;

export function commandClues(command: readonly string[]): Clue[] {
  if (!command.length) return [];
  const text = command.join(' ').trim();
  const out: Clue[] = [];
  if (PLACEHOLDER.test(text)) out.push({ role: 'placeholder', weight: 3, why: `only waits (${text.slice(0, 40)})` });
  if (NSENTER_HOST.test(text)) out.push({ role: 'node-setup', weight: 3, why: "runs commands in the node's namespaces (nsenter)", trait: 'host-namespaces' });
  if (SYSCTL_WRITE.test(text)) out.push({ role: 'node-setup', weight: 2, why: 'runs sysctl -w', trait: 'sysctl' });
  // The single Calico image names the component to run in its arguments.
  const component = CALICO_COMPONENT.exec(text)?.[1];
  if (component) out.push({ role: component === 'csi' ? 'csi-node' : component === 'cni' ? 'cni-installer' : 'network-agent', weight: 1, why: `runs Calico component ${component}` });
  return out;
}

const CNI_DIRS = ['/opt/cni', '/etc/cni', '/usr/libexec/cni', '/var/lib/cni'];
/** Where the kubelet looks for FlexVolume drivers (the default, and the one of Container Linux and its heirs). */
const FLEXVOLUME_DIRS = ['/usr/libexec/kubernetes/kubelet-plugins/volume/exec', '/opt/bin/volume-plugins', '/var/lib/kubelet/volumeplugins'];
const XTABLES = ['/run/xtables.lock', '/var/run/xtables.lock'];
const CONTAINER_LOGS = ['/var/log/pods', '/var/log/containers', '/var/lib/docker/containers'];

/** Clues from a container's hostPath mounts. */
export function mountClues(mounts: readonly HostMount[], init: boolean): Clue[] {
  const out: Clue[] = [];
  let csiSocket = false;
  let registry = false;
  let kubeletPods = false;
  let procRo = false;
  let sysRo = false;
  const seen = new Set<string>();
  const add = (c: Clue) => {
    if (seen.has(c.why)) return;
    seen.add(c.why);
    out.push(c);
  };
  for (const m of mounts) {
    const p = m.hostPath;
    const writable = !m.readOnly;
    if (!init && under(p, '/var/lib/kubelet/device-plugins')) add({ role: 'device-plugin', weight: 3, why: 'mounts the kubelet device-plugins directory' });
    if (under(p, '/var/lib/kubelet/plugins_registry')) registry = true;
    else if (p.startsWith('/var/lib/kubelet/plugins/')) csiSocket = true;
    if (p === '/var/lib/kubelet' || under(p, '/var/lib/kubelet/pods')) kubeletPods = true;
    // One clue however many CNI directories it writes.
    if (writable && CNI_DIRS.some((d) => under(p, d)))
      add(init ? { role: 'cni-installer', weight: 3, why: 'writes the CNI directories (init container)' } : { role: 'network-agent', weight: 2, why: 'writes the CNI directories' });
    if (writable && init && FLEXVOLUME_DIRS.some((d) => under(p, d))) add({ role: 'node-setup', weight: 3, why: 'installs a FlexVolume driver (init container)' });
    if (XTABLES.includes(p)) add({ role: 'network-agent', weight: 2, why: 'shares the iptables lock' });
    if (p === '/dev/kmsg') add({ role: 'node-maintenance', weight: 2, why: 'reads the kernel log (/dev/kmsg)', trait: 'kmsg' });
    if (CONTAINER_LOGS.some((d) => under(p, d))) add({ role: 'log-shipper', weight: 2, why: `reads container logs (${p})` });
    if (writable && init && (under(p, '/lib/modules') || under(p, '/usr/lib/modules'))) add({ role: 'node-setup', weight: 2, why: `writes kernel modules (${p})` });
    if (p === '/proc' && m.readOnly) procRo = true;
    if (p === '/sys' && m.readOnly) sysRo = true;
  }
  if (!init && csiSocket && kubeletPods) out.push({ role: 'csi-node', weight: 3, why: 'mounts a CSI socket directory and the kubelet Pod volumes' });
  else if (csiSocket && registry) out.push({ role: 'helper', weight: 2, why: 'mounts a CSI socket directory and the kubelet plugin registry' });
  else if (csiSocket) out.push({ role: 'csi-node', weight: 1, why: 'mounts a CSI socket directory' });
  if (procRo && sysRo) out.push({ role: 'metrics-exporter', weight: 1, why: 'reads /proc and /sys of the node' });
  return out;
}
