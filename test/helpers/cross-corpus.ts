// Generated multi-namespace corpora full of overlapping selectors, near misses, host-port collisions and node
// restrictions, for the tests of the rules that compare objects (test/scaling.test.ts, test/view.test.ts).
import { stringify } from 'yaml';
import type { NodeInfo } from '../../src/types.js';
import { rng } from './random.js';
export { rng };


const NAMESPACES = ['team-a', 'team-b', 'team-c', 'team-d', 'team-e'];
// Few keys and values, so that selectors overlap, match and nearly match often; `constructor` and `toString` are
// Object.prototype members (every label map answers for them).
const KEYS = ['app', 'tier', 'role', 'team', 'constructor'];
const VALUES = ['a', 'b', 'c', 'd'];
const KINDS = ['DaemonSet', 'DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Pod', 'Job', 'CronJob'];
const PORTS = [53, 80, 443, 8080, 9100, 10250];
const HOST_IPS = [undefined, undefined, '', '0.0.0.0', '::', '10.0.0.1', '10.0.0.2'];

export function corpus(seed: number, docs: number): { path: string; text: string }[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const labels = (): Record<string, string> => {
    const out: Record<string, string> = {};
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) out[pick(KEYS)] = pick(VALUES);
    return out;
  };
  const ports = () =>
    Array.from({ length: Math.floor(r() * 3) }, (_, j) => {
      const p: Record<string, unknown> = { containerPort: pick(PORTS) };
      if (chance(0.6)) p.name = `p-${pick(VALUES)}${j}`;
      if (chance(0.4)) p.hostPort = pick(PORTS);
      const ip = pick(HOST_IPS);
      if (ip !== undefined) p.hostIP = ip;
      if (chance(0.3)) p.protocol = pick(['TCP', 'UDP', 'SCTP']);
      return p;
    });
  const template = (tl: Record<string, string>) => {
    const spec: Record<string, unknown> = { containers: [{ name: 'main', image: 'registry.example.com/x:1', ports: ports() }] };
    if (chance(0.3)) spec.containers = [...(spec.containers as unknown[]), { name: 'side', image: 'registry.example.com/y:1', ports: ports() }];
    if (chance(0.3)) spec.hostNetwork = true;
    if (chance(0.3)) spec.nodeSelector = { zone: pick(['z1', 'z2']) };
    if (chance(0.2)) spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: pick(['In', 'NotIn']), values: [pick(['z1', 'z2'])] }] }] } } };
    if (chance(0.4)) spec.tolerations = [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }];
    return { metadata: { labels: tl }, spec };
  };
  const selectorFor = (tl: Record<string, string>): unknown => {
    const matchLabels: Record<string, string> = {};
    for (const [k, v] of Object.entries(tl)) if (chance(0.7)) matchLabels[k] = chance(0.85) ? v : pick(VALUES);
    const sel: Record<string, unknown> = {};
    if (Object.keys(matchLabels).length || chance(0.5)) sel.matchLabels = matchLabels;
    if (chance(0.35)) {
      sel.matchExpressions = Array.from({ length: 1 + Math.floor(r() * 2) }, () => {
        const op = pick(['In', 'In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus']);
        const e: Record<string, unknown> = { key: pick(KEYS), operator: op };
        if (op === 'In' || op === 'NotIn') e.values = chance(0.1) ? [] : [pick(VALUES), pick(VALUES)];
        return e;
      });
    }
    return sel;
  };
  const objects: Record<string, unknown>[] = [];
  for (let i = 0; i < docs; i++) {
    const namespace = pick(NAMESPACES);
    const metadata: Record<string, unknown> = { name: `o-${i}` };
    if (namespace !== 'team-e' || chance(0.5)) metadata.namespace = namespace; // team-e often falls back to default.
    if (chance(0.05)) metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'owner', uid: 'u', controller: true }];
    if (chance(0.25)) {
      // A Service: map selector (sometimes with a Object.prototype key, sometimes matching nothing or only elsewhere).
      const selector: Record<string, string> = {};
      const n = Math.floor(r() * 3);
      for (let j = 0; j < n; j++) selector[chance(0.05) ? 'toString' : pick(KEYS)] = chance(0.1) ? 'zz' : pick(VALUES);
      const spec: Record<string, unknown> = {
        selector,
        ports: Array.from({ length: 1 + Math.floor(r() * 3) }, (_, j) => {
          const p: Record<string, unknown> = { name: `s${j}`, port: pick(PORTS) };
          const t = r();
          if (t < 0.4) p.targetPort = `p-${pick(VALUES)}${Math.floor(r() * 3)}`;
          else if (t < 0.7) p.targetPort = pick(PORTS);
          if (chance(0.2)) p.protocol = pick(['TCP', 'UDP']);
          return p;
        }),
      };
      if (chance(0.3)) spec.internalTrafficPolicy = 'Local';
      if (chance(0.2)) Object.assign(spec, { type: pick(['NodePort', 'LoadBalancer', 'ClusterIP']), externalTrafficPolicy: 'Local' });
      if (chance(0.03)) spec.type = 'ExternalName';
      objects.push({ apiVersion: 'v1', kind: 'Service', metadata, spec });
      continue;
    }
    const kind = pick(KINDS);
    const tl = labels();
    const t = template(tl);
    if (kind === 'Pod') {
      objects.push({ apiVersion: 'v1', kind, metadata: { ...metadata, labels: tl }, spec: t.spec });
    } else if (kind === 'Job') {
      objects.push({ apiVersion: 'batch/v1', kind, metadata, spec: { template: t } });
    } else if (kind === 'CronJob') {
      objects.push({ apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: t } } } });
    } else if (kind === 'ReplicationController') {
      const spec: Record<string, unknown> = { template: t };
      if (chance(0.6)) spec.selector = Object.fromEntries(Object.entries(tl).filter(() => chance(0.7)));
      objects.push({ apiVersion: 'v1', kind, metadata, spec });
    } else {
      objects.push({ apiVersion: 'apps/v1', kind, metadata, spec: { selector: selectorFor(tl), template: t } });
    }
  }
  // Files of 1–6 documents.
  const files: { path: string; text: string }[] = [];
  for (let i = 0; i < objects.length; ) {
    const n = 1 + Math.floor(r() * 6);
    files.push({ path: `c${seed}/f-${files.length}.yaml`, text: objects.slice(i, i + n).map((o) => stringify(o)).join('---\n') });
    i += n;
  }
  return files;
}

export const INVENTORY: NodeInfo[] = [
  { name: 'n1', labels: { zone: 'z1' }, taints: [] },
  { name: 'n2', labels: { zone: 'z2' }, taints: [] },
  { name: 'n3', labels: { zone: 'z1' }, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] },
  { name: 'n4', labels: {}, taints: [] },
];

