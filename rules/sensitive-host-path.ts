// Flags hostPath volumes that give a container the means to take over its node.
import { containerLabel, isPrivileged } from '../src/k8s/capabilities.js';
import { hostMountsOf, hostPathVolumes, mountPathOf, normalizeHostPath, under, type HostMount } from '../src/k8s/host-paths.js';
import { containerRole, isSure } from '../src/k8s/roles.js';
import { cniDirBelow, isDevicePath, runtimeSocket, sensitivePath } from '../src/k8s/sensitive-paths.js';
import { POD_KINDS, containersOf, podTemplate, type ContainerRef } from '../src/k8s/workloads.js';
import type { MessageData, Path, RelatedReport, Rule } from '../src/types.js';

interface Use {
  ref: ContainerRef;
  mount: HostMount;
  messageId: string;
  data: Record<string, string>;
}

/** The finding one mount gives, or undefined when it is not sensitive as mounted. */
function judge(m: HostMount, extra: readonly string[], cni: () => boolean): Pick<Use, 'messageId' | 'data'> | undefined {
  const p = m.hostPath;
  if (!m.inside) {
    const socket = runtimeSocket(p);
    // readOnly does not stop a client from connecting to a socket.
    if (socket === 'socket') return { messageId: 'runtimeSocket', data: {} };
    if (socket === 'dir') return { messageId: 'runtimeDir', data: { holds: 'the container runtime sockets' } };
    if (isDevicePath(p)) return m.readOnly ? undefined : { messageId: 'devicePath', data: {} };
  }
  const hit = sensitivePath(p, m.inside);
  if (hit) {
    if (hit.secret) return { messageId: m.readOnly ? 'secretRead' : 'secretPath', data: { holds: hit.why } };
    if (m.readOnly) return undefined;
    // The container's role (costly to work out) matters only for a writable mount above the CNI directories.
    const below = cniDirBelow(p);
    const narrower = below !== undefined && cni() ? below : undefined;
    if (narrower) return { messageId: 'cniParent', data: { holds: hit.why, narrower } };
    return { messageId: 'systemPath', data: { holds: hit.why } };
  }
  for (const root of extra) if (under(p, root) && !m.readOnly) return { messageId: 'extraPath', data: { holds: 'marked sensitive by the extraPaths option' } };
  return undefined;
}

const rule: Rule = {
  meta: {
    id: 'sensitive-host-path',
    severity: 'warning',
    description:
      'A hostPath volume mounts a node path that hands over the node (/, /etc, /var/lib/kubelet, a container runtime socket …) writable into a container, or one that holds credentials even read-only.',
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 8.0,
    messages: {
      runtimeSocket:
        'hostPath volume "{{volume}}" exposes the container runtime socket {{hostPath}} to {{containers}}: whoever can connect to it can start privileged containers and owns the node, and readOnly: true does not prevent connecting. Remove the mount unless this daemon must talk to the runtime (to manage containers or read their metadata); where the kubelet API gives the same data, use that instead.',
      runtimeDir:
        'hostPath volume "{{volume}}" exposes {{hostPath}}, which holds {{holds}}, to {{containers}}: connecting to them starts privileged containers, and readOnly: true does not prevent connecting. Mount only the subdirectory or file the daemon needs (a file mount does not see the file replaced or created after the container starts: a daemon that waits for a file to appear needs its directory).',
      extraPath:
        'hostPath volume "{{volume}}" gives {{containers}} write access to {{hostPath}} on the node, {{holds}}. Mount it readOnly: true, or only the subdirectory the daemon needs.',
      systemPath:
        'hostPath volume "{{volume}}" gives {{containers}} write access to {{hostPath}} on the node ({{holds}}): a compromised container can take over the node. Mount it readOnly: true, or only the subdirectory the daemon needs.',
      cniParent:
        'hostPath volume "{{volume}}" gives {{containers}} write access to {{hostPath}} on the node ({{holds}}): a compromised container can take over the node. A network agent or CNI installer needs to write only its CNI directory: mount {{narrower}} instead.',
      secretPath:
        'hostPath volume "{{volume}}" gives {{containers}} write access to {{hostPath}} on the node ({{holds}}): a compromised container can take over the node, and readOnly: true would still let it read and use these credentials. Mount only the files the daemon needs, or remove the mount.',
      secretRead:
        'hostPath volume "{{volume}}" gives {{containers}} read access to {{hostPath}} on the node ({{holds}}): readOnly: true does not keep these credentials from being read and used. Mount only the files the daemon needs, or remove the mount.',
      devicePath:
        'hostPath volume "{{volume}}" gives {{containers}} write access to {{hostPath}} on the node: it can create, replace or remove device files and links there that the node\'s own services open. Mount it readOnly: true (which devices a container may open is decided by its privilege, not by readOnly), or mount only the device it needs.',
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
    if (!t) return;
    const volumes = hostPathVolumes(t);
    if (!volumes.size) return;
    const extra = Array.isArray(ctx.options.extraPaths)
      ? (ctx.options.extraPaths as unknown[]).filter((p): p is string => typeof p === 'string' && p.startsWith('/')).map(normalizeHostPath)
      : [];
    // Findings per volume, then per node path reached and message (subPath mounts can reach several paths).
    const byVolume = new Map<number, Map<string, Use[]>>();
    for (const ref of containersOf(t)) {
      // A privileged container has every device and can mount any node filesystem itself: a hostPath mount adds
      // nothing it could not reach, and readOnly would not hold it. privileged-container reports the privilege.
      if (isPrivileged(ref.container)) continue;
      let cniAgent: boolean | undefined;
      const cni = () => (cniAgent ??= isSure(containerRole(t, ref), 'cni-installer', 'network-agent'));
      for (const m of hostMountsOf(ref, volumes)) {
        const verdict = judge(m, extra, cni);
        if (!verdict) continue;
        let groups = byVolume.get(m.volumeIndex);
        if (!groups) byVolume.set(m.volumeIndex, (groups = new Map()));
        const key = `${m.hostPath}\0${m.inside}\0${verdict.messageId}`;
        const list = groups.get(key);
        const use = { ref, mount: m, ...verdict };
        if (list) list.push(use);
        else groups.set(key, [use]);
      }
    }
    for (const [volumeIndex, groups] of [...byVolume].sort((a, b) => a[0] - b[0])) {
      const reportPath: Path = [...t.specPath, 'volumes', volumeIndex, 'hostPath', 'path'];
      for (const group of groups.values()) {
        const first = group[0]!;
        const m = first.mount;
        const names = [...new Set(group.map((u) => containerLabel(u.ref)))].join(', ');
        const shown = m.hostPath === m.volumePath ? m.hostPath : `${m.hostPath} (through subPath)`;
        const related: RelatedReport[] = group.map((u) => ({
          manifest: ctx.manifest,
          path: mountPathOf(u.ref, u.mount.mountIndex),
          message: `mounted ${u.mount.readOnly ? 'read-only' : 'writable'} by ${containerLabel(u.ref)} at ${u.mount.mountPath}`,
        }));
        const data: MessageData = { volume: m.volumeName, hostPath: shown, containers: names, ...first.data };
        ctx.report({ path: reportPath, at: 'value', messageId: first.messageId, data, related });
      }
    }
  },
};
export default rule;
