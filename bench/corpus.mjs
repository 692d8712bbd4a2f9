// Reproducible benchmark corpora: realistic DaemonSets, Deployments and Services, a few percent with findings.
// Same seed, same bytes: `generateCorpus(dir, docs, seed)` writes files of 1–4 documents in folders of 50 files.
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: a small seeded PRNG, good enough to vary names and shapes reproducibly. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['platform', 'observability', 'network', 'storage', 'security', 'payments', 'search', 'edge'];
const AGENTS = ['node-exporter', 'fluent-bit', 'cilium-agent', 'csi-node', 'falco', 'kube-proxy', 'dcgm-exporter', 'promtail'];
const APPS = ['api', 'web', 'worker', 'gateway', 'cache', 'indexer', 'scheduler', 'billing'];

function pick(r, xs) {
  return xs[Math.floor(r() * xs.length)];
}

/** A node-exporter-size DaemonSet (about 1.2 KB). `bad` picks one mistake daemonlint reports. */
function daemonSet(r, i, bad) {
  const name = `${pick(r, AGENTS)}-${i}`;
  const ns = pick(r, TEAMS);
  const port = 10000 + i;
  const hostNet = bad === 'hostnet' || bad === 'dns' || bad === 'hostport';
  const selectorName = bad === 'selector' ? `${name}-old` : name;
  return `# ${name}: per-node agent owned by team ${ns}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/component: agent
    app.kubernetes.io/part-of: ${ns}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: ${selectorName}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: ${1 + (i % 3)}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        app.kubernetes.io/component: agent
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "${port}"
    spec:
      serviceAccountName: ${name}
      automountServiceAccountToken: false
      hostPID: ${bad === 'hostpid' ? 'true' : 'false'}
      hostNetwork: ${hostNet}
${hostNet && bad !== 'dns' ? '      dnsPolicy: ClusterFirstWithHostNet\n' : ''}      priorityClassName: system-node-critical
      nodeSelector:
        kubernetes.io/os: linux
      tolerations:
        - operator: Exists
          effect: NoSchedule
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        fsGroup: 65534
      containers:
        - name: agent
          image: "registry.example.com/${ns}/${name}:v1.${i % 20}.${i % 7}"
          imagePullPolicy: IfNotPresent
          args:
            - --path.procfs=/host/proc
            - --path.sysfs=/host/sys
            - --web.listen-address=:${port}
          ports:
            - name: metrics
              containerPort: ${port}
${hostNet ? `              hostPort: ${bad === 'hostport' ? port + 1 : port}\n` : ''}              protocol: TCP
          env:
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            - name: LOG_LEVEL
              value: ${bad === 'yes' ? 'yes' : '"info"'}
          resources:
            requests:
              cpu: ${10 + (i % 90)}m
              memory: ${32 + (i % 64)}Mi
            limits:
              memory: 180Mi
          securityContext:
${bad === 'privileged' ? '            privileged: true\n            capabilities:\n              add: [SYS_ADMIN]\n' : '            readOnlyRootFilesystem: true\n            allowPrivilegeEscalation: false\n            capabilities:\n              drop: ["ALL"]\n'}          readinessProbe:
            httpGet:
              path: /metrics
              port: ${port}
            initialDelaySeconds: 5
          volumeMounts:
            - name: proc
              mountPath: /host/proc
              readOnly: true
            - name: sys
              mountPath: /host/sys
              readOnly: true
      volumes:
        - name: proc
          hostPath:
            path: /proc
        - name: sys
          hostPath:
            path: /sys
`;
}

function deployment(r, i, bad) {
  const name = `${pick(r, APPS)}-${i}`;
  const ns = pick(r, TEAMS);
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: { app: ${name}, team: ${ns} }
spec:
  replicas: ${1 + (i % 5)}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app: ${name}
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 25%, maxUnavailable: 0 }
  template:
    metadata:
      labels:
        app: ${name}
        team: ${ns}
    spec:
${bad === 'restart' ? '      restartPolicy: OnFailure\n' : ''}      containers:
        - name: app
          image: registry.example.com/${ns}/${name}@sha256:${(i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8)}
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: ENABLE_CACHE
              value: "on"
            - name: REPLICA_HINT
              value: "${i % 5}"
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { memory: 256Mi }
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
${bad === 'typo' ? '          imagePullPolicty: Always\n' : ''}`;
}

function service(_r, i, bad, target) {
  const { name, ns, label } = target;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
    service.beta.kubernetes.io/description: 'front of ${name}: #${i}'
spec:
  type: ClusterIP
${bad === 'local' ? '  internalTrafficPolicy: Local\n' : ''}  selector:
    ${label}: ${name}
  ports:
    - name: ${label === 'app' ? 'http' : 'metrics'}
      port: ${bad === 'port' ? '"80a"' : 8000 + (i % 1000)}
      targetPort: ${label === 'app' ? 'http' : 'metrics'}
      protocol: TCP
`;
}

/** `n` documents of the benchmark's kinds, in order, from `seed` (for tests of the loader on them). */
export function sampleDocuments(seed, n) {
  const r = rng(seed);
  const out = [];
  while (out.length < n) out.push(...application(r, out.length, n - out.length));
  return out;
}

const BAD_DS = ['selector', 'privileged', 'dns', 'hostport', 'yes', 'hostpid', 'hostnet'];
const BAD_DEPLOY = ['restart', 'typo'];

/**
 * One application: a workload (60% DaemonSets, 40% Deployments) and, most of the time, the Service in front of it,
 * as repositories usually keep them together. About 3% of the documents carry a finding.
 */
function application(r, i, room) {
  const bad = () => r() < 0.03;
  const docs = [];
  let target;
  if (r() < 0.6) {
    const b = bad() ? pick(r, BAD_DS) : undefined;
    const text = daemonSet(r, i, b);
    target = { name: /name: (\S+)/.exec(text)[1], ns: /namespace: (\S+)/.exec(text)[1], label: 'app.kubernetes.io/name' };
    docs.push(text);
  } else {
    const text = deployment(r, i, bad() ? pick(r, BAD_DEPLOY) : undefined);
    target = { name: /name: (\S+)/.exec(text)[1], ns: /namespace: (\S+)/.exec(text)[1], label: 'app' };
    docs.push(text);
  }
  if (room > 1 && r() < 0.6) docs.push(service(r, i + 1, bad() ? pick(r, target.label === 'app' ? ['port'] : ['port', 'local']) : undefined, target));
  return docs;
}

/** Write `docs` documents under `dir` (replacing it); returns { files, bytes }. Skips work when the stamp matches. */
export function generateCorpus(dir, docs, seed = 7) {
  const stamp = `docs=${docs} seed=${seed} v=3`;
  const stampFile = join(dir, '.stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return JSON.parse(readFileSync(join(dir, '.stats'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = rng(seed);
  let i = 0;
  let files = 0;
  let bytes = 0;
  while (i < docs) {
    const parts = application(r, i, docs - i);
    if (docs - i > parts.length && r() < 0.3) parts.push(...application(r, i + parts.length, docs - i - parts.length));
    i += parts.length;
    const text = parts.join('---\n');
    const sub = join(dir, `team-${String(Math.floor(files / 50)).padStart(3, '0')}`);
    if (files % 50 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `app-${String(files).padStart(5, '0')}.yaml`), text);
    files++;
    bytes += Buffer.byteLength(text);
  }
  const stats = { docs, files, bytes, seed };
  writeFileSync(join(dir, '.stats'), JSON.stringify(stats));
  writeFileSync(stampFile, stamp);
  return stats;
}
