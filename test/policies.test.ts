/**
 * Custom CEL policies from `.daemonlint.yaml`: config errors with their position, findings at the exact node in
 * every output, and the same treatment as built-in rules (severity, suppressions, baseline, rules, explain).
 */
import { LINKS } from '../src/links.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runMain } from './helpers/cli.js';
import { removeWorkdirs, workdir } from './helpers/manifests.js';
import { validateSarif } from './helpers/sarif.js';

afterAll(removeWorkdirs);

const AGENT = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      priorityClassName: system-cluster-critical
      initContainers:
        - name: setup
          image: registry.example.com/setup:1.0
      containers:
        - name: agent
          image: docker.io/agent:1.0
`;

const POLICIES = `policies:
  - id: node-critical
    severity: error
    description: Node agents run at system-node-critical priority.
    kinds: [DaemonSet]
    expression: "has(podSpec.priorityClassName) && podSpec.priorityClassName == 'system-node-critical'"
    message: set priorityClassName to system-node-critical so the agent is not preempted on a full node
    path: podSpec.priorityClassName
  - id: our-registry
    description: Images come from our registry.
    kinds: [DaemonSet, Deployment]
    params: {registry: registry.example.com}
    expression: "containers.all(c, c.image.startsWith(params.registry + '/'))"
    messageExpression: "'images must come from ' + params.registry + ': ' + containers.filter(c, !c.image.startsWith(params.registry + '/')).map(c, c.image).join(', ')"
  - id: no-latest
    description: Images are pinned.
    kinds: '*'
    expression: "podSpec == null || podSpec.containers.all(c, !c.image.endsWith(':latest'))"
    message: pin the image to a version
`;

type Json = { findings: { ruleId: string; severity: string; line: number; column: number; endLine: number; endColumn: number; message: string; path: string }[] };
const json = (stdout: string) => JSON.parse(stdout) as Json;

describe('custom policies: findings', () => {
  it('report at the field the policy names, in text, JSON and SARIF', () => {
    const dir = workdir({ '.git/HEAD': '', '.daemonlint.yaml': POLICIES, 'agent.yaml': AGENT });
    const text = runCli(['--no-color', 'agent.yaml'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^ {2}13:7 +error +DaemonSet kube-system\/agent: set priorityClassName to system-node-critical so the agent is not preempted on a full node {2}node-critical$/m);
    // containers.all(c, c.image…): the image of the first container that fails (init containers come first).
    expect(text.stdout).toMatch(/^ {2}19:11 +warning +DaemonSet kube-system\/agent: images must come from registry\.example\.com: docker\.io\/agent:1\.0 {2}our-registry$/m);

    const j = json(runCli(['-f', 'json', 'agent.yaml'], { cwd: dir }).stdout);
    const critical = j.findings.find((f) => f.ruleId === 'node-critical')!;
    expect(critical).toMatchObject({ severity: 'error', line: 13, column: 7, endLine: 13, endColumn: 24, path: 'spec.template.spec.priorityClassName' });
    expect(j.findings.find((f) => f.ruleId === 'our-registry')).toMatchObject({ severity: 'warning' });
    expect(j.findings.some((f) => f.ruleId === 'no-latest')).toBe(false);

    const sarif = JSON.parse(runCli(['-f', 'sarif', 'agent.yaml'], { cwd: dir }).stdout);
    expect(validateSarif(sarif)).toEqual([]);
    const run = sarif.runs[0];
    const descriptor = run.tool.driver.rules.find((r: { id: string }) => r.id === 'node-critical');
    expect(descriptor).toMatchObject({ shortDescription: { text: 'Node agents run at system-node-critical priority.' }, defaultConfiguration: { level: 'error' } });
    expect(descriptor.helpUri).toBeUndefined();
    expect(descriptor.help.markdown).toContain("has(podSpec.priorityClassName) && podSpec.priorityClassName == 'system-node-critical'");
    // Why and How to fix of its built documentation, as for a built-in rule.
    expect(descriptor.fullDescription.text).toBe(
      'A policy of this repository (.daemonlint.yaml): Node agents run at system-node-critical priority. Change the object so that the policy holds, or waive the finding with a reason.',
    );
    // The whole document as plain text: its summary, then each section under its heading.
    expect(descriptor.help.text).toMatch(/^A custom policy of this repository, defined in `\.daemonlint\.yaml:\d+`\.\n\nWhy\n\nA policy of this repository \(\.daemonlint\.yaml\): .*\n\nHow to fix\n\nChange the object/);
    // A built-in rule keeps its link to the project's page (when package.json says where the project is).
    expect(run.tool.driver.rules.find((r: { id: string }) => r.id === 'restart-policy').helpUri).toBe(LINKS?.rule('restart-policy'));
    const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'node-critical');
    expect(result.locations[0].physicalLocation.region).toEqual({ startLine: 13, startColumn: 7, endLine: 13, endColumn: 24 });
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('node-critical');
  });

  it('point at the one field the expression reads when the policy names none, or at its nearest parent', () => {
    const config = `policies:
  - id: replicas-limit
    description: At most five replicas.
    kinds: [Deployment]
    expression: object.spec.replicas <= 5
    message: too many replicas
  - id: needs-host-network
    description: Host network.
    kinds: [Deployment]
    expression: "has(podSpec.hostNetwork) && podSpec.hostNetwork"
    message: use the host network
`;
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 8
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: example/web:1.0}]
`;
    const dir = workdir({ '.git/HEAD': '', '.daemonlint.yaml': config, 'web.yaml': deployment });
    const j = json(runCli(['-f', 'json', 'web.yaml'], { cwd: dir }).stdout);
    expect(j.findings.find((f) => f.ruleId === 'replicas-limit')).toMatchObject({ line: 6, column: 3, path: 'spec.replicas', message: 'Deployment web: too many replicas' });
    // hostNetwork is absent: its nearest parent, the Pod spec.
    expect(j.findings.find((f) => f.ruleId === 'needs-host-network')).toMatchObject({ line: 10, column: 5, path: 'spec.template.spec.hostNetwork' });
  });

  it('say why when an expression cannot be evaluated on an object, and cut off a runaway one', () => {
    const config = `policies:
  - id: strict-field
    description: Reads a field without has().
    kinds: [DaemonSet]
    expression: podSpec.hostNetwork == false
    message: no host network
  - id: runaway
    description: Loops for a very long time.
    kinds: [DaemonSet]
    expression: >-
      [0,1,2,3,4,5,6,7,8,9].all(a, [0,1,2,3,4,5,6,7,8,9].all(b, [0,1,2,3,4,5,6,7,8,9].all(c,
      [0,1,2,3,4,5,6,7,8,9].all(d, [0,1,2,3,4,5,6,7,8,9].all(e, [0,1,2,3,4,5,6,7,8,9].all(f,
      [0,1,2,3,4,5,6,7,8,9].all(g, [0,1,2,3,4,5,6,7,8,9].all(h, true))))))))
    message: never
`;
    const dir = workdir({ '.git/HEAD': '', '.daemonlint.yaml': config, 'agent.yaml': AGENT });
    const j = json(runCli(['-f', 'json', 'agent.yaml'], { cwd: dir }).stdout);
    expect(j.findings.find((f) => f.ruleId === 'strict-field')?.message).toMatch(/^DaemonSet kube-system\/agent: policy strict-field could not be evaluated: .*hostNetwork.*Test optional fields with has\(\)/);
    expect(j.findings.find((f) => f.ruleId === 'runaway')?.message).toMatch(/policy runaway could not be evaluated: the evaluation exceeded its cost budget of 1000000 and was stopped/);
  });

  it('take params from the definition, overridden by a rules entry', () => {
    const config = `${POLICIES}rules:\n  our-registry: [error, {registry: docker.io}]\n`;
    const dir = workdir({ '.git/HEAD': '', '.daemonlint.yaml': config, 'agent.yaml': AGENT });
    const j = json(runCli(['-f', 'json', 'agent.yaml'], { cwd: dir }).stdout);
    expect(j.findings.find((f) => f.ruleId === 'our-registry')).toMatchObject({ severity: 'error', message: 'DaemonSet kube-system/agent: images must come from docker.io: registry.example.com/setup:1.0' });
  });

  it('are suppressed by comments, annotations, waivers and the baseline, and can be strict', () => {
    const suppressed = AGENT.replace('      priorityClassName:', '      # daemonlint-disable-next-line node-critical -- migrating next sprint\n      priorityClassName:').replace(
      '  namespace: kube-system\n',
      '  namespace: kube-system\n  annotations:\n    daemonlint.io/ignore: our-registry\n',
    );
    const dir = workdir({ '.git/HEAD': '', '.daemonlint.yaml': POLICIES, 'agent.yaml': suppressed });
    const r = runCli(['-f', 'json', 'agent.yaml'], { cwd: dir });
    expect(json(r.stdout).findings.map((f) => f.ruleId)).toEqual([]);
    expect(r.code).toBe(0);

    const strict = workdir({ '.git/HEAD': '', '.daemonlint.yaml': `${POLICIES}strict: [node-critical]\nwaivers:\n  - {kind: DaemonSet, name: agent, rules: [our-registry], reason: vendor image}\n`, 'agent.yaml': suppressed });
    const s = json(runCli(['-f', 'json', 'agent.yaml'], { cwd: strict }).stdout).findings.map((f) => f.ruleId).sort();
    // Strict: the comment cannot suppress node-critical (and is reported); the annotation and the waiver both waive our-registry.
    expect(s).toEqual(['node-critical', 'unused-suppression']);

    const base = workdir({ '.git/HEAD': '', '.daemonlint.yaml': POLICIES, 'agent.yaml': AGENT });
    expect(runCli(['--write-baseline', 'baseline.json', 'agent.yaml'], { cwd: base }).code).toBe(0);
    expect(readFileSync(join(base, 'baseline.json'), 'utf8')).toContain('node-critical');
    const after = runCli(['-f', 'json', '--baseline', 'baseline.json', 'agent.yaml'], { cwd: base });
    expect(json(after.stdout).findings).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('apply to the files of the config that defines them, and severities and off work as for rules', () => {
    const dir = workdir({
      '.git/HEAD': '',
      'platform/.daemonlint.yaml': POLICIES,
      'platform/agent.yaml': AGENT,
      'apps/agent.yaml': AGENT,
      'legacy/.daemonlint.yaml': `extends: ../platform/.daemonlint.yaml\nrules:\n  node-critical: off\n  our-registry: info\n`,
      'legacy/agent.yaml': AGENT,
    });
    const j = JSON.parse(runCli(['-f', 'json', '.'], { cwd: dir }).stdout) as { findings: { ruleId: string; file: string; severity: string }[] };
    const custom = ['node-critical', 'our-registry', 'no-latest'];
    const of = (file: string) => j.findings.filter((f) => f.file === file && custom.includes(f.ruleId)).map((f) => `${f.ruleId}:${f.severity}`).sort();
    expect(of('platform/agent.yaml')).toEqual(['node-critical:error', 'our-registry:warning']);
    expect(of('apps/agent.yaml')).toEqual([]);
    expect(of('legacy/agent.yaml')).toEqual(['our-registry:info']);
  });

  it('are listed by rules and documented by explain', () => {
    const dir = workdir({ '.git/HEAD': '', '.daemonlint.yaml': POLICIES });
    const rules = runCli(['rules'], { cwd: dir });
    expect(rules.code).toBe(0);
    expect(rules.stdout).toMatch(/^node-critical\s+error\s+Node agents run at system-node-critical priority\.\s+\(custom policy\)$/m);
    expect(rules.stdout).toMatch(/^restart-policy\s+error/m);
    const explain = runCli(['explain', 'our-registry'], { cwd: dir });
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('# our-registry');
    // Its documentation is its definition: where it is, the expression, the message expression, the params.
    expect(explain.stdout).toContain('Default severity: warning. Applies to: DaemonSet, Deployment.\n\nImages come from our registry.\n');
    expect(explain.stdout).toContain('A custom policy of this repository, defined in `.daemonlint.yaml:9`.');
    expect(explain.stdout).toContain("```cel\ncontainers.all(c, c.image.startsWith(params.registry + '/'))\n```");
    expect(explain.stdout).toContain("The message of a finding is the value of:\n\n```cel\n'images must come from ' + params.registry");
    expect(explain.stdout).toContain('## Options\n\n`params` of the expressions (`registry`), by default:\n\n```json\n{\n  "registry": "registry.example.com"\n}\n```');
    const critical = runCli(['explain', 'node-critical'], { cwd: dir });
    expect(critical.stdout).toContain('Its findings say:\n\n```text\nset priorityClassName to system-node-critical so the agent is not preempted on a full node\n```');
    expect(critical.stdout).toContain('Findings point at `podSpec.priorityClassName`.');
    expect(critical.stdout).toContain('## Options\n\nNone.');
    expect(critical.stdout).toContain('rules:\n  node-critical: error');
    expect(runCli(['rules', '--no-config'], { cwd: dir }).stdout).not.toContain('node-critical');
  });
});

describe('custom policies: config errors', () => {
  const errorOf = (files: Record<string, string>, args: string[] = ['agent.yaml']) => {
    const dir = workdir({ '.git/HEAD': '', 'agent.yaml': AGENT, ...files });
    const r = runCli(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return r.stderr.trim();
  };
  const policy = (expression: string, extra = '') => `policies:\n  - id: my-policy\n    description: d\n    kinds: [DaemonSet]\n    expression: ${expression}\n    message: m\n${extra}`;

  it('a malformed expression is one line with its file, line and column', () => {
    expect(errorOf({ '.daemonlint.yaml': policy(`"object.spec.replicas <="`) })).toBe(
      // The expression starts at column 18; the parser stops at its `<` (offset 21).
      'daemonlint: .daemonlint.yaml:5:39: policies[0].expression: syntax error: found < but expecting end of input',
    );
    // Plain, single-quoted and literal block scalars are located to the character.
    expect(errorOf({ '.daemonlint.yaml': policy('objekt.spec.replicas < 3') })).toBe(
      'daemonlint: .daemonlint.yaml:5:17: policies[0].expression: undeclared reference to "objekt"; did you mean "object"?',
    );
    expect(errorOf({ '.daemonlint.yaml': policy("'podSpec.containers.all(c, c.image.startWith(\"x\"))'") })).toBe(
      'daemonlint: .daemonlint.yaml:5:51: policies[0].expression: unknown function .startWith(); did you mean startsWith()?',
    );
    expect(errorOf({ '.daemonlint.yaml': policy("|\n      has(podSpec.hostPID) &&\n        podSpec.hostPID.matches('(')") })).toBe(
      'daemonlint: .daemonlint.yaml:7:33: policies[0].expression: invalid regular expression "(": error parsing regexp: missing closing ): `(`',
    );
    expect(errorOf({ '.daemonlint.yaml': policy('object.?spec') })).toMatch(/^daemonlint: \.daemonlint\.yaml:5:23: policies\[0\]\.expression: optional syntax/);
    expect(errorOf({ '.daemonlint.yaml': policy('"true"', "    messageExpression: \"'x' +\"\n") })).toMatch(/^daemonlint: \.daemonlint\.yaml:7:\d+: policies\[0\]\.messageExpression: syntax error/);
  });

  it('rejects bad definitions, ids that are built-in rules or defined twice, and bad paths', () => {
    expect(errorOf({ '.daemonlint.yaml': 'policies:\n  - id: x\n    description: d\n    kinds: [DaemonSet]\n    expression: "true"\n' })).toMatch(/^daemonlint: \.daemonlint\.yaml:2:5: policies\[0\]/);
    expect(errorOf({ '.daemonlint.yaml': policy('"true"').replace('my-policy', 'host-pid') })).toBe(
      'daemonlint: .daemonlint.yaml:2:9: policies[0].id: "host-pid" is a built-in rule; give the policy an id of its own',
    );
    expect(errorOf({ '.daemonlint.yaml': policy('"true"') + policy('"false"').replace('policies:\n', '') })).toMatch(
      /^daemonlint: \.daemonlint\.yaml:7:9: policies\[1\]\.id: policy "my-policy" is already defined at .*\.daemonlint\.yaml:2$/,
    );
    expect(errorOf({ '.daemonlint.yaml': policy('"true"', '    path: spec.replicas\n') })).toBe(
      'daemonlint: .daemonlint.yaml:7:11: policies[0].path: must start with object, podSpec, podMetadata (e.g. podSpec.priorityClassName)',
    );
    expect(errorOf({ '.daemonlint.yaml': `${policy('"true"')}rules:\n  my-polcy: error\n` })).toBe(
      'daemonlint: .daemonlint.yaml:8:3: rules.my-polcy: unknown rule "my-polcy"; did you mean "my-policy"?',
    );
    expect(errorOf({ 'a/.daemonlint.yaml': policy('"true"'), 'b/.daemonlint.yaml': policy('"false"'), 'a/x.yaml': AGENT, 'b/y.yaml': AGENT }, ['a', 'b'])).toMatch(
      /^daemonlint: policy "my-policy" is defined twice, at a\/\.daemonlint\.yaml:2 and at b\/\.daemonlint\.yaml:2; give one of them another id$/,
    );
  });

  it('reads policy files named in the config, with positions in them', () => {
    const file = 'policies:\n  - id: file-policy\n    description: d\n    kinds: [DaemonSet]\n    expression: "podSpec.hostPID =="\n    message: m\n';
    expect(errorOf({ '.daemonlint.yaml': 'policies: [ci/policies.yaml]\n', 'ci/policies.yaml': file })).toBe(
      'daemonlint: ci/policies.yaml:5:34: policies[0].expression: syntax error: found = but expecting end of input',
    );
    expect(errorOf({ '.daemonlint.yaml': 'policies: [ci/missing.yaml]\n' })).toBe('daemonlint: .daemonlint.yaml:1:12: policies[0]: ci/missing.yaml does not exist');
    expect(errorOf({ '.daemonlint.yaml': 'policies: [ci/policies.yaml]\n', 'ci/policies.yaml': 'policies:\n  - id: x\n    kinds: [DaemonSet]\n' })).toMatch(/^daemonlint: ci\/policies\.yaml:2:5: policies\[0\]/);
    const ok = workdir({ '.git/HEAD': '', '.daemonlint.yaml': 'policies: [ci/policies.yaml]\nstrict: [file-policy]\n', 'ci/policies.yaml': file.replace('"podSpec.hostPID =="', '"has(podSpec.hostPID)"'), 'agent.yaml': AGENT });
    expect(json(runCli(['-f', 'json', 'agent.yaml'], { cwd: ok }).stdout).findings.map((f) => f.ruleId)).toEqual(['file-policy']);
  });
});

describe('custom and admission policy files: what a config may name and how they are read', () => {
  const FILE = 'policies:\n  - id: file-policy\n    description: Agents do not share the node PID namespace.\n    kinds: [DaemonSet]\n    expression: "!has(podSpec.hostPID) || !podSpec.hostPID"\n    message: m\n';

  it('a config found in a repository names policy files and admission policies inside it only; --config may name any', async () => {
    const outside = workdir({ 'policies.yaml': FILE, 'vap.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' });
    const repo = workdir({ '.git/HEAD': '', 'agent.yaml': AGENT, 'ci/policies.yaml': FILE });
    const refusedBy = async (config: string) => {
      writeFileSync(join(repo, '.daemonlint.yaml'), config);
      const r = await runMain(['agent.yaml'], { cwd: repo });
      expect(r.code, config).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      return r.stderr;
    };
    expect(await refusedBy(`policies: [${join(outside, 'policies.yaml')}]\n`)).toMatch(
      /^daemonlint: \.daemonlint\.yaml:1:12: policies\[0\]: \/.*policies\.yaml is an absolute path: a config found in a repository may only name files inside it .*; pass a config that needs it with --config\n$/,
    );
    symlinkSync(outside, join(repo, 'escape'));
    expect(await refusedBy('policies: [ci/policies.yaml, escape/policies.yaml]\n')).toMatch(/^daemonlint: \.daemonlint\.yaml:1:30: policies\[1\]: escape\/policies\.yaml is outside the repository/);
    expect(await refusedBy(`admissionPolicies: ${join(outside, 'vap.yaml')}\n`)).toMatch(/^daemonlint: \.daemonlint\.yaml:1:20: admissionPolicies: \/.*vap\.yaml is an absolute path/);
    expect(await refusedBy('admissionPolicies: [./ci, ../../../../../../etc]\n')).toMatch(/:1:27: admissionPolicies: \.\..*etc is outside the repository/);
    // The same config named with --config is the user's own: it may reach outside.
    writeFileSync(join(repo, 'mine.yaml'), `policies: [${join(outside, 'policies.yaml')}]\n`);
    const given = await runMain(['-f', 'json', '--config', 'mine.yaml', 'agent.yaml'], { cwd: repo });
    expect(given.stderr).toBe('');
    expect(json(given.stdout).findings.map((f) => f.ruleId)).toEqual([]);
    // Inside the repository: read.
    writeFileSync(join(repo, '.daemonlint.yaml'), 'policies: [ci/policies.yaml]\nadmissionPolicies: [ci]\n');
    expect((await runMain(['agent.yaml'], { cwd: repo })).code).toBe(0);
  });

  it('policy files and --policy files go through the guarded reader: a FIFO or a device is one line, never a hang', async () => {
    const dir = workdir({ '.git/HEAD': '', 'agent.yaml': AGENT });
    expect(spawnSync('mkfifo', [join(dir, 'fifo.yaml')]).status).toBe(0);
    writeFileSync(join(dir, '.daemonlint.yaml'), 'policies: [fifo.yaml]\n');
    const fromConfig = await runMain(['agent.yaml'], { cwd: dir });
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toMatch(/^daemonlint: cannot read policy file .*fifo\.yaml: it is a named pipe \(FIFO\), not a file/);
    expect(fromConfig.stderr.trim().split('\n')).toHaveLength(1);
    const device = await runMain(['--no-config', '--policy', '/dev/zero', 'agent.yaml'], { cwd: dir });
    expect(device.code).toBe(2);
    expect(device.stderr).toMatch(/^daemonlint: admission policies: cannot read .*dev\/zero: it is a character device, not a file\n$/);
    // A binary file named as a policy file is refused without quoting it.
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin/p.yaml'), Buffer.from([0x70, 0x3a, 0, 0x0a]));
    writeFileSync(join(dir, '.daemonlint.yaml'), 'policies: [bin/p.yaml]\n');
    expect((await runMain(['agent.yaml'], { cwd: dir })).stderr).toMatch(/^daemonlint: cannot read policy file .*p\.yaml: it is a binary file, not a policy file\n$/);
  });

  it('text from a policy definition is printed inert by rules, explain and the text report', async () => {
    // A description and a message with a terminal escape sequence and a line break (YAML double-quoted escapes).
    const config = `policies:\n  - id: loud\n    description: "Agents\\e[2J stay quiet"\n    kinds: [DaemonSet]\n    expression: "false"\n    message: "first\\nsecond \\e]0;title\\a"\n`;
    const dir = workdir({ '.git/HEAD': '', '.daemonlint.yaml': config, 'agent.yaml': AGENT });
    const rules = await runMain(['rules'], { cwd: dir });
    expect(rules.stdout).toMatch(/^loud +warning +Agents\\u001b\[2J stay quiet {2}\(custom policy\)$/m);
    const explain = await runMain(['explain', 'loud'], { cwd: dir });
    expect(explain.stdout).not.toMatch(/\u001b|\u0007/);
    // A document keeps its line breaks; the escape sequences are shown, not sent.
    expect(explain.stdout).toContain('Agents\\u001b[2J stay quiet');
    expect(explain.stdout).toContain('```text\nfirst\nsecond \\u001b]0;title\\u0007\n```');
    const text = await runMain(['--no-color', 'agent.yaml'], { cwd: dir });
    expect(text.stdout).not.toMatch(/\u001b|\u0007/);
    expect(text.stdout).toContain('DaemonSet kube-system/agent: first\\nsecond \\u001b]0;title\\u0007');
  });
});
