import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { ConfigError, clearConfigCache, loadConfigFile, loadConfigFor } from '../src/config/index.js';
import { configSchema } from '../src/config/schema.js';
import { ROOT, runMain } from './helpers/cli.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const DS = (name: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      hostPID: true
      restartPolicy: Never
      containers:
        - name: ${name}
          image: example/${name}:1.0
`;

const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; severity: string }[]; summary: Record<string, number> };
const rulesOf = (r: { stdout: string }, file: string) => json(r).findings.filter((f) => f.file === file).map((f) => `${f.ruleId}:${f.severity}`);

describe('config schema', () => {
  it('schemas/config.schema.json is current (node scripts/gen-config-schema.mjs)', () => {
    expect(readFileSync(join(ROOT, 'schemas/config.schema.json'), 'utf8')).toBe(JSON.stringify(configSchema(allRules), null, 2) + '\n');
  });
  it('lists every rule and its options schema', () => {
    const s = configSchema(allRules) as { definitions: { rules: { properties: Record<string, { anyOf: { items?: unknown[] }[] }> } } };
    expect(Object.keys(s.definitions.rules.properties).sort()).toEqual(allRules.map((r) => r.meta.id).sort());
    expect(s.definitions.rules.properties['sensitive-host-path']!.anyOf[1]!.items![1]).toMatchObject({ properties: { extraPaths: {} } });
  });
  it('lets editors flag a misspelt rule id in a config without custom policies, and accept policy ids in one with them', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/config.schema.json'), 'utf8')));
    const ok = (config: unknown) => validate(config);
    const policy = { id: 'my-policy', description: 'd', kinds: ['DaemonSet'], expression: 'true', message: 'm' };
    expect(ok({ rules: { 'host-pid': 'off' }, strict: ['host-ipc'], waivers: [{ kind: 'DaemonSet', rules: ['host-network'] }] })).toBe(true);
    expect(ok({ rules: { 'host-pdi': 'off' } })).toBe(false);
    expect(ok({ overrides: [{ files: 'x/', rules: { 'host-pdi': 'off' } }] })).toBe(false);
    expect(ok({ strict: ['host-pdi'] })).toBe(false);
    expect(ok({ waivers: [{ kind: 'DaemonSet', rules: ['host-pdi'] }] })).toBe(false);
    // With policies here, or possibly in a config it extends, a policy id cannot be told from a typo by the schema.
    expect(ok({ policies: [policy], rules: { 'my-policy': ['error', { limit: 3 }] }, strict: ['my-policy'] })).toBe(true);
    expect(ok({ policies: ['ci/policies.yaml'], rules: { 'from-file': 'warning' } })).toBe(true);
    expect(ok({ extends: './base.yaml', rules: { 'defined-in-base': 'warning' } })).toBe(true);
    expect(ok({ policies: [policy], rules: { 'Not-Kebab': 'off' } })).toBe(false);
  });
});

describe('config discovery and resolution', () => {
  it('finds the nearest file upward and stops at the repository root', () => {
    const dir = tree({
      '.daemonlint.yaml': 'rules: {host-pid: off}\n',
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/a/b/x.yaml': '',
      'repo/c/.daemonlint.yml': 'rules: {host-pid: error}\n',
      'repo/c/d/y.yaml': '',
      'other/z.yaml': '',
    });
    clearConfigCache();
    expect(loadConfigFor(join(dir, 'repo/a/b/x.yaml'), allRules).file).toBeUndefined();
    expect(loadConfigFor(join(dir, 'repo/c/d/y.yaml'), allRules).severity('host-pid', join(dir, 'repo/c/d/y.yaml'))).toBe('error');
    expect(loadConfigFor(join(dir, 'other/z.yaml'), allRules).severity('host-pid', join(dir, 'other/z.yaml'))).toBe('off');
  });

  it('extends (a path or a list), with the extending file winning and options kept', () => {
    // A repository (a config found in it may extend files anywhere inside it).
    const dir = tree({
      '.git/HEAD': '',
      'base/one.yaml': 'rules:\n  host-pid: error\n  sensitive-host-path: [warning, {extraPaths: [/data]}]\nstrict: [restart-policy]\n',
      'base/two.json': '{"rules": {"host-pid": "info", "host-ipc": "off"}, "kubeVersion": "1.35"}',
      'app/.daemonlint.yaml': 'extends: [../base/one.yaml, ../base/two.json]\nrules:\n  sensitive-host-path: error\n',
    });
    const c = loadConfigFile(join(dir, 'app/.daemonlint.yaml'), allRules);
    const f = join(dir, 'app/x.yaml');
    expect(c.severity('host-pid', f)).toBe('info');
    expect(c.severity('host-ipc', f)).toBe('off');
    expect(c.severity('sensitive-host-path', f)).toBe('error');
    expect(c.options('sensitive-host-path', f)).toEqual({ extraPaths: ['/data'] });
    expect(c.isStrict('restart-policy')).toBe(true);
    expect(c.kubeVersion).toBe('1.35');
    expect(c.files.map((p) => p.slice(dir.length + 1))).toEqual(['base/one.yaml', 'base/two.json', 'app/.daemonlint.yaml']);
  });

  it('reports an extends cycle', () => {
    const dir = tree({ 'a.yaml': 'extends: ./b.yaml\n', 'b.yaml': 'extends: [./a.yaml]\n' });
    expect(() => loadConfigFile(join(dir, 'a.yaml'), allRules)).toThrow(/extends cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml/);
  });

  it('applies overrides and ignore globs relative to the config file', () => {
    const dir = tree({ 'deploy/.daemonlint.yaml': 'overrides:\n  - files: ["legacy/**", "*.test.yaml"]\n    rules: {restart-policy: warning}\nignore: [vendor, "**/generated-*.yaml"]\n' });
    const c = loadConfigFile(join(dir, 'deploy/.daemonlint.yaml'), allRules);
    expect(c.severity('restart-policy', join(dir, 'deploy/legacy/a/x.yaml'))).toBe('warning');
    expect(c.severity('restart-policy', join(dir, 'deploy/apps/x.test.yaml'))).toBe('warning');
    expect(c.severity('restart-policy', join(dir, 'deploy/apps/x.yaml'))).toBeUndefined();
    expect(c.severity('restart-policy', join(dir, 'legacy/x.yaml'))).toBeUndefined();
    expect(c.isIgnored(join(dir, 'deploy/vendor/lib/x.yaml'))).toBe(true);
    expect(c.isIgnored(join(dir, 'deploy/a/generated-x.yaml'))).toBe(true);
    expect(c.isIgnored(join(dir, 'deploy/a/x.yaml'))).toBe(false);
  });

  it('rejects bad configs with the file, line, key and a did-you-mean', () => {
    const cases: [string, RegExp][] = [
      ['rules:\n  restart-polcy: error\n', /\.daemonlint\.yaml:2:3: rules\.restart-polcy: unknown rule "restart-polcy"; did you mean "restart-policy"\?/],
      ['rules:\n  host-pid: fatal\n', /:2:13: rules\.host-pid: must be one of off, info, warning, error \(this rule takes no options\); got "fatal"/],
      ['rule:\n  host-pid: off\n', /:1:1: rule: unknown key "rule"; did you mean "rules"\?/],
      ['strict: [host-pdi]\n', /:1:10: strict\[0\]: unknown rule "host-pdi"; did you mean "host-pid"\?/],
      ['waivers:\n  - {rules: [host-pid]}\n', /:2:5: waivers\[0\]: a waiver must name at least one of kind, name or namespace/],
      ['rules:\n  sensitive-host-path: [error, {extraPath: [/x]}]\n', /:2:33: rules\.sensitive-host-path\[1\]\.extraPath: unknown key "extraPath"; did you mean "extraPaths"\?/],
      ['rules: [\n', /:\d+:\d+: invalid YAML/],
      ['extends: ./missing.yaml\n', /:1:10: extends: \.\/missing\.yaml does not exist/],
    ];
    for (const [text, re] of cases) {
      const dir = tree({ '.daemonlint.yaml': text });
      let message = '';
      try {
        loadConfigFile(join(dir, '.daemonlint.yaml'), allRules);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message, text).toMatch(re);
      expect(message).not.toContain('\n');
    }
  });
});

describe('config on the command line', () => {
  it('turns a rule off for one directory, raises another to error, and exits 2 on a bad config', async () => {
    const dir = tree({
      '.git/HEAD': '',
      '.daemonlint.yaml': 'rules:\n  host-pid: error\noverrides:\n  - files: [legacy]\n    rules: {restart-policy: off}\n',
      'apps/a.yaml': DS('a'),
      'legacy/b.yaml': DS('b'),
    });
    const r = await runMain(['-f', 'json', '.'], { cwd: dir });
    expect(rulesOf(r, 'apps/a.yaml')).toEqual(expect.arrayContaining(['host-pid:error', 'restart-policy:error']));
    expect(rulesOf(r, 'legacy/b.yaml')).toContain('host-pid:error');
    expect(rulesOf(r, 'legacy/b.yaml').some((k) => k.startsWith('restart-policy'))).toBe(false);
    expect(json(r).summary.files).toBe(2); // The config file itself is not linted.

    const nested = await runMain(['-f', 'json', 'legacy/b.yaml'], { cwd: join(dir, 'apps') + '/..' });
    expect(rulesOf(nested, 'legacy/b.yaml')).toContain('host-pid:error');

    expect(rulesOf(await runMain(['-f', 'json', '--no-config', 'apps/a.yaml'], { cwd: dir }), 'apps/a.yaml')).toContain('host-pid:warning');
    writeFileSync(join(dir, 'other.yaml'), 'rules: {host-pid: info}\n');
    expect(rulesOf(await runMain(['-f', 'json', '--config', 'other.yaml', 'apps/a.yaml'], { cwd: dir }), 'apps/a.yaml')).toContain('host-pid:info');

    writeFileSync(join(dir, '.daemonlint.yaml'), 'rules:\n  host-pdi: off\n');
    const bad = await runMain(['apps/a.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('daemonlint: .daemonlint.yaml:2:3: rules.host-pdi: unknown rule "host-pdi"; did you mean "host-pid"?\n');
  });

  it('skips ignored files and takes failOn and rule options from the config', async () => {
    const dir = tree({
      '.git/HEAD': '',
      '.daemonlint.yaml': 'ignore: [vendor/]\nfailOn: warning\nrules:\n  restart-policy: warning\n',
      'vendor/x.yaml': DS('x'),
      'a.yaml': DS('a'),
    });
    const r = await runMain(['-f', 'json'], { cwd: dir });
    expect(json(r).summary.files).toBe(1);
    expect(r.code).toBe(1);
    expect((await runMain(['-f', 'json', '--fail-on', 'error'], { cwd: dir })).code).toBe(0);
  });

  it('passes options to rules (dangerous-capabilities allow list)', async () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: p\n      image: example/p:1\n      securityContext:\n        capabilities:\n          add: [SYS_ADMIN, SYS_MODULE]\n`;
    const dir = tree({ '.git/HEAD': '', 'p.yaml': pod, '.daemonlint.yaml': 'rules:\n  dangerous-capabilities: [warning, {allow: [SYS_ADMIN]}]\n' });
    const found = json(await runMain(['-f', 'json', 'p.yaml'], { cwd: dir })).findings.filter((f) => f.ruleId === 'dangerous-capabilities');
    expect(found).toHaveLength(1);
  });
});

describe('a config from a repository reads nothing outside it (issue 20)', () => {
  const load = (dir: string, name = '.daemonlint.yaml', trusted = false) => {
    clearConfigCache();
    try {
      loadConfigFile(join(dir, name), allRules, { trusted });
      return 'loaded';
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
  };

  it('refuses absolute paths and .. escapes in extends and nodes, symbolic links resolved', () => {
    const outside = tree({ 'base.yaml': 'rules: {host-pid: off}\n', 'nodes.yaml': 'apiVersion: v1\nkind: Node\nmetadata: {name: n}\n' });
    const repo = tree({ '.git/HEAD': '', 'ci/base.yaml': 'rules: {host-ipc: off}\n' });
    const cases: [string, RegExp][] = [
      ['extends: /etc/shadow\n', /:1:10: extends: \/etc\/shadow is an absolute path: a config found in a repository may only name files inside it/],
      [`extends: ${join(outside, 'base.yaml')}\n`, /extends: .* is an absolute path/],
      ['extends: [./ci/base.yaml, ../../../../../../etc/passwd]\n', /:1:27: extends: \.\.\/.*etc\/passwd is outside the repository/],
      ['nodes: /etc/hosts\n', /:1:8: nodes: \/etc\/hosts is an absolute path/],
      ['extends: ./escape/base.yaml\n', /extends: \.\/escape\/base\.yaml is outside the repository/],
    ];
    symlinkSync(outside, join(repo, 'escape'));
    for (const [text, re] of cases) {
      writeFileSync(join(repo, '.daemonlint.yaml'), text);
      expect(load(repo), text).toMatch(re);
    }
    // Inside the repository, and through a link that stays inside it: fine.
    symlinkSync(join(repo, 'ci'), join(repo, 'common'));
    writeFileSync(join(repo, 'deploy.yaml'), 'extends: [./ci/base.yaml, ./common/base.yaml]\n');
    expect(load(repo, 'deploy.yaml')).toBe('loaded');
    // The same config given on the command line may name files anywhere; what it extends is checked again.
    writeFileSync(join(repo, '.daemonlint.yaml'), `extends: ${join(outside, 'base.yaml')}\n`);
    expect(load(repo, '.daemonlint.yaml', true)).toBe('loaded');
    writeFileSync(join(outside, 'base.yaml'), 'extends: /etc/shadow\n');
    expect(load(repo, '.daemonlint.yaml', true)).toMatch(/base\.yaml:1:10: extends: \/etc\/shadow is an absolute path/);
  });

  it('through the CLI: a found config is refused, --config is trusted, and the Action does not trust its config input', async () => {
    const dir = tree({ '.git/HEAD': '', 'a.yaml': DS('a'), 'outside/base.yaml': 'rules: {host-pid: off}\n' });
    mkdirSync(join(dir, 'repo/.git'), { recursive: true });
    writeFileSync(join(dir, 'repo/a.yaml'), DS('a'));
    writeFileSync(join(dir, 'repo/.daemonlint.yaml'), 'extends: ../outside/base.yaml\n');
    const found = await runMain(['a.yaml'], { cwd: join(dir, 'repo') });
    expect(found.code).toBe(2);
    expect(found.stderr).toMatch(/^daemonlint: \.daemonlint\.yaml:1:10: extends: \.\.\/outside\/base\.yaml is outside the repository: .* pass a config that needs it with --config\n$/);
    const given = await runMain(['-f', 'json', '--config', '.daemonlint.yaml', 'a.yaml'], { cwd: join(dir, 'repo') });
    expect(given.code).toBe(1);
    expect(rulesOf(given, 'a.yaml').some((k) => k.startsWith('host-pid'))).toBe(false);
  });

  it('nodes: a directory named by a found config is read only inside the repository (its links are followed no further)', async () => {
    const NODE = (name: string, os: string) => `apiVersion: v1\nkind: Node\nmetadata: {name: ${name}, labels: {kubernetes.io/os: ${os}}}\n`;
    const dir = tree({ 'outside/secret.yaml': NODE('outside-node', 'windows'), 'repo/.git/HEAD': '', 'repo/nodes/a.yaml': NODE('a', 'linux'), 'repo/ds.yaml': DS('agent') });
    const repo = join(dir, 'repo');
    writeFileSync(join(repo, '.daemonlint.yaml'), 'nodes: ./nodes\n');
    const inside = await runMain(['-f', 'json', 'ds.yaml'], { cwd: repo });
    expect(inside.stderr).toBe('');
    // A link in the directory that leads out of the repository: refused, in one line, before anything is read there.
    symlinkSync(join(dir, 'outside', 'secret.yaml'), join(repo, 'nodes', 'b.yaml'));
    const found = await runMain(['-f', 'json', 'ds.yaml'], { cwd: repo });
    expect(found.code).toBe(2);
    expect(found.stdout).toBe('');
    expect(found.stderr).toMatch(/^daemonlint: node inventory: nodes\/b\.yaml leads outside the repository \(.*repo\): a config found in a repository may only name files inside it; pass a config that needs it with --config\n$/);
    // The same config named on the command line is trusted; so is --nodes.
    expect((await runMain(['-f', 'json', '--config', '.daemonlint.yaml', 'ds.yaml'], { cwd: repo })).stderr).toBe('');
    expect((await runMain(['-f', 'json', '--nodes', 'nodes', 'ds.yaml'], { cwd: repo })).stderr).toBe('');
    // The language server reads the found config the same way: one diagnostic instead of the outside file.
    const { BufferLinter } = await import('../src/lsp/lint.js');
    const { parseSource } = await import('../src/load/parse.js');
    const linted = await new BufferLinter({}).lint(parseSource({ path: 'ds.yaml', absPath: join(repo, 'ds.yaml'), text: DS('agent') }), undefined);
    expect(linted).toMatchObject({ kind: 'config-error', message: expect.stringMatching(/^node inventory: .*b\.yaml leads outside the repository/) });
  });

  // About 11 s of CPU for the two 80,000-entry configs: the default 30 s of wall time is too short on a busy machine.
  it('a config with 80,000 keys is read with the linear duplicate-key check; its repeated key is pointed at', () => {
    const dir = tree({ '.git/HEAD': '' });
    const keys = Array.from({ length: 80_000 }, (_, i) => `  - {files: [dir-${i}/], rules: {host-pid: off}}\n`).join('');
    writeFileSync(join(dir, '.daemonlint.yaml'), `overrides:\n${keys}rules:\n  host-pid: error\nrules: {}\n`);
    expect(load(dir)).toBe(`${join(dir, '.daemonlint.yaml')}:80004:1: invalid YAML: a key appears twice in one mapping`);
    writeFileSync(join(dir, '.daemonlint.yaml'), `overrides:\n${keys}`);
    clearConfigCache();
    const c = loadConfigFile(join(dir, '.daemonlint.yaml'), allRules);
    expect(c.severity('host-pid', join(dir, 'dir-79999/x.yaml'))).toBe('off');
    expect(c.severity('host-pid', join(dir, 'other/x.yaml'))).toBeUndefined();
  }, 120_000);
});
