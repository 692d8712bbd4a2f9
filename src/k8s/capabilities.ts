/**
 * Linux capabilities as Kubernetes writes them (`NET_ADMIN`, not `CAP_NET_ADMIN`), which of them are
 * close to root, and safe accessors for a container's securityContext.
 */
import type { Path } from '../types.js';
import { closest } from '../util/suggest.js';
import { isRecord, type ContainerRef } from './workloads.js';

/** The 41 Linux capabilities (linux/capability.h, numbers 0–40), without the `CAP_` prefix. */
export const LINUX_CAPABILITIES: readonly string[] = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];

const KNOWN = new Set(LINUX_CAPABILITIES);

/** `ALL` is understood by container runtimes in both `add` and `drop`. */
export const ALL_CAPABILITIES = 'ALL';

/**
 * Capabilities that on their own give a well-known path to controlling the node (its kernel, every
 * process or every file), with the reason shown in messages. Deliberately left out:
 * - NET_ADMIN / NET_RAW: what network agents legitimately need; powerful over the network namespace
 *   but no direct path to the kernel or other processes.
 * - DAC_OVERRIDE, CHOWN, FOWNER, SETUID, SETGID …: in the runtimes' default set already.
 * - PERFMON alone: observation (an information leak), no control.
 * - SYS_TIME, SYS_NICE, SYS_RESOURCE, IPC_LOCK: affect the node's stability, not its ownership.
 */
export const DANGEROUS_CAPABILITIES: ReadonlyMap<string, string> = new Map([
  ['ALL', 'grants every capability, nearly the same as privileged'],
  ['SYS_ADMIN', 'lets the container mount filesystems, create namespaces and perform many other kernel operations (the usual route out of a container)'],
  ['SYS_MODULE', 'lets the container load kernel modules, that is run any code in the node kernel'],
  ['SYS_RAWIO', 'gives raw access to I/O ports and devices such as /dev/mem, and through them to kernel memory'],
  ['SYS_PTRACE', 'lets the container trace other processes and inject code into them'],
  ['SYS_BOOT', 'lets the container reboot the node or load a new kernel with kexec'],
  ['DAC_READ_SEARCH', 'grants open_by_handle_at, which has been used to read any file on the host from inside a container'],
  ['BPF', 'lets the container load eBPF programs, which together with PERFMON can read kernel memory (only eBPF-based agents need it)'],
]);

/** Uppercase a capability name; runtimes uppercase names before use, so `net_admin` works. */
export function canonicalCapability(name: string): string {
  return name.trim().toUpperCase();
}

export function hasCapPrefix(name: string): boolean {
  return /^CAP_/i.test(name.trim());
}

/** Whether a name (any case, no `CAP_` prefix) is a Linux capability or `ALL`. */
export function isKnownCapability(name: string): boolean {
  const c = canonicalCapability(name);
  return c === ALL_CAPABILITIES || KNOWN.has(c);
}

/** Why a capability (accepting a `CAP_` prefix and any case) is near-root, or undefined. */
export function dangerOf(name: string): string | undefined {
  const c = canonicalCapability(name).replace(/^CAP_/, '');
  return DANGEROUS_CAPABILITIES.get(c);
}

/** The valid capability closest to a misspelt one (the name may carry a `CAP_` prefix). */
export function suggestCapability(name: string): string | undefined {
  const c = canonicalCapability(name).replace(/^CAP_/, '');
  // Shell-style wildcards are not understood by runtimes; ALL is.
  if (c === '*' || c === 'ANY' || c === 'EVERYTHING') return ALL_CAPABILITIES;
  if (isKnownCapability(c)) return c;
  return closest(c, [...LINUX_CAPABILITIES, ALL_CAPABILITIES]);
}

// ---- securityContext accessors (never throw on malformed input) ----

/** The container's securityContext when it is a mapping. */
export function securityContextOf(c: Record<string, any>): Record<string, any> | undefined {
  return isRecord(c.securityContext) ? c.securityContext : undefined;
}

/** True only for a literal `privileged: true`. */
export function isPrivileged(c: Record<string, any>): boolean {
  return securityContextOf(c)?.privileged === true;
}

/**
 * The mount path (or volume name) of a volume mount with `mountPropagation: Bidirectional`, which the
 * API server only allows in a privileged container; undefined when there is none.
 */
export function bidirectionalMount(c: Record<string, any>): string | undefined {
  if (!Array.isArray(c.volumeMounts)) return undefined;
  for (const m of c.volumeMounts) {
    if (isRecord(m) && m.mountPropagation === 'Bidirectional') return typeof m.mountPath === 'string' ? m.mountPath : String(m.name);
  }
  return undefined;
}

export interface CapabilityEntry {
  /** The raw entry (a string; non-string entries are skipped). */
  name: string;
  list: 'add' | 'drop';
  index: number;
  /** Path of the entry inside the object. */
  path: Path;
}

/** The string entries of `securityContext.capabilities.add` / `.drop`, with their paths. */
export function capabilityEntries(ref: ContainerRef, list: 'add' | 'drop'): CapabilityEntry[] {
  const caps = securityContextOf(ref.container)?.capabilities;
  if (!isRecord(caps) || !Array.isArray(caps[list])) return [];
  const out: CapabilityEntry[] = [];
  (caps[list] as unknown[]).forEach((name, index) => {
    if (typeof name === 'string') out.push({ name, list, index, path: [...ref.path, 'securityContext', 'capabilities', list, index] });
  });
  return out;
}

/** `container "x"` or `init container "x"` for messages (`Container "x"` with `capital` to start a sentence). */
export function containerLabel(ref: ContainerRef, capital = false): string {
  const name = typeof ref.container.name === 'string' && ref.container.name ? ref.container.name : `#${ref.index + 1}`;
  const what = ref.init ? 'init container' : 'container';
  return `${capital ? what[0]!.toUpperCase() + what.slice(1) : what} "${name}"`;
}

// ---- what a privileged container probably needs instead ----

export interface RoleAdvice {
  role: string;
  /** Capabilities the role usually needs (possibly none). */
  capabilities: string[];
  /** A full sentence saying what such a container usually needs instead of privilege. */
  advice: string;
}

const word = (...names: string[]) => new RegExp(`(?:^|[^a-z0-9])(?:${names.join('|')})(?:[^a-z0-9]|$)`);

const NETWORK: RoleAdvice = {
  role: 'network agent',
  capabilities: ['NET_ADMIN', 'NET_RAW'],
  advice: 'A network agent usually needs only NET_ADMIN and NET_RAW: remove privileged and add those under securityContext.capabilities.add.',
};

/** Checked in order; the first match wins. */
const ROLES: { test: RegExp; advice: RoleAdvice }[] = [
  {
    test: /driver-installer|driver-loader|installer|installation|modprobe|kmod/,
    advice: {
      role: 'node installer',
      capabilities: ['SYS_MODULE', 'SYS_ADMIN'],
      advice:
        'A node installer that loads kernel modules or mounts host filesystems usually needs SYS_MODULE or SYS_ADMIN, which are close to privileged anyway: keep it an init container, and grant just those capabilities if that is all it does.',
    },
  },
  {
    test: /sysctl/,
    advice: {
      role: 'sysctl setter',
      capabilities: [],
      advice: 'Namespaced kernel parameters need no privilege: set them in the Pod securityContext.sysctls instead; only node-wide parameters need a privileged container.',
    },
  },
  {
    test: /driver-registrar|livenessprobe|liveness-probe/,
    advice: {
      role: 'CSI sidecar',
      capabilities: [],
      advice: 'A CSI sidecar such as node-driver-registrar or livenessprobe needs no added capability: it only talks to Unix sockets. Remove privileged.',
    },
  },
  {
    test: /falco|tetragon|tracee|sysdig|pixie|parca|ebpf|inspektor-gadget|deepflow|beyla/,
    advice: {
      role: 'eBPF agent',
      capabilities: ['BPF', 'PERFMON', 'SYS_RESOURCE', 'SYS_PTRACE'],
      advice:
        'An eBPF agent usually needs only BPF, PERFMON and SYS_RESOURCE (kernel 5.8 or later), plus SYS_PTRACE to inspect other processes: remove privileged and add those under securityContext.capabilities.add.',
    },
  },
  {
    test: /csi|longhorn|ceph|rbd|rook|portworx|openebs|gluster|iscsi|nfs|storage|provisioner|driver-registrar|lvm|zfs/,
    advice: {
      role: 'storage node plugin',
      capabilities: ['SYS_ADMIN'],
      advice: 'A storage node plugin usually needs SYS_ADMIN for mounts rather than full privilege: remove privileged and add SYS_ADMIN (unless it needs Bidirectional mount propagation).',
    },
  },
  {
    test: /node-exporter|cadvisor|kube-state|metrics|prometheus|telegraf|datadog|newrelic|dynatrace|otel|opentelemetry|netdata|collectd|problem-detector|weaveworks\/scope|scope-agent/,
    advice: {
      role: 'monitoring agent',
      capabilities: [],
      advice:
        'A monitoring agent usually needs no added capability: read-only hostPath mounts of /proc and /sys are enough (add SYS_PTRACE only for per-process inspection). Remove privileged.',
    },
  },
  {
    test: /fluent|filebeat|promtail|vector|logstash|logspout|rsyslog|splunk|loki/,
    advice: {
      role: 'log shipper',
      capabilities: [],
      advice: 'A log shipper usually needs no added capability: a read-only hostPath mount of /var/log (and the container log directory) is enough. Remove privileged.',
    },
  },
  {
    test: /calico|cilium|flannel|kube-proxy|kube-router|weave|multus|iptables|antrea|canal|kindnet|aws-node|amazon-k8s-cni|vpc-cni|ovn|openvswitch|istio-cni|linkerd-cni|whereabouts|metallb|kube-vip|keepalived|nodelocaldns|node-local-dns/,
    advice: NETWORK,
  },
  { test: word('cni', 'ovs'), advice: NETWORK },
  {
    test: /device-plugin|nvidia|gpu|dcgm|rdma|sriov/,
    advice: {
      role: 'device plugin',
      capabilities: [],
      advice:
        'A device plugin usually needs no added capability: the kubelet device-plugin socket directory is a hostPath mount and devices reach Pods through the runtime. Remove privileged.',
    },
  },
];

const HOST_NETWORK: RoleAdvice = {
  role: 'host-network agent',
  capabilities: ['NET_ADMIN', 'NET_RAW'],
  advice: 'As a host-network Pod it usually needs only NET_ADMIN and NET_RAW: remove privileged and add those under securityContext.capabilities.add.',
};

/**
 * Guess what a privileged container is for and what it usually needs. `names` are tried in order
 * (container name, then image, then workload name), so the most specific source decides.
 */
export function roleAdvice(names: readonly unknown[], hostNetwork: boolean): RoleAdvice | undefined {
  for (const n of names) {
    if (typeof n !== 'string') continue;
    const text = n.toLowerCase();
    for (const r of ROLES) if (r.test.test(text)) return r.advice;
  }
  return hostNetwork ? HOST_NETWORK : undefined;
}

/** Whether any of the names (container names, images, workload name) looks like a network agent (CNI, kube-proxy …). */
export function looksLikeNetworkAgent(names: readonly unknown[]): boolean {
  return roleAdvice(names, false)?.role === 'network agent';
}
