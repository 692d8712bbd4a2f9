// CEL validation rules of CRDs (x-kubernetes-validations) checked by custom-resource-schema: through --crd, in the
// language-neutral JSON report, and loading the CEL engine (the policy piece) only for runs whose CRDs have such rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { createRun } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { ROOT, runCli, runMain } from './helpers/cli.js';
import { workdir } from './helpers/manifests.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'custom-resource-schema');
const CEL_CRD = readFileSync(join(FIXTURES, 'valid-cel', 'crd.yaml'), 'utf8');
const PLAIN_CRD = readFileSync(join(FIXTURES, 'valid', 'crd.yaml'), 'utf8');

const AGENT = `apiVersion: agents.example.com/v1
kind: NodeAgent
metadata:
  name: host-agent
  namespace: monitoring
spec:
  image: registry.example.com/agent:2.1
  hostNetwork: true
  tls: {enabled: false}
  exporters:
    - {name: metrics, port: 80}
`;

describe('CRD validation rules', () => {
  it('are checked for a CRD given with --crd, with the exact node in the JSON report', async () => {
    const dir = workdir({ 'crds/nodeagents.yaml': CEL_CRD, 'agent.yaml': AGENT });
    const r = await runMain(['--crd', 'crds', '-f', 'json', 'agent.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; line: number; column: number; message: string; severity: string }[] }).findings.filter((f) => f.ruleId === 'custom-resource-schema');
    expect(findings.map((f) => [f.line, f.column, f.severity])).toEqual([
      [6, 1, 'error'],
      [11, 23, 'error'],
    ]);
    // No dnsPolicy: the messageExpression cannot be evaluated, so the rule's message is used.
    expect(findings[0]!.message).toMatch(/^`spec`: a hostNetwork agent needs dnsPolicy ClusterFirstWithHostNet\. The API server rejects the object \(Invalid value\)/);
    expect(findings[1]!.message).toMatch(/^`spec\.exporters\[0\]\.port`: port 80 of exporter metrics is privileged; use 1024 or above\./);
  });

  it('decide whether the prepared run has a CEL evaluator', async () => {
    const rule = allRules.find((r) => r.meta.id === 'custom-resource-schema')!;
    const stateOf = async (crd: string, object: string) => {
      const files = [parseSource({ path: 'crd.yaml', text: crd }), parseSource({ path: 'o.yaml', text: object })];
      const run = createRun(files, {});
      await rule.prepare!(run);
      return run.cache.get('custom-resource-schema:state') as { validator?: unknown; cel?: unknown };
    };
    const withRules = await stateOf(CEL_CRD, AGENT);
    expect(withRules.validator).toBeDefined();
    expect(withRules.cel).toBeDefined();
    const probe = readFileSync(join(FIXTURES, 'valid', 'probes.yaml'), 'utf8');
    const without = await stateOf(PLAIN_CRD, probe);
    expect(without.validator).toBeDefined();
    expect(without.cel).toBeUndefined();
    // A CRD with rules but no custom resource of it in the run: nothing is loaded.
    expect(await stateOf(CEL_CRD, probe)).toEqual({});
  });

  it('load the CEL engine only when a CRD of the run has such rules (built CLI)', () => {
    const dir = workdir({
      'preload.cjs': `const fs = require('node:fs');
const read = fs.readFileSync;
let policy = false;
fs.readFileSync = function (p, ...rest) {
  if (String(p).endsWith('policy.cjs')) policy = true;
  return read.call(this, p, ...rest);
};
process.on('exit', () => process.stderr.write(policy ? 'policy piece loaded\\n' : 'policy piece not loaded\\n'));
`,
      'cel/crd.yaml': CEL_CRD,
      'cel/agent.yaml': AGENT,
      'plain/crd.yaml': PLAIN_CRD,
      'plain/probes.yaml': readFileSync(join(FIXTURES, 'valid', 'probes.yaml'), 'utf8'),
    });
    const env = { NODE_OPTIONS: `--require ${join(dir, 'preload.cjs')}` };
    const plain = runCli(['--no-config', 'plain'], { cwd: dir, env });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('policy piece not loaded');
    const cel = runCli(['--no-config', 'cel'], { cwd: dir, env });
    expect(cel.code, cel.stderr).toBe(1);
    expect(cel.stdout).toContain('a hostNetwork agent needs dnsPolicy ClusterFirstWithHostNet');
    expect(cel.stderr).toContain('policy piece loaded');
  });
});
