/**
 * Generated clusters for tests: node inventories of N nodes in P pools with cloud-style node names and labels, as
 * `kubectl get nodes -o yaml|json` prints them, and a set of DaemonSets (with node-local Services) that tells the pools
 * apart. Deterministic: the same arguments give the same text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadInventory } from '../../src/load/inventory.js';
import type { NodeInfo } from '../../src/types.js';
import { rng as random } from './random.js';

export type Provider = 'eks' | 'gke' | 'aks';

export interface PoolSpec {
  name: string;
  instanceType: string;
  arch?: 'amd64' | 'arm64';
  os?: 'linux' | 'windows';
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  /** Relative size of the pool. */
  weight: number;
}

/** Twelve pools that the DaemonSets of `clusterManifests` all tell apart, then one (general-b) that none does. */
export const POOLS: readonly PoolSpec[] = [
  { name: 'general', instanceType: 'm5.2xlarge', weight: 30 },
  { name: 'system', instanceType: 'm5.large', taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' }], weight: 3 },
  { name: 'arm', instanceType: 'm7g.2xlarge', arch: 'arm64', weight: 15 },
  {
    name: 'gpu-a100',
    instanceType: 'p4d.24xlarge',
    labels: { 'nvidia.com/gpu.present': 'true', 'nvidia.com/mig.capable': 'true' },
    taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
    weight: 6,
  },
  { name: 'gpu-t4', instanceType: 'g4dn.xlarge', labels: { 'nvidia.com/gpu.present': 'true' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }], weight: 8 },
  { name: 'spot', instanceType: 'c5.4xlarge', labels: { 'example.com/capacity': 'spot' }, weight: 12 },
  {
    name: 'ingress',
    instanceType: 'c6in.2xlarge',
    labels: { 'node-role.kubernetes.io/ingress': '' },
    taints: [{ key: 'dedicated', value: 'ingress', effect: 'NoSchedule' }],
    weight: 4,
  },
  { name: 'storage', instanceType: 'i4i.4xlarge', labels: { 'storage.example.com/local-nvme': 'true' }, weight: 5 },
  { name: 'windows', instanceType: 'm5.2xlarge', os: 'windows', taints: [{ key: 'os', value: 'windows', effect: 'NoSchedule' }], weight: 4 },
  { name: 'memory', instanceType: 'r6i.8xlarge', labels: { 'example.com/hugepages': 'true' }, weight: 5 },
  { name: 'batch', instanceType: 'c6i.8xlarge', taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }], weight: 6 },
  { name: 'edge', instanceType: 'm5.xlarge', labels: { 'example.com/edge': 'true' }, taints: [{ key: 'edge', value: 'true', effect: 'NoExecute' }], weight: 2 },
  { name: 'general-b', instanceType: 'm6i.2xlarge', weight: 10 },
];


/** Nodes per pool: proportional to the weights, at least one each, summing to `nodes`. */
function sizes(pools: readonly PoolSpec[], nodes: number): number[] {
  const total = pools.reduce((n, p) => n + p.weight, 0);
  const out = pools.map((p) => Math.max(1, Math.floor((nodes * p.weight) / total)));
  let i = 0;
  while (out.reduce((a, b) => a + b, 0) < nodes) out[i++ % out.length]! += 1;
  while (out.reduce((a, b) => a + b, 0) > nodes) {
    const j = out.indexOf(Math.max(...out));
    out[j]! -= 1;
  }
  return out;
}

const POOL_LABEL: Record<Provider, string> = { eks: 'eks.amazonaws.com/nodegroup', gke: 'cloud.google.com/gke-nodepool', aks: 'kubernetes.azure.com/agentpool' };
const REGION: Record<Provider, string> = { eks: 'eu-west-1', gke: 'europe-west4', aks: 'westeurope' };

function nodeName(provider: Provider, pool: PoolSpec, i: number, r: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  switch (provider) {
    case 'eks':
      return `ip-10-${Math.floor(r() * 4)}-${Math.floor(r() * 256)}-${Math.floor(r() * 254) + 1}.${REGION.eks}.compute.internal`;
    case 'gke':
      return `gke-prod-${pool.name}-${hex(8)}-${hex(4)}`;
    case 'aks':
      return `aks-${pool.name.replace(/[^a-z0-9]/g, '').slice(0, 12)}-${String(10000000 + Math.floor(r() * 89999999))}-vmss${String(i).padStart(6, '0')}`;
  }
}

export interface InventoryOptions {
  nodes: number;
  /** Pool count (the first N of POOLS) or the pools themselves. */
  pools: number | readonly PoolSpec[];
  provider?: Provider;
  seed?: number;
  format?: 'yaml' | 'json';
  /** Add the status a real `kubectl get nodes -o yaml` carries (conditions, capacity, images): realistic size. */
  status?: boolean;
}

/** `kubectl get nodes -o yaml` (or `-o json`) of a generated cluster. Nodes come sorted by name, as kubectl lists them. */
export function generateInventory(opts: InventoryOptions): string {
  const provider = opts.provider ?? 'eks';
  const pools = typeof opts.pools === 'number' ? POOLS.slice(0, opts.pools) : opts.pools;
  const r = random(opts.seed ?? 1);
  const seen = new Set<string>();
  const items: Record<string, unknown>[] = [];
  sizes(pools, opts.nodes).forEach((n, pi) => {
    const pool = pools[pi]!;
    for (let i = 0; i < n; i++) {
      let name = nodeName(provider, pool, i, r);
      while (seen.has(name)) name = nodeName(provider, pool, i, r);
      seen.add(name);
      const zone = `${REGION[provider]}-${'abc'[Math.floor(r() * 3)]}`;
      const labels: Record<string, string> = {
        'beta.kubernetes.io/arch': pool.arch ?? 'amd64',
        'beta.kubernetes.io/instance-type': pool.instanceType,
        'beta.kubernetes.io/os': pool.os ?? 'linux',
        [POOL_LABEL[provider]]: pool.name,
        'failure-domain.beta.kubernetes.io/region': REGION[provider],
        'failure-domain.beta.kubernetes.io/zone': zone,
        'kubernetes.io/arch': pool.arch ?? 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': pool.os ?? 'linux',
        'node.kubernetes.io/instance-type': pool.instanceType,
        'topology.kubernetes.io/region': REGION[provider],
        'topology.kubernetes.io/zone': zone,
        ...pool.labels,
      };
      const spec: Record<string, unknown> = { providerID: `${provider}://${REGION[provider]}/${name}` };
      if (pool.taints?.length) spec.taints = pool.taints.map((t) => ({ ...t }));
      const item: Record<string, unknown> = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
          creationTimestamp: '2026-01-12T08:14:03Z',
          labels,
          name,
          resourceVersion: String(100000 + items.length),
          uid: `${Math.floor(r() * 1e8).toString(16).padStart(8, '0')}-4c1e-a0b4-${Math.floor(r() * 1e12).toString(16).padStart(12, '0')}`,
        },
        spec,
      };
      if (opts.status) {
        item.status = {
          addresses: [
            { address: `10.0.${Math.floor(r() * 256)}.${Math.floor(r() * 254) + 1}`, type: 'InternalIP' },
            { address: name, type: 'Hostname' },
          ],
          allocatable: { cpu: '7910m', 'ephemeral-storage': '95491281146', memory: '31500000Ki', pods: '58' },
          capacity: { cpu: '8', 'ephemeral-storage': '104845292Ki', memory: '32386552Ki', pods: '58' },
          conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({
            lastHeartbeatTime: '2026-02-01T10:00:00Z',
            lastTransitionTime: '2026-01-12T08:14:30Z',
            message: type === 'Ready' ? 'kubelet is posting ready status' : `kubelet has no ${type.replace('Pressure', '').toLowerCase()} pressure`,
            reason: type === 'Ready' ? 'KubeletReady' : `KubeletHasNo${type}`,
            status: type === 'Ready' ? 'True' : 'False',
            type,
          })),
          images: Array.from({ length: 8 }, (_, k) => ({ names: [`registry.example.com/team/image-${k}@sha256:${'0123456789abcdef'.repeat(4)}`], sizeBytes: 10000000 + k })),
          nodeInfo: { architecture: pool.arch ?? 'amd64', containerRuntimeVersion: 'containerd://1.7.27', kubeletVersion: 'v1.33.5', operatingSystem: pool.os ?? 'linux' },
        };
      }
      items.push(item);
    }
  });
  items.sort((a, b) => ((a.metadata as { name: string }).name < (b.metadata as { name: string }).name ? -1 : 1));
  const list = { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
  return opts.format === 'json' ? JSON.stringify(list, null, 4) + '\n' : stringify(list);
}

/** The nodes of a generated inventory, written to a temporary file and read back with the real loader. */
export function generatedNodes(opts: InventoryOptions): NodeInfo[] {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-nodes-'));
  writeFileSync(join(dir, 'nodes.yaml'), generateInventory(opts));
  return loadInventory(['nodes.yaml'], dir);
}

interface DaemonSetSpec {
  namespace: string;
  name: string;
  nodeSelector?: Record<string, string>;
  affinity?: { key: string; operator: string; values?: string[] }[];
  tolerations?: Record<string, string>[];
  hostNetwork?: boolean;
  /** A Service in front of it with this Local traffic policy. */
  local?: 'internalTrafficPolicy' | 'externalTrafficPolicy';
}

/** DaemonSets of a typical cluster; together they tell the twelve first POOLS apart. */
export const DAEMONSETS: readonly DaemonSetSpec[] = [
  { namespace: 'kube-system', name: 'kube-proxy', nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }], hostNetwork: true },
  {
    namespace: 'kube-system',
    name: 'aws-node',
    affinity: [
      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
    ],
    tolerations: [{ operator: 'Exists' }],
    hostNetwork: true,
  },
  { namespace: 'monitoring', name: 'node-exporter', nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }], local: 'internalTrafficPolicy' },
  { namespace: 'logging', name: 'fluent-bit', nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'dedicated', operator: 'Exists' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }], local: 'internalTrafficPolicy' },
  { namespace: 'gpu-operator', name: 'nvidia-device-plugin', affinity: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }], tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] },
  { namespace: 'gpu-operator', name: 'mig-manager', nodeSelector: { 'nvidia.com/mig.capable': 'true' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] },
  { namespace: 'kube-system', name: 'spot-interrupt-handler', nodeSelector: { 'example.com/capacity': 'spot' } },
  { namespace: 'ingress', name: 'edge-proxy', nodeSelector: { 'node-role.kubernetes.io/ingress': '' }, tolerations: [{ key: 'dedicated', value: 'ingress', operator: 'Equal', effect: 'NoSchedule' }], local: 'externalTrafficPolicy' },
  { namespace: 'storage', name: 'local-volume-provisioner', nodeSelector: { 'storage.example.com/local-nvme': 'true' } },
  { namespace: 'kube-system', name: 'csi-proxy-windows', nodeSelector: { 'kubernetes.io/os': 'windows' }, tolerations: [{ key: 'os', value: 'windows', operator: 'Equal', effect: 'NoSchedule' }] },
  { namespace: 'kube-system', name: 'hugepages-tuner', nodeSelector: { 'example.com/hugepages': 'true' } },
  { namespace: 'security', name: 'falco', affinity: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }], tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }] },
  { namespace: 'monitoring', name: 'otel-agent', nodeSelector: { 'kubernetes.io/os': 'linux' }, affinity: [{ key: 'example.com/edge', operator: 'DoesNotExist' }], local: 'internalTrafficPolicy' },
];

/** The DaemonSets (and their node-local Services) as one multi-document YAML text. */
export function clusterManifests(specs: readonly DaemonSetSpec[] = DAEMONSETS): string {
  const docs: unknown[] = [];
  for (const d of specs) {
    const labels = { 'app.kubernetes.io/name': d.name };
    const podSpec: Record<string, unknown> = {};
    if (d.hostNetwork) podSpec.hostNetwork = true;
    if (d.nodeSelector) podSpec.nodeSelector = d.nodeSelector;
    if (d.affinity) podSpec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: d.affinity }] } } };
    if (d.tolerations) podSpec.tolerations = d.tolerations;
    podSpec.containers = [{ name: d.name, image: `registry.example.com/${d.name}:1.0.0`, ports: d.local ? [{ name: 'http', containerPort: 8080 }] : undefined }];
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: d.name, namespace: d.namespace },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
    });
    if (d.local) {
      const spec: Record<string, unknown> = { selector: labels, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] };
      if (d.local === 'externalTrafficPolicy') Object.assign(spec, { type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
      else spec.internalTrafficPolicy = 'Local';
      docs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: d.name, namespace: d.namespace }, spec });
    }
  }
  return docs.map((d) => stringify(d)).join('---\n');
}
