/**
 * hostPath volumes as containers see them: which node path each volume mount reaches, read-only or writable, with
 * which propagation. Shared by the rules that judge host mounts and by role inference (src/k8s/roles.ts).
 */
import type { Path } from '../types.js';
import { isRecord, type ContainerRef, type PodTemplate } from './workloads.js';

/** Collapse `//`, `.` and a trailing `/` of an absolute Linux path (`/var//lib/./kubelet/` → `/var/lib/kubelet`). */
export function normalizeHostPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) if (seg && seg !== '.') parts.push(seg);
  return '/' + parts.join('/');
}

/** Whether `path` is `root` or below it (both normalised). */
export function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : root + '/');
}

export interface HostMount {
  /** The container's volume mount (index in `volumeMounts`). */
  mountIndex: number;
  /** The normalised node path the mount reaches (the volume's path, joined with `subPath`). */
  hostPath: string;
  /** The volume's own path, normalised. */
  volumePath: string;
  /** The mount reaches somewhere below `hostPath` chosen at run time (`subPathExpr`). */
  inside: boolean;
  readOnly: boolean;
  bidirectional: boolean;
  mountPath: string;
  /** Index of the volume in `spec.volumes`. */
  volumeIndex: number;
  volumeName: string;
}

/** hostPath volumes of a Pod spec by name, with their index (Windows paths and malformed entries are left out). */
export function hostPathVolumes(t: PodTemplate): Map<string, { index: number; path: string }> {
  const out = new Map<string, { index: number; path: string }>();
  if (!Array.isArray(t.spec.volumes)) return out;
  (t.spec.volumes as unknown[]).forEach((vol, index) => {
    if (!isRecord(vol) || typeof vol.name !== 'string' || !isRecord(vol.hostPath) || typeof vol.hostPath.path !== 'string') return;
    if (!vol.hostPath.path.startsWith('/')) return;
    if (!out.has(vol.name)) out.set(vol.name, { index, path: normalizeHostPath(vol.hostPath.path) });
  });
  return out;
}

/** The hostPath mounts of one container, in the order of its `volumeMounts`. */
export function hostMountsOf(ref: ContainerRef, volumes: Map<string, { index: number; path: string }>): HostMount[] {
  const mounts = ref.container.volumeMounts;
  if (!Array.isArray(mounts) || volumes.size === 0) return [];
  const out: HostMount[] = [];
  mounts.forEach((m: unknown, mountIndex: number) => {
    if (!isRecord(m) || typeof m.name !== 'string') return;
    const vol = volumes.get(m.name);
    if (!vol) return;
    let hostPath = vol.path;
    let inside = false;
    if (typeof m.subPath === 'string' && m.subPath) hostPath = normalizeHostPath(`${vol.path}/${m.subPath}`);
    else if (typeof m.subPathExpr === 'string' && m.subPathExpr) inside = true;
    out.push({
      mountIndex,
      hostPath,
      volumePath: vol.path,
      inside,
      readOnly: m.readOnly === true,
      bidirectional: m.mountPropagation === 'Bidirectional',
      mountPath: typeof m.mountPath === 'string' ? m.mountPath : '?',
      volumeIndex: vol.index,
      volumeName: m.name,
    });
  });
  return out;
}

/** Path of a container's volume mount inside the object. */
export function mountPathOf(ref: ContainerRef, mountIndex: number): Path {
  return [...ref.path, 'volumeMounts', mountIndex];
}
