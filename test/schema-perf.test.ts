// Linting 2,000 DaemonSets must spend at most a third of its time in schema validation.
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/load/parse.js';
import { lintAsync } from '../src/engine/lint.js';
import schemaRule from '../rules/schema.js';
import type { Rule } from '../src/types.js';

function daemonSet(i: number): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent-${i}
  namespace: ns-${i % 17}
  labels:
    app.kubernetes.io/name: agent-${i}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: agent-${i}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 10%
  template:
    metadata:
      labels:
        app.kubernetes.io/name: agent-${i}
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: agent
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      priorityClassName: system-node-critical
      tolerations:
        - operator: Exists
      nodeSelector:
        kubernetes.io/os: linux
      containers:
        - name: agent
          image: example/agent:1.${i % 10}
          args: ["--port=9100", "--verbose"]
          env:
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            - name: LEVEL
              value: "info"
          ports:
            - name: metrics
              containerPort: 9100
          resources:
            requests: {cpu: 50m, memory: 64Mi}
            limits: {cpu: 200m, memory: 128Mi}
          livenessProbe:
            httpGet: {path: /healthz, port: metrics}
            initialDelaySeconds: 5
          securityContext:
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - {name: proc, mountPath: /host/proc, readOnly: true}
            - {name: sys, mountPath: /host/sys, readOnly: true}
      volumes:
        - {name: proc, hostPath: {path: /proc}}
        - {name: sys, hostPath: {path: /sys}}
`;
}

describe('schema validation cost', () => {
  it('is under a third of linting 2,000 DaemonSets', async () => {
    const texts = Array.from({ length: 20 }, (_, f) => Array.from({ length: 100 }, (_, i) => daemonSet(f * 100 + i)).join('---\n'));
    let schemaMs = 0;
    const timed: Rule = {
      meta: schemaRule.meta,
      async prepare(run) {
        const t = performance.now();
        await schemaRule.prepare!(run);
        schemaMs += performance.now() - t;
      },
      check(ctx) {
        const t = performance.now();
        schemaRule.check!(ctx);
        schemaMs += performance.now() - t;
      },
    };
    const measure = async () => {
      schemaMs = 0;
      const t = performance.now();
      const files = texts.map((text, i) => parseSource({ path: `ds-${i}.yaml`, text }));
      const { findings, internalErrors } = await lintAsync(files, { rules: [timed] });
      const total = performance.now() - t;
      expect(internalErrors).toEqual([]);
      expect(findings).toEqual([]);
      expect(files.reduce((n, f) => n + f.manifests.length, 0)).toBe(2000);
      return { total, schema: schemaMs };
    };
    const cold = await measure(); // includes loading the apps/v1 validators chunk
    const warm = await measure();
    console.log(
      `2,000 DaemonSets: cold ${cold.total.toFixed(0)} ms total, ${cold.schema.toFixed(1)} ms schema; warm ${warm.total.toFixed(0)} ms total, ${warm.schema.toFixed(1)} ms schema`,
    );
    // Total here is parsing plus the schema rule alone: stricter than a run with every rule.
    expect(cold.schema).toBeLessThan(cold.total / 3);
    expect(warm.schema).toBeLessThan(warm.total / 3);
  }, 120_000);
});
