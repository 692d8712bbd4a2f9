// The "many agents with findings and collisions" workload: 96% clean DaemonSets and 4% node-exporter-like agents that
// all claim host port 9100 (host network, host PID, the host's root file system), so that every agent collides with
// every other one. Same arguments, same bytes.
//
//   generateAgents(dir, docs, { perFile })   writes `docs` documents into files of `perFile` documents (one file when
//                                            perFile >= docs) under `dir`; returns { docs, files, bytes, agents }
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every 25th document is an agent (4%). */
export const AGENT_EVERY = 25;

/** A clean DaemonSet (no finding from any rule), about 0.5 KB. */
function cleanDaemonSet(i) {
  const name = `agent-${i}`;
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: ops-${i % 16}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      priorityClassName: system-node-critical
      tolerations: [{operator: Exists}]
      securityContext: {runAsNonRoot: true, runAsUser: 65534}
      containers:
        - name: main
          image: registry.example.com/ops/${name}:1.${i % 30}.0
          resources:
            requests: {cpu: 10m, memory: 32Mi}
            limits: {memory: 64Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
`;
}

/** A node-exporter-like agent: host network and PID, the host's root mounted, host port 9100. About 0.9 KB. */
function agent(i) {
  const name = `node-exporter-${i}`;
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: monitoring
  labels: {app.kubernetes.io/name: ${name}}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: ${name}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: ${name}}
    spec:
      hostNetwork: true
      hostPID: true
      dnsPolicy: ClusterFirstWithHostNet
      priorityClassName: system-node-critical
      tolerations: [{operator: Exists}]
      containers:
        - name: node-exporter
          image: quay.io/prometheus/node-exporter:v1.8.${i % 3}
          args: [--path.rootfs=/host/root, --web.listen-address=:9100]
          ports:
            - {name: metrics, containerPort: 9100, hostPort: 9100, protocol: TCP}
          resources:
            requests: {cpu: 50m, memory: 64Mi}
            limits: {memory: 128Mi}
          securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
          volumeMounts:
            - {name: root, mountPath: /host/root, readOnly: true, mountPropagation: HostToContainer}
      volumes:
        - name: root
          hostPath: {path: /}
`;
}

/** Document `i` of the workload. */
export function agentsDocument(i) {
  return i % AGENT_EVERY === AGENT_EVERY - 1 ? agent(i) : cleanDaemonSet(i);
}

/** Write the workload under `dir` (replacing it); skips the work when the stamp matches. */
export function generateAgents(dir, docs, { perFile = docs } = {}) {
  const stamp = `agents docs=${docs} perFile=${perFile} v=1`;
  const stampFile = join(dir, '.stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return JSON.parse(readFileSync(join(dir, '.stats'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let files = 0;
  let bytes = 0;
  for (let start = 0; start < docs; start += perFile) {
    const parts = [];
    for (let i = start; i < Math.min(docs, start + perFile); i++) parts.push(agentsDocument(i));
    const text = parts.join('---\n');
    writeFileSync(join(dir, `agents-${String(files).padStart(4, '0')}.yaml`), text);
    files++;
    bytes += Buffer.byteLength(text);
  }
  const stats = { docs, files, bytes, agents: Math.floor(docs / AGENT_EVERY) };
  writeFileSync(join(dir, '.stats'), JSON.stringify(stats));
  writeFileSync(stampFile, stamp);
  return stats;
}
