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
