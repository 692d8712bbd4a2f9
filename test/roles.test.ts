// Role inference (src/k8s/roles.ts) on the real agents of test/fixtures/corpus/real: what each container and Pod is
// for, how sure, and that weak clues (a name, a port, a capability) never decide alone.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageRepository } from '../src/k8s/role-clues.js';
import { containerRole, podRoles, type Role } from '../src/k8s/roles.js';
import { containersOf, podTemplate } from '../src/k8s/workloads.js';
import { loadFile } from '../src/load/files.js';
import { parseSource } from '../src/load/parse.js';
import { CORPUS_ROOT } from './helpers/sarif.js';

const REAL = join(CORPUS_ROOT, 'real');

function workload(file: string, name: string) {
  const f = loadFile(join(REAL, file), REAL);
  const m = f.manifests.find((x) => x.ref.name === name && podTemplate(x));
  if (!m) throw new Error(`${file}: no workload ${name}`);
  return podTemplate(m)!;
}

/** `container role confidence` for every container of a workload, init containers first. */
function roles(file: string, name: string): string[] {
  const t = workload(file, name);
  return containersOf(t).map((ref) => {
    const g = containerRole(t, ref);
    return `${ref.init ? 'init ' : ''}${String(ref.container.name)} ${g ? `${g.role} ${g.confidence}` : '-'}`;
  });
}

describe('image repositories', () => {
  it.each([
    ['quay.io/calico/node:master', 'calico/node'],
    ['602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni-init:v1.23.1', 'amazon-k8s-cni-init'],
    ['registry.k8s.io/pause:3.10', 'pause'],
    ['ubuntu@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15', 'ubuntu'],
    ['localhost:5000/team/agent:1', 'team/agent'],
    ['Docker.io/Library/Alpine', 'library/alpine'],
    ['quay.io/prometheus-operator/prometheus-config-reloader:v0.91.0@sha256:7d9e4eea', 'prometheus-operator/prometheus-config-reloader'],
  ])('%s → %s', (image, repo) => expect(imageRepository(image)).toBe(repo));
});

describe('container roles of real agents', () => {
  // file (in test/fixtures/corpus/real), workload, every container's role and confidence.
  const CASES: [string, string, string[]][] = [
    [
      'aws__amazon-vpc-cni-k8s__config__master__aws-k8s-cni.yaml',
      'aws-node',
      ['init aws-vpc-cni-init cni-installer high', 'aws-node network-agent high', 'aws-eks-nodeagent network-agent high'],
    ],
    [
      'projectcalico__calico__manifests__calico.yaml',
      'calico-node',
      ['init upgrade-ipam cni-installer high', 'init install-cni cni-installer high', 'init ebpf-bootstrap cni-installer high', 'calico-node network-agent high'],
    ],
    ['projectcalico__calico__manifests__calico.yaml', 'calico-kube-controllers', ['calico-kube-controllers network-agent high']],
    ['projectcalico__calico__manifests__csi-driver.yaml', 'csi-node-driver', ['calico-csi csi-node high', 'csi-node-driver-registrar helper high']],
    ['flannel-io__flannel__Documentation__kube-flannel.yml', 'kube-flannel-ds', ['init install-cni-plugin cni-installer high', 'init install-cni cni-installer high', 'kube-flannel network-agent high']],
    ['weaveworks__weave__prog__weave-kube__weave-daemonset-k8s-1.11.yaml', 'weave-net', ['init weave-init cni-installer high', 'weave network-agent high', 'weave-npc network-agent high']],
    ['k8snetworkplumbingwg__multus-cni__deployments__multus-daemonset-thick.yml', 'kube-multus-ds', ['init install-multus-binary cni-installer high', 'kube-multus network-agent high']],
    ['kubernetes__kubernetes__cluster__addons__dns__nodelocaldns__nodelocaldns.yaml', 'node-local-dns', ['node-cache network-agent high']],
    ['metallb__metallb__config__manifests__metallb-native.yaml', 'speaker', ['speaker network-agent high']],
    ['kubernetes-sigs__aws-ebs-csi-driver__deploy__kubernetes__base__node.yaml', 'ebs-csi-node', ['ebs-plugin csi-node high', 'node-driver-registrar helper high', 'liveness-probe helper high']],
    ['kubernetes-csi__csi-driver-nfs__deploy__csi-nfs-node.yaml', 'csi-nfs-node', ['liveness-probe helper high', 'node-driver-registrar helper high', 'nfs csi-node high']],
    ['NVIDIA__k8s-device-plugin__deployments__static__nvidia-device-plugin-compat-with-cpumanager.yml', 'nvidia-device-plugin-daemonset', ['nvidia-device-plugin-ctr device-plugin high']],
    // The device plugin's image without its socket directory: GPU feature discovery, not a device plugin.
    ['NVIDIA__k8s-device-plugin__deployments__static__gpu-feature-discovery-daemonset.yaml', 'gpu-feature-discovery', ['gpu-feature-discovery device-plugin medium']],
    [
      'kubernetes-csi__csi-driver-nfs__vendor__k8s.io__kubernetes__test__e2e__testing-manifests__gpu__gce__nvidia-driver-installer.yaml',
      'nvidia-driver-installer',
      ['init bind-mount-install-dir node-setup high', 'init nvidia-driver-installer node-setup high', 'init partition-gpus node-setup high', 'pause placeholder high'],
    ],
    ['falcosecurity__deploy-kubernetes__kubernetes__falco__templates__daemonset.yaml', 'falco', ['init falco-driver-loader node-setup high', 'init falcoctl-artifact-install -', 'falco security-agent high', 'falcoctl-artifact-follow -']],
    ['kubernetes__node-problem-detector__deployment__node-problem-detector.yaml', 'node-problem-detector', ['node-problem-detector node-maintenance high']],
    ['kubereboot__kured__kured-ds.yaml', 'kured', ['kured node-maintenance high']],
    ['prometheus-operator__kube-prometheus__manifests__nodeExporter-daemonset.yaml', 'node-exporter', ['node-exporter metrics-exporter high', 'kube-rbac-proxy helper high']],
    ['fluent__fluentd-kubernetes-daemonset__fluentd-daemonset-forward.yaml', 'fluentd', ['fluentd log-shipper high']],
    ['istio__istio__samples__proxy-coredump__daemonset.yaml', 'enable-istio-coredumps', ['init setsysctls node-setup high', 'sleepforever placeholder high']],
    ['longhorn__longhorn__deploy__prerequisite__longhorn-cifs-installation.yaml', 'longhorn-cifs-installation', ['init cifs-installation node-setup high', 'sleep placeholder high']],
    // One weak clue (SYS_MODULE) and nothing else: not sure.
    ['longhorn__longhorn__deploy__prerequisite__longhorn-gke-cos-node-agent.yaml', 'longhorn-gke-cos-node-agent', ['node-agent node-setup low']],
    ['projectcalico__calico__app-policy__config__install__05-calico.yaml', 'calico-node', ['init flexvol-driver node-setup high', 'calico-node network-agent high', 'install-cni cni-installer high']],
    ['haproxytech__kubernetes-ingress__deploy__haproxy-ingress-daemonset.yaml', 'haproxy-kubernetes-ingress', ['haproxy-ingress -']],
  ];
  it.each(CASES)('%s %s', (file, name, expected) => expect(roles(file, name)).toEqual(expected));
});

describe('Pod roles', () => {
  const primary = (file: string, name: string) => {
    const r = podRoles(workload(file, name)).primary;
    return r ? `${r.role} ${[...r.traits].sort().join(',')}`.trim() : undefined;
  };
  it.each([
    ['projectcalico__calico__manifests__canal-etcd.yaml', 'canal-node', 'network-agent'],
    ['prometheus-operator__kube-prometheus__manifests__nodeExporter-daemonset.yaml', 'node-exporter', 'metrics-exporter node-metrics'],
    ['kubernetes-csi__csi-driver-nfs__deploy__csi-nfs-node.yaml', 'csi-nfs-node', 'csi-node network-filesystem'],
    ['kubernetes__node-problem-detector__deployment__node-problem-detector.yaml', 'node-problem-detector', 'node-maintenance kmsg'],
    // Main containers only wait: the init containers decide.
    ['longhorn__longhorn__deploy__prerequisite__longhorn-iscsi-selinux-workaround.yaml', 'longhorn-iscsi-selinux-workaround', 'node-setup host-namespaces'],
    // An identity agent of unknown purpose next to a CSI driver: no role for the Pod.
    ['istio__istio__samples__security__spire__spire-quickstart.yaml', 'spire-agent', undefined],
    // A security agent and two helpers of unknown purpose.
    ['falcosecurity__deploy-kubernetes__kubernetes__falco__templates__daemonset.yaml', 'falco', undefined],
  ])('%s %s → %s', (file, name, role) => expect(primary(file, name)).toBe(role));

  const pod = (containers: string) =>
    parseSource({
      path: 'pod.yaml',
      text: `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${containers}`,
    }).manifests[0]!;

  it("never takes a Pod's role from one container's name", () => {
    // A sidecar named like a metrics exporter next to an agent of unknown purpose.
    const m = pod('    - {name: agent, image: example/agent:1}\n    - {name: metrics-exporter, image: example/sidecar:1}\n');
    const r = podRoles(podTemplate(m)!);
    expect(r.primary).toBeUndefined();
    expect(r.containers.map((c) => c.guess && `${c.guess.role} ${c.guess.confidence}`)).toEqual([undefined, 'metrics-exporter low']);
  });

  it('weak clues together are not sure; a known image is', () => {
    const weak = pod('    - name: net\n      image: example/net:1\n      ports: [{containerPort: 53}]\n      securityContext: {capabilities: {add: [NET_ADMIN]}}\n');
    expect(containerRole(podTemplate(weak)!, containersOf(podTemplate(weak)!)[0]!)).toMatchObject({ role: 'network-agent', confidence: 'medium' });
    const strong = pod('    - {name: x, image: "registry.k8s.io/kube-proxy:v1.30.0"}\n');
    expect(containerRole(podTemplate(strong)!, containersOf(podTemplate(strong)!)[0]!)).toMatchObject({ role: 'network-agent', confidence: 'high' });
  });

  it('two roles with equal evidence are not sure', () => {
    // A device plugin's socket directory and a log shipper's image: 3 against 3.
    const m = pod(
      '    - name: x\n      image: fluent/fluent-bit:1.5\n      volumeMounts: [{name: dp, mountPath: /dp}]\n  volumes: [{name: dp, hostPath: {path: /var/lib/kubelet/device-plugins}}]\n',
    );
    const g = containerRole(podTemplate(m)!, containersOf(podTemplate(m)!)[0]!);
    expect(g?.confidence).toBe('low');
  });

  it('every role has a label and is reachable from some clue', async () => {
    const { ROLES, ROLE_LABEL } = await import('../src/k8s/roles.js');
    const { IMAGE_CLUES, NAME_CLUES } = await import('../src/k8s/role-clues.js');
    const reachable = new Set<Role>([...IMAGE_CLUES, ...NAME_CLUES].map((c) => c.role));
    for (const r of ROLES) {
      expect(ROLE_LABEL[r]).toBeTruthy();
      expect(reachable.has(r) || r === 'placeholder', r).toBe(true);
    }
  });
});
