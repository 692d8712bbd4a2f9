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
        const data = { service: svc, port: label, target, protocol, workloads: who };
        ctx.report({
          path,
          ...(otherProto
            ? { messageId: 'namedPortOtherProtocol', data: { ...data, container: otherProto.p.container, otherProtocol: otherProto.p.protocol } }
            : { messageId: 'namedPort', data: { ...data, declared: listDeclared } }),
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
        messageId: 'numericPort',
        data: { service: svc, port: label, number: n, protocol, workloads: who, declared: listDeclared },
        related: shown.map((w) => ({ manifest: w.manifest, path: w.template.specPath.concat('containers'), message: `containers of ${w.kind} ${w.manifest.ref.name ?? ''}` })),
      });
    });
  },
};
export default rule;
