// Guards against Service ports whose targetPort no selected container declares.
import { declaredPorts, type DeclaredPort } from '../src/k8s/ports.js';
import { selectedWorkloads } from '../src/k8s/run-index.js';
import { displayName, isRecord } from '../src/k8s/workloads.js';
import type { Rule } from '../src/types.js';

function describePort(p: DeclaredPort): string {
  return `${p.name ? `${p.name} ` : ''}${p.containerPort ?? '?'}/${p.protocol}`;
}

const rule: Rule = {
  meta: {
    id: 'service-target-port',
    severity: 'error',
    description: 'A Service targetPort must be a port that a selected container declares.',
    kinds: ['Service'],
    tags: ['correctness', 'cross-resource'],
    messages: {
      namedPort:
        "{{service}} {{port}} targets the named port {{target}}/{{protocol}}, but no container of {{workloads}} declares it ({{declared}}): the Pods get no endpoint for this port and connections to it fail. Use a declared port name or declare {{target}} in the container's ports.",
      namedPortOtherProtocol:
        "{{service}} {{port}} targets the named port {{target}}/{{protocol}}, but no container of {{workloads}} declares it ({{container}} declares {{target}} with protocol {{otherProtocol}}): the Pods get no endpoint for this port and connections to it fail. Use a declared port name or declare {{target}} in the container's ports.",
      numericPort:
        '{{service}} {{port}} sends traffic to container port {{number}}/{{protocol}}, which no container of {{workloads}} declares ({{declared}}). It works only if the process listens on {{number}} anyway; declare the port or fix the targetPort.',
    },
  },
  check(ctx) {
    const spec = ctx.object.spec;
    if (!isRecord(spec) || !Array.isArray(spec.ports)) return;
    const selected = selectedWorkloads(ctx.run, ctx.manifest);
    if (!selected.length) return;
    const declared = selected.flatMap((w) => declaredPorts(w.template).map((p) => ({ w, p })));
    const who = selected.map((w) => `${w.kind} ${w.manifest.ref.name ?? '(unnamed)'}`).join(', ');
    const svc = `Service ${displayName(ctx.manifest)}`;
    // Declared names and numbers per protocol, looked up once per Service port (`name/protocol`, `port/protocol`).
    const byName = new Set(declared.map(({ p }) => JSON.stringify([p.name, p.protocol])));
    const byNumber = new Set(declared.map(({ p }) => JSON.stringify([p.containerPort, p.protocol])));
    const listDeclared = () => (declared.length ? `declared: ${[...new Set(declared.map(({ p }) => describePort(p)))].join(', ')}` : 'no container declares any port');
    spec.ports.forEach((port: unknown, i: number) => {
      if (!isRecord(port)) return;
      const protocol = typeof port.protocol === 'string' && port.protocol !== '' ? port.protocol : 'TCP';
      const hasTarget = port.targetPort !== undefined && port.targetPort !== null;
      const target = hasTarget ? port.targetPort : port.port;
      const path = ['spec', 'ports', i, hasTarget ? 'targetPort' : 'port'];
      const label = typeof port.name === 'string' && port.name ? `port ${port.name} (${String(port.port)})` : `port ${String(port.port)}`;
      if (typeof target === 'string' && !/^\d+$/.test(target)) {
        if (byName.has(JSON.stringify([target, protocol]))) return;
        const otherProto = declared.find(({ p }) => p.name === target);
        const data = { service: svc, port: label, target, protocol, workloads: who };
        ctx.report({
          path,
          ...(otherProto
            ? { messageId: 'namedPortOtherProtocol', data: { ...data, container: otherProto.p.container, otherProtocol: otherProto.p.protocol } }
            : { messageId: 'namedPort', data: { ...data, declared: listDeclared() } }),
          related: selected.map((w) => ({ manifest: w.manifest, path: w.template.specPath.concat('containers'), message: `containers of ${w.kind} ${w.manifest.ref.name ?? ''}` })),
        });
        return;
      }
      const n = typeof target === 'number' ? target : typeof target === 'string' ? Number(target) : NaN;
      if (!Number.isInteger(n) || n <= 0) return;
      if (byNumber.has(JSON.stringify([n, protocol]))) return;
      ctx.report({
        path,
        severity: 'info',
        messageId: 'numericPort',
        data: { service: svc, port: label, number: n, protocol, workloads: who, declared: listDeclared() },
        related: selected.map((w) => ({ manifest: w.manifest, path: w.template.specPath.concat('containers'), message: `containers of ${w.kind} ${w.manifest.ref.name ?? ''}` })),
      });
    });
  },
};
export default rule;
