// Removed apiVersions on real old vendor manifests, the DaemonSet migration fix, newer fields and custom resources
// against their CRD, through the whole rule set as the CLI runs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintAsync } from '../src/engine/lint.js';
import { fixUntilStable } from '../src/fix/run.js';
import { API_CHANGES } from '../src/k8s/api-versions.js';
import { POD_KINDS, builtinKind } from '../src/k8s/workloads.js';
import { parseSource } from '../src/load/parse.js';
import type { Finding, Manifest, SourceFile } from '../src/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const FLANNEL_2019_06 = 'old-apis/flannel-io__flannel__ac54a74d__kube-flannel.yml';
const FLANNEL_2019_07 = 'old-apis/flannel-io__flannel__d893bcbf__kube-flannel.yml';

function fixture(path: string): SourceFile {
  return parseSource({ path, text: readFileSync(join(FIXTURES, path), 'utf8') });
}

async function lint(files: SourceFile[], kubeVersion = '1.35', crds?: Manifest[]): Promise<Finding[]> {
  const r = await lintAsync(files, { rules: allRules, kubeVersion, crds });
  expect(r.internalErrors).toEqual([]);
  return r.findings;
}

const byRule = (findings: Finding[], id: string) => findings.filter((f) => f.ruleId === id);
const summary = (findings: Finding[]) => findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.object?.kind}`);

describe('removed apiVersions on real old vendor manifests', () => {
  it('reports each with the removal version and the replacement for 1.35', async () => {
    const old = byRule(await lint([fixture(FLANNEL_2019_06)]), 'api-version');
    expect(summary(old)).toEqual([
      '2:13 error PodSecurityPolicy',
      '50:13 error ClusterRole',
      '79:13 error ClusterRoleBinding',
      '133:13 error DaemonSet',
      '224:13 error DaemonSet',
      '315:13 error DaemonSet',
      '406:13 error DaemonSet',
      '497:13 error DaemonSet',
    ]);
    const ds = old.find((f) => f.line === 133)!;
    expect(ds.message).toMatch(/^`extensions\/v1beta1` DaemonSet was removed in Kubernetes 1\.16 \(the target is 1\.35\): the API server rejects the object\. Use `apps\/v1`/);
    expect(ds.message).toMatch(/defaulted to `OnDelete` in `extensions\/v1beta1`/);
    expect(ds.fix?.description).toMatch(/keep updateStrategy OnDelete/);
    const binding = old.find((f) => f.object?.kind === 'ClusterRoleBinding')!;
    expect(binding.message).toMatch(/was removed in Kubernetes 1\.22 .*Use `rbac\.authorization\.k8s\.io\/v1`/);

    const psp = byRule(await lint([fixture(FLANNEL_2019_07)]), 'api-version').find((f) => f.object?.kind === 'PodSecurityPolicy')!;
    expect(psp.message).toMatch(/^`policy\/v1beta1` PodSecurityPolicy was removed in Kubernetes 1\.25 .*Pod Security Admission/);
    expect(psp.severity).toBe('error');
  });

  it('reports nothing for a version that still serves them, and warns while they are deprecated', async () => {
    // 1.16 serves rbac v1beta1 (deprecated from 1.17) and policy/v1beta1 PodSecurityPolicy (deprecated from 1.21).
    expect(byRule(await lint([fixture(FLANNEL_2019_07)], '1.16'), 'api-version')).toEqual([]);
    const at21 = byRule(await lint([fixture(FLANNEL_2019_07)], '1.21'), 'api-version');
    expect(summary(at21)).toEqual(['2:13 warning PodSecurityPolicy', '50:13 warning ClusterRole', '79:13 warning ClusterRoleBinding']);
    expect(at21[1]!.message).toMatch(/is deprecated and stops being served in Kubernetes 1\.22 \(the target is 1\.21\)/);
    const at24 = byRule(await lint([fixture(FLANNEL_2019_07)], '1.24'), 'api-version');
    expect(summary(at24)).toEqual(['2:13 warning PodSecurityPolicy', '50:13 error ClusterRole', '79:13 error ClusterRoleBinding']);
  });

  it('lints the rest of a removed DaemonSet as its replacement, and says so', async () => {
    const findings = await lint([fixture(FLANNEL_2019_06)]);
    const ds = byRule(findings, 'api-version').find((f) => f.line === 133)!;
    expect(ds.message).toMatch(/The other findings on this object are the ones it keeps once moved to `apps\/v1`\./);
    expect(findings.some((f) => f.ruleId === 'host-network' && f.object?.name === 'kube-flannel-ds-amd64')).toBe(true);
    // The selector extensions/v1beta1 defaulted is not reported as missing.
    expect(byRule(findings, 'selector-mismatch')).toEqual([]);
  });
});

describe('removed apiVersions and kinds matched with their API group', () => {
  const daemonSet = (apiVersion: string) =>
    `apiVersion: ${apiVersion}\nkind: DaemonSet\nmetadata: {name: agent, namespace: agents}\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      hostPID: true\n      containers: [{name: agent, image: "agent:1"}]\n`;

  it('lints an extensions/v1beta1 or apps/v1beta2 DaemonSet as the apps/v1 DaemonSet it becomes, and says so', async () => {
    for (const apiVersion of ['extensions/v1beta1', 'apps/v1beta2']) {
      const findings = await lint([parseSource({ path: 'a.yaml', text: daemonSet(apiVersion) })]);
      expect(byRule(findings, 'host-pid').map((f) => f.line), apiVersion).toEqual([11]);
      const [f] = byRule(findings, 'api-version');
      expect(f!.message, apiVersion).toMatch(/The other findings on this object are the ones it keeps once moved to `apps\/v1`\./);
    }
  });

  it('leaves a custom resource named DaemonSet to its CRD: no DaemonSet rule, no api-version finding', async () => {
    const findings = await lint([parseSource({ path: 'a.yaml', text: daemonSet('example.com/v1') })]);
    expect(findings.map((f) => f.ruleId)).toEqual([]);
  });

  it('every removed apiVersion whose replacement keeps a kind other rules lint is matched as that kind', () => {
    const linted = new Set<string>([...POD_KINDS, 'Service']);
    let checked = 0;
    for (const change of API_CHANGES) {
      for (const kind of change.kinds) {
        if (!linted.has(kind) || !change.replacements.some((r) => !r.kind || r.kind === kind)) continue;
        expect(builtinKind({ apiVersion: change.apiVersion, kind }), `${change.apiVersion} ${kind}`).toBe(kind);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});

describe('the DaemonSet migration fix', () => {
  it('turns the old flannel DaemonSets into apps/v1 that the strict schema accepts, keeping OnDelete and the comments', async () => {
    const file = fixture(FLANNEL_2019_06);
    const outcome = await fixUntilStable([file], (fs) => lintAsync(fs, { rules: allRules, kubeVersion: '1.35' }));
    const fixed = outcome.files[0]!;
    const daemonSets = fixed.manifests.filter((m) => m.ref.kind === 'DaemonSet');
    expect(daemonSets).toHaveLength(5);
    for (const m of daemonSets) {
      expect(m.ref.apiVersion).toBe('apps/v1');
      expect(m.object.spec.selector).toEqual({ matchLabels: { tier: 'node', app: 'flannel' } });
      expect(m.object.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    }
    const remaining = outcome.result.findings;
    // The strict apps/v1 schema accepts the result; RBAC moved to v1; only the PodSecurityPolicy (no successor) is left.
    expect(byRule(remaining, 'schema')).toEqual([]);
    expect(summary(byRule(remaining, 'api-version'))).toEqual(['2:13 error PodSecurityPolicy']);
    // Only the edited nodes changed: the JSON config, comments and every other line are kept.
    const before = file.text.split('\n');
    const after = fixed.text.split('\n');
    expect(after.length - before.length).toBe(5 * 6);
    expect(fixed.text).toContain(before.slice(100, 130).join('\n'));
  });

  it('migrates an apps/v1beta2 DaemonSet by its apiVersion only (it already defaulted to RollingUpdate)', async () => {
    const text = [
      'apiVersion: apps/v1beta2 # old',
      'kind: DaemonSet',
      'metadata: {name: agent}',
      'spec:',
      '  selector:',
      '    matchLabels: {app: agent}',
      '  template:',
      '    metadata:',
      '      labels: {app: agent}',
      '    spec:',
      '      containers: [{name: agent, image: "agent:1"}]',
      '',
    ].join('\n');
    const outcome = await fixUntilStable([parseSource({ path: 'a.yaml', text })], (fs) => lintAsync(fs, { rules: allRules }));
    expect(outcome.files[0]!.text).toBe(text.replace('apps/v1beta2', 'apps/v1'));
    expect(outcome.result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('explains why it cannot migrate a DaemonSet whose template has no labels', async () => {
    const text = 'apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: "a:1"}]\n';
    const [f] = byRule(await lint([parseSource({ path: 'a.yaml', text })]), 'api-version');
    expect(f!.fix).toBeUndefined();
    expect(f!.message).toMatch(/`--fix` cannot migrate it: the Pod template has no labels to select/);
  });
});

describe('apiVersions and kinds no Kubernetes version has', () => {
  const text = (apiVersion: string, kind: string) =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers: [{name: a, image: "a:1"}]\n`;

  it('reports a typo with a did-you-mean and lints nothing else of the object', async () => {
    for (const [apiVersion, kind, expected] of [
      ['apps/v2', 'DaemonSet', /^`apps\/v2` is not a Kubernetes API version: the API server rejects the object, .* Did you mean `apps\/v1`\?$/],
      ['app/v1', 'DaemonSet', /^`app\/v1` is not a Kubernetes API version: .* Did you mean `apps\/v1`\?$/],
      ['apps/v1', 'Daemonset', /^`apps\/v1` has no kind Daemonset: the API server rejects the object, .* Did you mean `DaemonSet`\?$/],
      ['apps/v1', 'CronJob', /^CronJob is not a kind of `apps\/v1`: it is served by `batch\/v1`\./],
    ] as const) {
      const findings = await lint([parseSource({ path: 'a.yaml', text: text(apiVersion, kind) })]);
      expect(findings.map((f) => f.ruleId), `${apiVersion} ${kind}`).toEqual(['api-version']);
      expect(findings[0]!.message).toMatch(expected);
      expect(findings[0]!.fix?.safe).toBe(false);
    }
  });

  it('leaves custom resource groups to their CRD, and warns about a built-in group a letter away', async () => {
    expect(await lint([parseSource({ path: 'a.yaml', text: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n' })])).toEqual([]);
    const [f] = await lint([parseSource({ path: 'a.yaml', text: 'apiVersion: rbac.authorisation.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a}\n' })]);
    expect(f!.severity).toBe('warning');
    expect(f!.message).toMatch(/did you mean `rbac\.authorization\.k8s\.io\/v1`\?/);
  });

  it('names the older apiVersion for a kind the target does not serve yet', async () => {
    const src = parseSource({ path: 'c.yaml', text: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: a}\n' });
    const [f] = byRule(await lint([src], '1.20'), 'api-version');
    expect(f!.message).toBe('`batch/v1` CronJob is served from Kubernetes 1.21 only, so the target 1.20 rejects the object; use `batch/v1beta1` until then.');
    expect(byRule(await lint([src], '1.21'), 'api-version')).toEqual([]);
  });
});

describe('fields newer than the target version', () => {
  const daemonSet = (extra: string) =>
    parseSource({
      path: 'd.yaml',
      text: `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  selector: {matchLabels: {app: a}}\n  updateStrategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n  template:\n    metadata: {labels: {app: a}}\n    spec:\n${extra}      containers: [{name: a, image: "a:1"}]\n`,
    });

  it('says when a field does not exist yet or is behind a gate that is off by default', async () => {
    const at20 = byRule(await lint([daemonSet('')], '1.20'), 'field-availability');
    expect(at20.map((f) => [f.line, f.path])).toEqual([[8, 'spec.updateStrategy.rollingUpdate.maxSurge']]);
    expect(at20[0]!.message).toMatch(/does not exist in Kubernetes 1\.20: it arrived in 1\.21 \(DaemonSetUpdateSurge: alpha in 1\.21, on by default from 1\.22, GA in 1\.25\)/);
    const at21 = byRule(await lint([daemonSet('')], '1.21'), 'field-availability');
    expect(at21[0]!.message).toMatch(/behind the DaemonSetUpdateSurge feature gate, off by default in Kubernetes 1\.21/);
    expect(byRule(await lint([daemonSet('')], '1.22'), 'field-availability')).toEqual([]);
  });

  it('knows sidecar containers and reports nothing on 1.35', async () => {
    const sidecar = daemonSet('      initContainers: [{name: s, image: "s:1", restartPolicy: Always}]\n');
    const at28 = byRule(await lint([sidecar], '1.28'), 'field-availability');
    expect(at28.map((f) => f.path)).toEqual(['spec.template.spec.initContainers[0].restartPolicy']);
    expect(at28[0]!.message).toMatch(/SidecarContainers/);
    expect(byRule(await lint([sidecar]), 'field-availability')).toEqual([]);
  });
});

describe('custom resources next to their CRD', () => {
  it('finds the misspelt field of a Certificate at its line and column, with the CRD in the run or given with --crd', async () => {
    const crd = fixture('crds/cert-manager.io_certificates.yaml');
    const cr = fixture('crds/certificate-misspelt.yaml');
    for (const findings of [await lint([crd, cr]), await lint([cr], '1.35', crd.manifests)]) {
      const own = byRule(findings, 'custom-resource-schema').filter((f) => f.file === cr.path);
      expect(own.map((f) => `${f.line}:${f.column}-${f.endColumn}`)).toEqual(['10:3-10', '16:5-15', '18:16-22', '19:11-16']);
      expect(own[0]!.message).toBe('`dnsName` is not a field of `spec`; did you mean `dnsNames`?');
    }
  });

  it('skips a custom resource without a CRD unless requireCrd is set', async () => {
    const cr = fixture('crds/cert-manager-resources.yaml');
    expect(byRule(await lint([cr]), 'custom-resource-schema')).toEqual([]);
    const r = await lintAsync([cr], { rules: allRules, options: (id) => (id === 'custom-resource-schema' ? { requireCrd: true } : undefined) });
    expect(byRule(r.findings, 'custom-resource-schema').map((f) => `${f.line} ${f.object?.kind}`)).toEqual(['15 Issuer', '25 Certificate', '41 Certificate']);
  });
});
