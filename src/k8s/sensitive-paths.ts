/**
 * Node paths whose hostPath mount hands over the node, with the reason each is sensitive, for the sensitive-host-path
 * rule. Writable and read-only mounts differ: most paths are dangerous only writable, but a path that holds secrets
 * (certificates, kubeconfigs, other Pods' volumes) gives them away read-only too.
 */
import { under } from './host-paths.js';

export interface SensitivePath {
  /** What the path holds, for messages. */
  why: string;
  /** Reading it gives away credentials: a read-only mount is reported too. */
  secret?: boolean;
}

const KUBERNETES_CONFIG = 'kubelet credentials, cluster certificates and static Pod manifests; a file written there runs as a Pod';
const RUNTIME_STATE = 'the images, container layers and container settings of every container on the node';
const BINARY_DIRS = ['/bin', '/sbin', '/lib', '/lib64', '/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/local/bin', '/usr/local/sbin'];
const KUBECONFIGS = ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf'];

/** Directories whose mount hands over the node (the directory itself, not what is under it). */
const EXACT: ReadonlyMap<string, SensitivePath> = new Map<string, SensitivePath>([
  ['/', { why: "the node's whole filesystem" }],
  ['/etc', { why: 'node configuration, including users, sudoers, cron jobs and the kubelet settings' }],
  ['/proc', { why: 'the kernel and process control files of the whole node' }],
  ['/sys', { why: 'kernel settings and device controls' }],
  ['/sys/fs/cgroup', { why: 'the resource limits of every container on the node and, with cgroup v1, a hook that runs a program on the node' }],
  ['/boot', { why: "the node's kernel and boot loader" }],
  ['/root', { why: "root's home on the node, with its SSH keys and shell start-up files" }],
  ['/home', { why: "the home directories of the node's users, with their SSH keys and shell start-up files; on Container-Optimized OS also the kubelet's tools" }],
  ['/opt', { why: 'add-on software the node runs as root, the CNI plugins in /opt/cni/bin among them' }],
  ['/var/lib/kubelet', { why: 'the kubelet state, including the volumes and Secrets of every Pod on the node' }],
  ['/var/lib/kubelet/kubeconfig', { why: "the kubelet's kubeconfig, with its cluster credentials", secret: true }],
  ['/var/lib/kubelet/config.yaml', { why: "the kubelet's configuration: its authentication, authorization and static Pod path" }],
  ['/etc/kubernetes', { why: KUBERNETES_CONFIG }],
  ...KUBECONFIGS.map((f): [string, SensitivePath] => [`/etc/kubernetes/${f}`, { why: 'a kubeconfig with cluster credentials', secret: true }]),
  ...BINARY_DIRS.map((d): [string, SensitivePath] => [d, { why: 'programs the node runs as root' }]),
]);

/** Trees whose every path is sensitive (other paths under /etc/kubernetes, such as provider directories, are not). */
const TREES: ReadonlyMap<string, SensitivePath> = new Map<string, SensitivePath>([
  ['/etc/kubernetes/manifests', { why: 'static Pod manifests: a file written there runs as a Pod on the node' }],
  ['/etc/kubernetes/pki', { why: 'the cluster and kubelet certificates and keys', secret: true }],
  ['/var/lib/kubelet/pki', { why: 'the kubelet client and serving certificates and keys', secret: true }],
  ['/var/lib/kubelet/pods', { why: 'the volumes of every Pod on the node, including their Secrets and service account tokens', secret: true }],
  ['/var/lib/kubelet/seccomp', { why: 'the seccomp profiles the kubelet applies to Pods; a changed profile lifts their confinement' }],
  ['/var/lib/docker', { why: RUNTIME_STATE }],
  ['/var/lib/containerd', { why: RUNTIME_STATE }],
  ['/var/lib/containers', { why: RUNTIME_STATE }],
  ['/var/lib/etcd', { why: "etcd's data: every Secret of the cluster", secret: true }],
  ['/var/lib/rancher/k3s', { why: 'the k3s node state, including its cluster token and certificates', secret: true }],
  ['/var/lib/rancher/rke2', { why: 'the RKE2 node state, including its cluster token and certificates', secret: true }],
  ['/root/.ssh', { why: "root's SSH keys and authorized_keys", secret: true }],
  ['/lib/modules', { why: "kernel modules: a module written there runs in the node's kernel once loaded" }],
  ['/usr/lib/modules', { why: "kernel modules: a module written there runs in the node's kernel once loaded" }],
  ['/sys/kernel/debug', { why: 'debugfs: kernel internals, some of them writable, such as kprobes, tracing and driver controls' }],
  ['/sys/kernel/tracing', { why: 'kernel tracing controls; kprobes can read kernel memory' }],
  ['/sys/kernel/security', { why: "the kernel's security modules; AppArmor profiles can be loaded or removed there" }],
]);

/**
 * Why a node path is sensitive, or undefined. `inside`: the mount is somewhere below `path` (a subPathExpr), not
 * `path` itself, so only trees count.
 */
export function sensitivePath(path: string, inside: boolean): SensitivePath | undefined {
  if (!inside) {
    const exact = EXACT.get(path);
    if (exact) return exact;
  }
  for (const [root, entry] of TREES) if (under(path, root)) return entry;
  return undefined;
}

const RUNTIME_SOCKETS = new Set(['docker.sock', 'containerd.sock', 'crio.sock', 'cri-dockerd.sock', 'dockershim.sock', 'podman.sock']);
const RUNTIME_DIRS = ['containerd', 'crio', 'docker', 'cri-dockerd', 'podman', 'k3s/containerd'];

/** `socket`: a container runtime socket; `dir`: a directory holding them; undefined: neither. */
export function runtimeSocket(path: string): 'socket' | 'dir' | undefined {
  if (!under(path, '/run') && !under(path, '/var/run')) return undefined;
  if (RUNTIME_SOCKETS.has(path.slice(path.lastIndexOf('/') + 1))) return 'socket';
  if (path === '/run' || path === '/var/run' || RUNTIME_DIRS.some((d) => path === `/run/${d}` || path === `/var/run/${d}`)) return 'dir';
  return undefined;
}

/** The node's device files: what a container may open there is decided by its privilege, not by the mount. */
export function isDevicePath(path: string): boolean {
  return under(path, '/dev');
}

/** The CNI directories below `path` when it is a parent of them (`/opt` → `/opt/cni/bin`), for narrower advice. */
export function cniDirBelow(path: string): string | undefined {
  for (const dir of ['/opt/cni/bin', '/etc/cni/net.d']) if (path !== dir && under(dir, path)) return dir;
  return undefined;
}
