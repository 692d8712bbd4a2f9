// --kube-version, kubeVersion, --crd and crds: from the command line and config files (the CLI's main, in-process).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-kube-version-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const FIXTURES = join(import.meta.dirname, 'fixtures');
const RBAC = 'apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: RoleBinding\nmetadata: {name: a, namespace: n}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects: []\n';

const CERT = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: a}\nspec:\n  secretName: s\n  issuerRef: {name: i}\n  dnsName: [a]\n';

const findings = (stdout: string) => (JSON.parse(stdout) as { findings: { ruleId: string; severity: string; line: number }[] }).findings;

describe('target Kubernetes version', () => {
  it('accepts every minor from 1.16 to 1.35, as 1.N, v1.N or 1.N.P, and refuses others in one line', async () => {
    const dir = tree({ 'rb.yaml': RBAC });
    for (const [v, expected] of [['1.16', []], ['v1.21.4', ['api-version:warning']], ['1.35', ['api-version:error']]] as const) {
      const r = await runMain(['--no-config', '-f', 'json', '--kube-version', v, 'rb.yaml'], { cwd: dir });
      expect(findings(r.stdout).map((f) => `${f.ruleId}:${f.severity}`), v).toEqual(expected);
    }
    for (const v of ['1.15', '1.36', 'latest']) {
      const r = await runMain(['--kube-version', v, 'rb.yaml'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`daemonlint: --kube-version ${v} is not supported; supported: 1.16 to 1.35 (as 1.N, v1.N or 1.N.P)\n`);
    }
  });

  it('takes kubeVersion from the config, and reports an unsupported one at its line', async () => {
    const dir = tree({ '.git/HEAD': '', '.daemonlint.yaml': 'kubeVersion: "1.20"\n', 'rb.yaml': RBAC });
    expect(findings((await runMain(['-f', 'json', 'rb.yaml'], { cwd: dir })).stdout).map((f) => f.severity)).toEqual(['warning']);
    writeFileSync(join(dir, '.daemonlint.yaml'), 'rules: {}\nkubeVersion: "1.12"\n');
    const r = await runMain(['rb.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('daemonlint: .daemonlint.yaml:2:14: kubeVersion: must be a Kubernetes version from 1.16 to 1.35, such as "1.35" (got "1.12")\n');
  });
});

describe('CustomResourceDefinitions from --crd and crds:', () => {
  const cr = join(FIXTURES, 'crds', 'certificate-misspelt.yaml');
  const crd = join(FIXTURES, 'crds', 'cert-manager.io_certificates.yaml');

  it('checks custom resources against a CRD file or directory', async () => {
    expect(findings((await runMain(['--no-config', '-f', 'json', cr])).stdout)).toEqual([]);
    for (const arg of [crd, join(FIXTURES, 'crds')]) {
      const r = await runMain(['--no-config', '-f', 'json', '--crd', arg, cr]);
      expect(r.code).toBe(1);
      expect(findings(r.stdout).map((f) => `${f.line} ${f.ruleId}`)).toEqual(['10 custom-resource-schema', '16 custom-resource-schema', '18 custom-resource-schema', '19 custom-resource-schema']);
    }
  });

  it('reads crds: relative to the config file', async () => {
    const dir = tree({ '.git/HEAD': '', '.daemonlint.yaml': 'crds: [deploy/crds]\n', 'cert.yaml': '' });
    mkdirSync(join(dir, 'deploy', 'crds'), { recursive: true });
    copyFileSync(crd, join(dir, 'deploy', 'crds', 'certificates.yaml'));
    writeFileSync(join(dir, 'cert.yaml'), CERT);
    const r = await runMain(['-f', 'json', 'cert.yaml'], { cwd: dir });
    expect(findings(r.stdout).map((f) => `${f.line} ${f.ruleId}`)).toEqual(['7 custom-resource-schema']);
  });

  it('refuses crds: outside the repository of a config it found, in one line at the key; --config may name them', async () => {
    const dir = tree({ '.git/HEAD': '', 'cert.yaml': CERT });
    for (const ref of [crd, '../outside.yaml']) {
      writeFileSync(join(dir, '.daemonlint.yaml'), `crds:\n  - ${JSON.stringify(ref)}\n`);
      const r = await runMain(['-f', 'json', 'cert.yaml'], { cwd: dir });
      expect(r.code, ref).toBe(2);
      expect(r.stderr, ref).toMatch(/^daemonlint: \.daemonlint\.yaml:2:5: crds: \S+ is (an absolute path|outside the repository): a config found in a repository may only name files inside it \(.*\); pass a config that needs it with --config\n$/);
    }
    writeFileSync(join(dir, '.daemonlint.yaml'), `crds:\n  - ${JSON.stringify(crd)}\n`);
    const trusted = await runMain(['-f', 'json', '--config', '.daemonlint.yaml', 'cert.yaml'], { cwd: dir });
    expect(findings(trusted.stdout).map((f) => `${f.line} ${f.ruleId}`)).toEqual(['7 custom-resource-schema']);
  });

  it('refuses a CRD path that is missing or holds no CRD, in one line', async () => {
    const dir = tree({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
    let r = await runMain(['--no-config', '--crd', 'nope.yaml', 'a.yaml'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'daemonlint: CRD path nope.yaml: no such file or directory\n']);
    r = await runMain(['--no-config', '--crd', 'a.yaml', 'a.yaml'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'daemonlint: CRD path a.yaml holds no CustomResourceDefinition (apiextensions.k8s.io/v1 or v1beta1)\n']);
  });

  it('reads CRD files through the guarded reader: a named pipe or an undecodable file is one line, never a hang', async () => {
    const dir = tree({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', 'bad.yaml': 'a: [\n' });
    execFileSync('mkfifo', [join(dir, 'crd.pipe')]);
    let r = await runMain(['--no-config', '--crd', 'crd.pipe', 'a.yaml'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'daemonlint: CRD file: cannot read crd.pipe: it is a named pipe (FIFO), not a file (reading it would wait for a writer)\n']);
    r = await runMain(['--no-config', '--crd', 'bad.yaml', 'a.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^daemonlint: CRD file bad\.yaml:\d+:\d+: [^\n]+\n$/);
  });
});
