/** Container ports of a Pod template: what containers declare, and which node ports they take. */
import type { Path } from '../types.js';
import { containersOf, isRecord, type ContainerRef, type PodTemplate } from './workloads.js';

export interface DeclaredPort {
  container: string;
  name?: string;
  containerPort?: number;
  hostPort?: number;
  hostIP: string;
  protocol: string;
  /** Path of the port entry. */
  path: Path;
}

/** A port the Pod takes on its node: a hostPort, or with hostNetwork every containerPort. */
export interface HostPortClaim {
  port: number;
  protocol: string;
  hostIP: string;
  container: string;
  /** `hostPort` or `hostNetwork` (the containerPort is bound on the node). */
  via: 'hostPort' | 'hostNetwork';
  path: Path;
}

function portNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 65535) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    const n = Number(v);
    return n > 0 && n <= 65535 ? n : undefined;
  }
  return undefined;
}

/** Regular containers and sidecar init containers (restartPolicy Always): the ones that keep running. */
export function runningContainers(t: PodTemplate): ContainerRef[] {
  return containersOf(t).filter((c) => !c.init || c.container.restartPolicy === 'Always');
}

export function declaredPorts(t: PodTemplate): DeclaredPort[] {
  const out: DeclaredPort[] = [];
  for (const c of runningContainers(t)) {
    const ports = c.container.ports;
    if (!Array.isArray(ports)) continue;
    const cname = typeof c.container.name === 'string' ? c.container.name : `#${c.index}`;
    ports.forEach((p: unknown, j: number) => {
      if (!isRecord(p)) return;
      out.push({
        container: cname,
        name: typeof p.name === 'string' ? p.name : undefined,
        containerPort: portNumber(p.containerPort),
        hostPort: portNumber(p.hostPort),
        hostIP: typeof p.hostIP === 'string' ? p.hostIP : '',
        protocol: typeof p.protocol === 'string' && p.protocol !== '' ? p.protocol : 'TCP',
        path: [...c.path, 'ports', j],
      });
    });
  }
  return out;
}

/** Ports the template binds on its node, de-duplicated by port and protocol. */
export function hostPortClaims(t: PodTemplate): HostPortClaim[] {
  const hostNetwork = t.spec.hostNetwork === true;
  const out: HostPortClaim[] = [];
  const seen = new Set<string>();
  for (const p of declaredPorts(t)) {
    let claim: HostPortClaim | undefined;
    if (p.hostPort !== undefined) claim = { port: p.hostPort, protocol: p.protocol, hostIP: p.hostIP, container: p.container, via: 'hostPort', path: [...p.path, 'hostPort'] };
    else if (hostNetwork && p.containerPort !== undefined)
      claim = { port: p.containerPort, protocol: p.protocol, hostIP: p.hostIP, container: p.container, via: 'hostNetwork', path: [...p.path, 'containerPort'] };
    if (!claim) continue;
    const key = JSON.stringify([claim.port, claim.protocol, claim.hostIP]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(claim);
  }
  return out;
}

/** Claims with the same key have the same port and protocol: only they can collide (see `claimsCollide`). */
export function claimKey(c: Pick<HostPortClaim, 'port' | 'protocol'>): string {
  return `${c.port}/${c.protocol}`;
}

function wildcard(ip: string): boolean {
  return ip === '' || ip === '0.0.0.0' || ip === '::';
}

/** Two claims collide when port and protocol match and the host IPs overlap. */
export function claimsCollide(a: HostPortClaim, b: HostPortClaim): boolean {
  return a.port === b.port && a.protocol === b.protocol && (wildcard(a.hostIP) || wildcard(b.hostIP) || a.hostIP === b.hostIP);
}

export function describeClaim(c: HostPortClaim): string {
  return `${c.port}/${c.protocol}${wildcard(c.hostIP) ? '' : ` on ${c.hostIP}`} (container ${c.container}, ${c.via === 'hostPort' ? 'hostPort' : 'containerPort with hostNetwork'})`;
}
