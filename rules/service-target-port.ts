// Guards against Service ports whose targetPort no selected container declares.
import { listNames } from '../src/k8s/nodes.js';
import { declaredPorts, type DeclaredPort } from '../src/k8s/ports.js';
import { perSelection, sharedSelection, type Workload } from '../src/k8s/run-index.js';
import { displayName, isRecord } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

function describePort(p: DeclaredPort): string {
  return `${p.name ? `${p.name} ` : ''}${p.containerPort ?? '?'}/${p.protocol}`;
}

const DECLARED_KEY = 'service-target-port:declared';

const rule: Rule = {
  meta: {
    id: 'service-target-port',
    severity: 'error',
    description: 'A Service targetPort must be a port that a selected container declares.',
    rationale:
      'A named targetPort is looked up in the ports the selected Pods declare; when no container declares that name (with that protocol), the Pod is left out of the Service\'s endpoints and the port serves nothing. A numeric targetPort works if the process listens on it, but an undeclared one is often a typo.',
    remediation: 'Set targetPort to the name or number of a port declared in the selected containers\' `ports`, or declare it there.',
    kinds: ['Service'],
    tags: ['correctness', 'cross-resource'],
    docs: `For each port of a Service with a selector, the rule looks at the workloads in the same namespace (across
all files of the run) whose Pod template the selector matches, and at the ports their containers declare
(regular containers and sidecar init containers). \`targetPort\` defaults to \`port\`.

- **Named targetPort** (error): no selected container declares a port with that name and protocol. Endpoints are
  only created for Pods that declare the name, so the Service port has no endpoints.
- **Numeric targetPort** (info): no selected container declares that \`containerPort\`. Traffic still reaches a
  process that listens on the port without declaring it, so this is only a hint: declare the port, or check for
  a typo.

Services that select nothing in the run are left to \`service-selects-nothing\`. A Service in front of many workloads
names the first five (their containers are the related locations) and counts the rest.

Invalid:

\`\`\`yaml
kind: Service
spec:
  ports:
    - port: 9100
      targetPort: metrics   # the container declares "http-metrics"
\`\`\``,
  },
  check(ctx) {
    const spec = ctx.object.spec;
    if (!isRecord(spec) || !Array.isArray(spec.ports)) return;
    const selected = sharedSelection(ctx.run, ctx.manifest);
    if (!selected.length) return;
    // What the selected containers declare, worked out once per selection (Services with the same selector share it).
    const { byName, byNumber, firstByName, who, listDeclared, shown } = perSelection(ctx.run, DECLARED_KEY, selected, () => {
      const declared = selected.flatMap((w) => declaredPorts(w.template).map((p) => ({ w, p })));
      const firstByName = new Map<string, { w: Workload; p: DeclaredPort }>();
      for (const d of declared) if (d.p.name !== undefined && !firstByName.has(d.p.name)) firstByName.set(d.p.name, d);
      return {
        declared,
        // Declared names and numbers per protocol, looked up once per Service port (`name/protocol`, `port/protocol`).
        byName: new Set(declared.map(({ p }) => JSON.stringify([p.name, p.protocol]))),
        byNumber: new Set(declared.map(({ p }) => JSON.stringify([p.containerPort, p.protocol]))),
        firstByName,
        // However many workloads the Service selects, a finding names the first five and counts the rest.
        who: listNames(selected.map((w) => `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`)),
        listDeclared: declared.length ? `declared: ${listNames([...new Set(declared.map(({ p }) => describePort(p)))], 10)}` : 'no container declares any port',
        shown: selected.slice(0, 5),
      };
    });
    const svc = `Service ${displayName(ctx.manifest)}`;
    spec.ports.forEach((port: unknown, i: number) => {
      if (!isRecord(port)) return;
      const protocol = typeof port.protocol === 'string' && port.protocol !== '' ? port.protocol : 'TCP';
      const hasTarget = port.targetPort !== undefined && port.targetPort !== null;
      const target = hasTarget ? port.targetPort : port.port;
      const path = ['spec', 'ports', i, hasTarget ? 'targetPort' : 'port'];
      const label = typeof port.name === 'string' && port.name ? `port ${port.name} (${String(port.port)})` : `port ${String(port.port)}`;
      if (typeof target === 'string' && !/^\d+$/.test(target)) {
        if (byName.has(JSON.stringify([target, protocol]))) return;
        const otherProto = firstByName.get(target);
        ctx.report({
          path,
          message: `${svc} ${label} targets the named port ${target}/${protocol}, but no container of ${who} declares it${
            otherProto ? ` (${otherProto.p.container} declares ${target} with protocol ${otherProto.p.protocol})` : ` (${listDeclared})`
          }: the Pods get no endpoint for this port and connections to it fail. Use a declared port name or declare ${target} in the container's ports.`,
          related: shown.map((w) => ({ manifest: w.manifest, path: w.template.specPath.concat('containers'), message: `containers of ${w.kind} ${w.manifest.ref.name ?? ''}` })),
        });
        return;
      }
      const n = typeof target === 'number' ? target : typeof target === 'string' ? Number(target) : NaN;
      if (!Number.isInteger(n) || n <= 0) return;
      if (byNumber.has(JSON.stringify([n, protocol]))) return;
      ctx.report({
        path,
        severity: 'info',
        message: `${svc} ${label} sends traffic to container port ${n}/${protocol}, which no container of ${who} declares (${listDeclared}). It works only if the process listens on ${n} anyway; declare the port or fix the targetPort.`,
        related: shown.map((w) => ({ manifest: w.manifest, path: w.template.specPath.concat('containers'), message: `containers of ${w.kind} ${w.manifest.ref.name ?? ''}` })),
      });
    });
  },
};
export default rule;
