/**
 * False passes closed (issue 20): a custom resource that borrows a built-in kind's name is not linted (or fixed) as
 * that kind, and ports out of range or a required field set to null are reported as the API server rejects them.
 */
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { builtinKind } from '../src/k8s/workloads.js';
import { parseSource } from '../src/load/parse.js';
import type { Finding } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { BAD_DAEMONSET as DS, workdir } from './helpers/manifests.js';

async function lint(text: string): Promise<Finding[]> {
  const r = await lintAsync([parseSource({ path: 'x.yaml', text })], { rules: allRules });
  return r.findings;
}
const at = (fs: Finding[]) => fs.map((f) => `${f.ruleId} ${f.line}:${f.column}`);

describe('kinds are matched with their API group', () => {
  it('builtinKind', () => {
    expect(builtinKind({ apiVersion: 'apps/v1', kind: 'DaemonSet' })).toBe('DaemonSet');
    expect(builtinKind({ apiVersion: 'extensions/v1beta1', kind: 'DaemonSet' })).toBe('DaemonSet');
    expect(builtinKind({ apiVersion: 'example.com/v1', kind: 'DaemonSet' })).toBeUndefined();
    expect(builtinKind({ apiVersion: 'v1', kind: 'Service' })).toBe('Service');
    expect(builtinKind({ apiVersion: 'serving.knative.dev/v1', kind: 'Service' })).toBeUndefined();
    expect(builtinKind({ apiVersion: 'example.com/v1', kind: 'Widget' })).toBe('Widget');
  });

  it('example.com/v1 DaemonSet is neither linted nor fixed as an apps/v1 DaemonSet; a Knative Service selects nothing', async () => {
    const crd = DS.replace('apps/v1', 'example.com/v1').replace('      restartPolicy: Never\n', '      restartPolicy: Never\n      hostNetwork: true\n');
    expect(await lint(crd)).toEqual([]);
    const knative = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n';
    expect(await lint(knative)).toEqual([]);
    const dir = workdir({ 'crd.yaml': crd });
    const r = runCli(['--no-config', '--fix-dry-run', 'crd.yaml'], { cwd: dir });
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('daemonlint: 0 fixes would change 0 files\n');
  });
});

describe('what the API server rejects, the schema rule reports', () => {
  it('ports outside 1–65535 (0 allowed where it means unset)', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: a:1
      ports:
        - containerPort: -1
        - containerPort: 70000
          hostPort: -5
        - containerPort: 0
        - containerPort: 8080
          hostPort: 0
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  type: NodePort
  ports:
    - port: -80
      targetPort: 99999
      nodePort: 70000
    - port: 81
      targetPort: 0
`;
    const f = await lint(pod);
    expect(at(f.filter((x) => x.ruleId === 'schema'))).toEqual(['schema 9:26', 'schema 10:26', 'schema 11:21', 'schema 12:26', 'schema 22:13', 'schema 23:19', 'schema 24:17']);
    expect(f.find((x) => x.line === 9)!.message).toBe('`spec.containers[0].ports[0].containerPort` is -1, not a port number: the API server accepts 1 to 65535.');
    expect(f.find((x) => x.line === 11)!.message).toMatch(/accepts 0 to 65535 \(0: not set\)/);
  });

  it('a required field set to null is missing (containers: null), an optional one is simply unset', async () => {
    const f = await lint(DS.replace(/ {6}containers:\n.*\n.*\n$/, '      containers: null\n      volumes: null\n'));
    expect(at(f.filter((x) => x.ruleId === 'schema'))).toEqual(['schema 11:5']);
    expect(f[0]!.message).toBe('`spec.template.spec` (PodSpec) is missing the required field `containers`. (`containers: null` is the same as leaving it out.)');
  });
});
