/**
 * What a Pod or container is for, judged from strong evidence only: the image, the host paths it mounts, the command it
 * runs, its ports and capabilities, and whether it is an init container. Each clue carries a weight; a role is `high`
 * confidence when its clues add up to 3 or more and no other role scores as much. A container's own name is a weak
 * clue (weight 1) and a Pod's role is never taken from one container: every main container (helpers such as
 * node-driver-registrar or kube-rbac-proxy aside) must agree. Rules give role-specific advice only for `high` guesses
 * and generic advice otherwise. The clues are listed in src/k8s/role-clues.ts.
 */
import { IMAGE_CLUES, NAME_CLUES, PORT_CLUES, commandClues, imageRepository, mountClues, type Clue, type Role, type Trait } from './role-clues.js';
import { hostMountsOf, hostPathVolumes } from './host-paths.js';
import { containersOf, isRecord, type ContainerRef, type PodTemplate } from './workloads.js';

export { ROLES, type Role, type Trait } from './role-clues.js';

/** How each role is named in messages. */
export const ROLE_LABEL: Readonly<Record<Role, string>> = {
  'network-agent': 'network agent',
  'cni-installer': 'CNI installer or network init step',
  'csi-node': 'CSI node plugin',
  'device-plugin': 'device plugin',
  'node-setup': 'driver installer or node setup step',
  'log-shipper': 'log shipper',
  'metrics-exporter': 'metrics exporter',
  'monitoring-agent': 'monitoring agent',
  'security-agent': 'security or eBPF agent',
  'node-maintenance': 'node maintenance agent',
  helper: 'helper sidecar',
  placeholder: 'placeholder container',
};

export type Confidence = 'high' | 'medium' | 'low';

export interface RoleGuess {
  role: Role;
  confidence: Confidence;
  /** What the guess rests on, strongest first (`image calico/node`, `writable hostPath /opt/cni/bin` …). */
  evidence: string[];
  /** Facts about how it does its job that change the advice (reads /dev/kmsg, enters the node's namespaces …). */
  traits: ReadonlySet<Trait>;
}

/** True when `g` is a high-confidence guess (of one of `roles`, when given). */
export function isSure(g: RoleGuess | undefined, ...roles: Role[]): boolean {
  return g !== undefined && g.confidence === 'high' && (roles.length === 0 || roles.includes(g.role));
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Weigh clues into a guess; undefined without any. */
function weigh(clues: readonly Clue[]): RoleGuess | undefined {
  const totals = new Map<Role, { score: number; why: string[]; traits: Set<Trait> }>();
  // Strongest clues first, so a message can quote the first one.
  for (const c of [...clues].sort((a, b) => b.weight - a.weight)) {
    let t = totals.get(c.role);
    if (!t) totals.set(c.role, (t = { score: 0, why: [], traits: new Set() }));
    t.score += c.weight;
    if (c.weight > 0 && !t.why.includes(c.why)) t.why.push(c.why);
    if (c.trait) t.traits.add(c.trait);
  }
  let best: [Role, { score: number; why: string[]; traits: Set<Trait> }] | undefined;
  let runnerUp = 0;
  for (const entry of totals) {
    if (!best || entry[1].score > best[1].score) {
      if (best) runnerUp = Math.max(runnerUp, best[1].score);
      best = entry;
    } else runnerUp = Math.max(runnerUp, entry[1].score);
  }
  if (!best) return undefined;
  const [role, t] = best;
  const clear = t.score > runnerUp;
  const confidence: Confidence = clear && t.score >= 3 ? 'high' : clear && t.score >= 2 ? 'medium' : 'low';
  return { role, confidence, evidence: t.why, traits: t.traits };
}

const byContainer = new WeakMap<object, RoleGuess | null>();

/** The clues one container gives (exported for tests and the documentation table). */
export function containerClues(t: PodTemplate, ref: ContainerRef): Clue[] {
  const c = ref.container;
  const clues: Clue[] = [];
  const image = typeof c.image === 'string' ? imageRepository(c.image) : '';
  if (image) for (const r of IMAGE_CLUES) if (r.test.test(image)) clues.push({ role: r.role, weight: r.weight, why: `image ${image}`, trait: r.trait });
  const command = [...strings(c.command), ...strings(c.args)];
  clues.push(...commandClues(command));
  const exe = strings(c.command)[0] ?? '';
  const program = exe.slice(exe.lastIndexOf('/') + 1).toLowerCase();
  if (program && program !== image)
    for (const r of IMAGE_CLUES) if (r.weight >= 2 && r.test.test(program)) clues.push({ role: r.role, weight: r.weight - 1, why: `runs ${program}`, trait: r.trait });
  clues.push(...mountClues(hostMountsOf(ref, hostPathVolumes(t)), ref.init));
  const caps = isRecord(c.securityContext) && isRecord(c.securityContext.capabilities) ? strings(c.securityContext.capabilities.add) : [];
  for (const cap of caps) {
    const name = cap.trim().toUpperCase().replace(/^CAP_/, '');
    if (name === 'NET_ADMIN') clues.push({ role: 'network-agent', weight: 1, why: 'adds NET_ADMIN' });
    else if (name === 'BPF' || name === 'PERFMON') clues.push({ role: 'security-agent', weight: 1, why: `adds ${name}` });
    else if (name === 'SYS_MODULE') clues.push({ role: 'node-setup', weight: 1, why: 'adds SYS_MODULE' });
  }
  if (Array.isArray(c.ports))
    for (const p of c.ports) {
      if (!isRecord(p)) continue;
      const hit = PORT_CLUES.get(Number(p.containerPort));
      if (hit) clues.push({ role: hit.role, weight: 1, why: `port ${p.containerPort} (${hit.what})` });
    }
  const name = typeof c.name === 'string' ? c.name.toLowerCase() : '';
  if (name) for (const r of NAME_CLUES) if (r.test.test(name)) clues.push({ role: r.role, weight: 1, why: `named ${c.name}`, trait: r.trait });
  // An init container of a network agent prepares the node for it: an install or init step, not the agent.
  return ref.init ? clues.map((x) => (x.role === 'network-agent' ? { ...x, role: 'cni-installer' } : x)) : clues;
}

/** What one container is for, or undefined when nothing points anywhere. Cached per container object. */
export function containerRole(t: PodTemplate, ref: ContainerRef): RoleGuess | undefined {
  const cached = byContainer.get(ref.container);
  if (cached !== undefined) return cached ?? undefined;
  const guess = weigh(containerClues(t, ref));
  byContainer.set(ref.container, guess ?? null);
  return guess;
}

export interface PodRoles {
  /** The Pod's role: the one role every working container (helpers and placeholders aside) surely has. */
  primary?: RoleGuess;
  /** Every container (init first) with its guess. */
  containers: { ref: ContainerRef; guess?: RoleGuess }[];
}

const byPod = new WeakMap<object, PodRoles>();

const isAside = (g: RoleGuess | undefined) => isSure(g, 'helper', 'placeholder');

/**
 * The roles of a Pod template's containers and the Pod's own role. The Pod's role is that of its main containers
 * when they all surely agree (a network agent's containers may mix agent and install steps); when the main
 * containers are only helpers or placeholders (an installer DaemonSet whose main container is `pause`), that of its
 * init containers. One container alone never decides for a Pod with others of unknown purpose.
 */
export function podRoles(t: PodTemplate): PodRoles {
  const cached = byPod.get(t.spec);
  if (cached) return cached;
  const containers = containersOf(t).map((ref) => ({ ref, guess: containerRole(t, ref) }));
  const working = containers.filter((x) => !x.ref.init && !isAside(x.guess));
  const pool = working.length ? working : containers.filter((x) => x.ref.init && !isAside(x.guess));
  const out: PodRoles = { containers };
  if (pool.length && pool.every((x) => isSure(x.guess))) {
    const roles = new Set(pool.map((x) => x.guess!.role));
    if (roles.size === 2 && roles.has('network-agent') && roles.has('cni-installer')) roles.delete('cni-installer');
    if (roles.size === 1) {
      const role = [...roles][0]!;
      const members = pool.filter((x) => x.guess!.role === role || role === 'network-agent');
      out.primary = {
        role,
        confidence: 'high',
        evidence: [...new Set(members.flatMap((x) => x.guess!.evidence))],
        traits: new Set(members.flatMap((x) => [...x.guess!.traits])),
      };
    }
  }
  byPod.set(t.spec, out);
  return out;
}
