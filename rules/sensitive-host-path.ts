// Flags hostPath volumes that give a container the means to take over its node.
import { containerLabel } from '../src/k8s/capabilities.js';
import { POD_KINDS, containersOf, isRecord, podTemplate, type ContainerRef } from '../src/k8s/workloads.js';
import type { Path, RelatedReport, Rule } from '../src/types.js';

const RUNTIME_SOCKETS = new Set(['docker.sock', 'containerd.sock', 'crio.sock', 'cri-dockerd.sock', 'dockershim.sock', 'podman.sock']);
const RUNTIME_DIRS = ['containerd', 'crio', 'docker', 'cri-dockerd', 'podman', 'k3s/containerd'];
const BINARY_DIRS = ['/bin', '/sbin', '/lib', '/lib64', '/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/local/bin', '/usr/local/sbin'];

const KUBERNETES_CONFIG = 'kubelet credentials, cluster certificates and static Pod manifests (a file written there runs as a Pod)';

/** Directories whose writable mount hands over the node (the directory itself, not what is under it). */
const EXACT: ReadonlyMap<string, string> = new Map<string, string>([
  ['/', "the node's whole filesystem"],
  ['/etc', 'node configuration, including users, sudoers, cron jobs and the kubelet settings'],
  ['/proc', 'the kernel and process control files of the whole node'],
  ['/sys', 'kernel settings and device controls'],
  ['/dev', 'every device of the node, including its disks'],
  ['/dev/mem', 'physical memory of the node'],
  ['/dev/kmem', 'kernel memory of the node'],
  ['/boot', "the node's kernel and boot loader"],
  ['/root', "root's home on the node (SSH keys, shell start-up files)"],
  ['/root/.ssh', "root's SSH keys and authorized_keys"],
  ['/var/lib/kubelet', 'the kubelet state, including the volumes and Secrets of every Pod on the node'],
  ['/var/lib/kubelet/pki', 'the kubelet client and serving certificates'],
  ['/etc/kubernetes', KUBERNETES_CONFIG],
  ...['admin.conf', 'super-admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf'].map(
    (f): [string, string] => [`/etc/kubernetes/${f}`, 'a kubeconfig with cluster credentials'],
  ),
  ['/var/lib/docker', 'the images and container layers of every container on the node'],
  ['/var/lib/containerd', 'the images and container layers of every container on the node'],
  ['/var/lib/containers', 'the images and container layers of every container on the node'],
  ...BINARY_DIRS.map((d): [string, string] => [d, 'programs the node runs as root']),
]);

/** Trees whose every path is sensitive (other paths under /etc/kubernetes, such as provider or feature directories, are not). */
const TREES: ReadonlyMap<string, string> = new Map([
  ['/etc/kubernetes/manifests', 'static Pod manifests: a file written there runs as a Pod on the node'],
  ['/etc/kubernetes/pki', 'the cluster and kubelet certificates and keys'],
]);

type Hit = { kind: 'socket' | 'runtime-dir' | 'system' | 'extra'; why: string };

/** Collapse `//`, `.` and a trailing `/`. */
function normalizeHostPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) if (seg && seg !== '.') parts.push(seg);
  return '/' + parts.join('/');
}

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : root + '/');
}

/** Classify a host path. `inside`: the mount is somewhere below `path` (a subPathExpr), not `path` itself. */
function classify(path: string, inside: boolean, extra: readonly string[]): Hit | undefined {
  const inRun = under(path, '/run') || under(path, '/var/run');
  if (!inside) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (inRun && RUNTIME_SOCKETS.has(base)) return { kind: 'socket', why: 'the container runtime API' };
    if (path === '/run' || path === '/var/run' || RUNTIME_DIRS.some((d) => path === `/run/${d}` || path === `/var/run/${d}`))
      return { kind: 'runtime-dir', why: 'the container runtime sockets' };
    const exact = EXACT.get(path);
    if (exact) return { kind: 'system', why: exact };
  }
  for (const [root, why] of TREES) if (under(path, root)) return { kind: 'system', why };
  for (const root of extra) if (under(path, root)) return { kind: 'extra', why: 'marked sensitive by the extraPaths option' };
  return undefined;
}

interface Use {
  ref: ContainerRef;
  mountIndex: number;
  readOnly: boolean;
  mountPath: string;
  hostPath: string;
  hit: Hit;
}

const rule: Rule = {
  meta: {
    id: 'sensitive-host-path',
    severity: 'warning',
    description: 'A hostPath volume mounts a node path that hands over the node (/, /etc, /var/lib/kubelet, a container runtime socket …) writable into a container.',
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 8.0,
    messages: {
      runtimeSocket:
        'hostPath volume "{{volume}}" exposes the container runtime socket {{hostPath}} to {{containers}}: whoever can connect to it can start privileged containers and owns the node, and readOnly: true does not prevent connecting. Remove the mount unless this daemon must manage containers.',
      runtimeDir:
        'hostPath volume "{{volume}}" exposes {{hostPath}}, which holds {{holds}}, to {{containers}}: connecting to them starts privileged containers, and readOnly: true does not prevent connecting. Mount only the specific file or subdirectory the daemon needs.',
      extraPath:
        'hostPath volume "{{volume}}" gives {{containers}} write access to {{hostPath}} on the node, {{holds}}. Mount it readOnly: true, or only the subdirectory the daemon needs.',
      systemPath:
        'hostPath volume "{{volume}}" gives {{containers}} write access to {{hostPath}} on the node ({{holds}}): a compromised container can take over the node. Mount it readOnly: true, or only the subdirectory the daemon needs.',
    },
    optionsSchema: {
      type: 'object',
      properties: {
        extraPaths: {
          type: 'array',
          items: { type: 'string', pattern: '^/' },
          description: 'More absolute host paths to treat as sensitive when mounted writable; each covers the path and everything under it.',
        },
      },
      additionalProperties: false,
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t || !Array.isArray(t.spec.volumes)) return;
    const extra = Array.isArray(ctx.options.extraPaths)
      ? (ctx.options.extraPaths as unknown[]).filter((p): p is string => typeof p === 'string' && p.startsWith('/')).map(normalizeHostPath)
      : [];
    const containers = containersOf(t);
    (t.spec.volumes as unknown[]).forEach((vol, vi) => {
      if (!isRecord(vol) || typeof vol.name !== 'string' || !isRecord(vol.hostPath) || typeof vol.hostPath.path !== 'string') return;
      const volPath = normalizeHostPath(vol.hostPath.path);
      const uses: Use[] = [];
      for (const ref of containers) {
        const mounts = ref.container.volumeMounts;
        if (!Array.isArray(mounts)) continue;
        mounts.forEach((m: unknown, mi: number) => {
          if (!isRecord(m) || m.name !== vol.name) return;
          let hostPath = volPath;
          let inside = false;
          if (typeof m.subPath === 'string' && m.subPath) hostPath = normalizeHostPath(`${volPath}/${m.subPath}`);
          else if (typeof m.subPathExpr === 'string' && m.subPathExpr) inside = true;
          const hit = classify(hostPath, inside, extra);
          if (!hit) return;
          const readOnly = m.readOnly === true;
          if (readOnly && (hit.kind === 'system' || hit.kind === 'extra')) return;
          uses.push({ ref, mountIndex: mi, readOnly, mountPath: typeof m.mountPath === 'string' ? m.mountPath : '?', hostPath, hit });
        });
      }
      if (uses.length === 0) return;
      // One finding per distinct host path reached (usually one; subPath mounts can reach several).
      const byPath = new Map<string, Use[]>();
      for (const u of uses) byPath.set(u.hostPath, [...(byPath.get(u.hostPath) ?? []), u]);
      const reportPath: Path = [...t.specPath, 'volumes', vi, 'hostPath', 'path'];
      for (const [hostPath, group] of byPath) {
        const hit = group[0]!.hit;
        const names = [...new Set(group.map((u) => containerLabel(u.ref)))].join(', ');
        const shown = hostPath === volPath ? hostPath : `${hostPath} (through subPath)`;
        const related: RelatedReport[] = group.map((u) => ({
          manifest: ctx.manifest,
          path: [...u.ref.path, 'volumeMounts', u.mountIndex],
          message: `mounted ${u.readOnly ? 'read-only' : 'writable'} by ${containerLabel(u.ref)} at ${u.mountPath}`,
        }));
        const messageId = hit.kind === 'socket' ? 'runtimeSocket' : hit.kind === 'runtime-dir' ? 'runtimeDir' : hit.kind === 'extra' ? 'extraPath' : 'systemPath';
        const data = { volume: vol.name, hostPath: shown, containers: names, ...(hit.kind === 'socket' ? {} : { holds: hit.why }) };
        ctx.report({ path: reportPath, at: 'value', messageId, data, related });
      }
    });
  },
};
export default rule;
