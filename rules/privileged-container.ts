// Guards against containers that run with the whole kernel at their disposal.
import { bidirectionalMount, containerLabel, isPrivileged } from '../src/k8s/capabilities.js';
import { hostMountsOf, hostPathVolumes, under } from '../src/k8s/host-paths.js';
import { containerRole, isSure, type RoleGuess } from '../src/k8s/roles.js';
import { POD_KINDS, containersOf, podTemplate, type ContainerRef } from '../src/k8s/workloads.js';
import type { Report, Rule } from '../src/types.js';

const RISK = '{{container}} runs privileged: it gets every capability and every host device, with no seccomp or AppArmor confinement.';

/**
 * The message for a container whose role is sure, and whether privilege is the expected posture of that role (then
 * the default profile reports it at info). Undefined: generic advice.
 */
function byRole(g: RoleGuess, ref: ContainerRef): { messageId: string; expected: boolean } | undefined {
  switch (g.role) {
    case 'network-agent':
      return { messageId: 'networkAgent', expected: true };
    case 'cni-installer':
      return { messageId: 'networkInit', expected: true };
    case 'csi-node':
      return { messageId: 'csiNode', expected: true };
    case 'node-setup':
      if (g.traits.has('sysctl') && !g.traits.has('host-namespaces')) return { messageId: 'sysctl', expected: true };
      return { messageId: ref.init ? 'nodeSetupInit' : 'nodeSetup', expected: true };
    case 'node-maintenance':
      if (g.traits.has('kmsg')) return { messageId: 'kernelLog', expected: true };
      if (g.traits.has('reboot')) return { messageId: 'reboot', expected: false };
      return undefined;
    case 'device-plugin':
      return { messageId: 'devicePlugin', expected: false };
    case 'helper':
      return { messageId: 'helper', expected: false };
    case 'log-shipper':
      return { messageId: 'logShipper', expected: false };
    case 'metrics-exporter':
    case 'monitoring-agent':
      return { messageId: 'monitoring', expected: false };
    case 'security-agent':
      return { messageId: 'securityAgent', expected: false };
    default:
      return undefined;
  }
}

const rule: Rule = {
  meta: {
    id: 'privileged-container',
    severity: 'warning',
    description: 'A container runs with securityContext.privileged: true.',
    kinds: POD_KINDS,
    tags: ['security'],
    securitySeverity: 8.0,
    messages: {
      generic: `${RISK} Remove privileged and add only the capabilities it needs under securityContext.capabilities.add.`,
      devices: `${RISK} It mounts the node's {{mount}}: if it must open block or other host devices, only privileged allows that (no Pod setting grants a container single devices, and capabilities do not); otherwise remove privileged and add only the capabilities it needs under securityContext.capabilities.add.`,
      bidirectional: `${RISK} It mounts {{mount}} with mountPropagation: Bidirectional, which the API server only allows for privileged containers; keep privileged only if that propagation is really needed.`,
      networkAgent: `${RISK} As a network agent ({{evidence}}) it changes the node's network: if it only manages interfaces, routes and iptables or nftables rules, NET_ADMIN and NET_RAW under securityContext.capabilities.add replace privileged; an eBPF datapath or an agent that loads kernel modules needs more.`,
      networkInit: `${RISK} As a CNI installer or network init step ({{evidence}}) it runs only until it exits. Writing files through its hostPath mounts needs no privilege (except on SELinux-enforcing nodes, where it needs an SELinux type such as spc_t); setting node-wide kernel parameters or loading kernel modules does: keep privileged only for those.`,
      csiNode: `${RISK} As a CSI node plugin ({{evidence}}) it mounts volumes for other Pods: those mounts reach the kubelet only through mountPropagation: Bidirectional, and both that and opening block devices require privileged, so keep it if the plugin mounts or formats volumes on this node.`,
      nodeSetupInit: `${RISK} As a driver installer or node setup step ({{evidence}}) it changes the node itself (drivers, kernel modules, devices or host files), which needs privileged; as an init container it holds that access only until it exits.`,
      nodeSetup: `${RISK} As a driver installer or node setup step ({{evidence}}) it changes the node itself (drivers, kernel modules, devices or host files), which needs privileged; run that work in an init container (with a placeholder such as pause as the main container), so the access ends when the work is done.`,
      sysctl: `${RISK} As a node setup step that sets kernel parameters ({{evidence}}): namespaced ones can be set without privilege under the Pod's securityContext.sysctls (in a Pod without hostNetwork); only node-wide parameters, such as kernel.core_pattern, need a privileged container.`,
      kernelLog: `${RISK} It reads the kernel log through /dev/kmsg ({{evidence}}): no Pod setting grants a container one host device, so opening it takes privileged (or a device plugin that hands the device out); there is no narrower setting to suggest.`,
      reboot: `${RISK} As a reboot daemon ({{evidence}}) it runs the reboot command in the node's namespaces, which needs privileged; kured's signal method (--reboot-method=signal) needs only hostPID and the KILL capability.`,
      devicePlugin: `${RISK} As a device plugin ({{evidence}}) it registers devices with the kubelet over a socket, and the runtime gives the devices to the Pods that request them: remove privileged unless the plugin must open or reset the devices itself.`,
      helper: `${RISK} As a helper sidecar ({{evidence}}) it only talks to sockets and local ports, which needs no privilege: remove privileged.`,
      logShipper: `${RISK} As a log shipper ({{evidence}}) it reads files, which read-only hostPath mounts of the log directories allow without privilege (on SELinux-enforcing nodes, give it an SELinux type that may read them instead): remove privileged.`,
      monitoring: `${RISK} As a {{role}} ({{evidence}}) it reads the node's state, which read-only hostPath mounts of /proc and /sys (and hostPID for per-process data) allow without privilege: remove privileged unless a feature it uses documents the need.`,
      securityAgent: `${RISK} As a security or eBPF agent ({{evidence}}): with an eBPF probe on a kernel of 5.8 or later, BPF, PERFMON, SYS_RESOURCE and SYS_PTRACE under securityContext.capabilities.add usually replace privileged; a kernel-module driver needs privileged.`,
    },
  },
  check(ctx) {
    const t = podTemplate(ctx.manifest);
    if (!t) return;
    for (const ref of containersOf(t)) {
      if (!isPrivileged(ref.container)) continue;
      const container = containerLabel(ref, true);
      const path = [...ref.path, 'securityContext', 'privileged'];
      const propagation = bidirectionalMount(ref.container);
      if (propagation !== undefined) {
        // The API server requires privileged for it: the expected posture of whatever the container is.
        ctx.report({ path, expected: true, messageId: 'bidirectional', data: { container, mount: propagation } });
        continue;
      }
      const guess = containerRole(t, ref);
      const advice = isSure(guess) ? byRole(guess!, ref) : undefined;
      if (!advice) {
        // Capabilities do not open devices: for a container that mounts the node's /dev, say so instead.
        const devices = hostMountsOf(ref, hostPathVolumes(t)).find((m) => under(m.hostPath, '/dev') && m.hostPath !== '/dev/kmsg');
        if (devices) ctx.report({ path, messageId: 'devices', data: { container, mount: devices.hostPath } });
        else ctx.report({ path, messageId: 'generic', data: { container } });
        continue;
      }
      const report: Report = {
        path,
        messageId: advice.messageId,
        data: { container, evidence: guess!.evidence[0]!, role: guess!.role === 'metrics-exporter' ? 'metrics exporter' : 'monitoring agent' },
        expected: advice.expected,
      };
      ctx.report(report);
    }
  },
};
export default rule;
