/**
 * The example policies users copy (policies/): each one fires exactly where its test manifests mark it
 * (test/fixtures/policies-examples/<policy file>/, `# expect: <id>@<column> <severity> <messageId>` as in the rule
 * fixtures), and the example config ties them together.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintPaths } from '../src/app/lint.js';
import { ROOT } from './helpers/cli.js';
import { FIXTURES, expectationKeys, expectations, findingKeys } from './helpers/fixtures.js';
import { removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

const POLICIES = join(ROOT, 'policies');
const CASES = join(FIXTURES, 'policies-examples');
const readStdin = async () => Buffer.alloc(0);

/** `file:line marker` for every `# expect:` marker of a folder's files naming one of `ids`. */
function expected(dir: string, ids: string[]): string[] {
  const files = readdirSync(dir)
    .sort()
    .map((f) => ({ path: f, text: readFileSync(join(dir, f), 'utf8') }));
  return expectationKeys(expectations({ name: dir, dir, files }).filter((e) => ids.includes(e.ruleId)));
}

const idsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^ {2}- id: ([\w-]+)$/gm)].map((m) => m[1]!);

describe('example policies', () => {
  const files = readdirSync(POLICIES).filter((f) => f.endsWith('.yaml') && f !== 'config.example.yaml');

  it('every example has test manifests', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) expect(readdirSync(join(CASES, f.replace(/\.yaml$/, ''))).length, f).toBeGreaterThanOrEqual(2);
  });

  for (const f of files) {
    it(`${f}: exactly the marked findings`, async () => {
      const ids = idsOf(join(POLICIES, f));
      expect(ids.length).toBeGreaterThan(0);
      const config = join(workdir(), 'policies.yaml');
      writeFileSync(config, `policies: [${JSON.stringify(join(POLICIES, f))}]\n`);
      const dir = join(CASES, f.replace(/\.yaml$/, ''));
      // As with --config: a config named by the user may name policy files anywhere.
      const r = await lintPaths({ paths: [dir], cwd: dir, config, trustConfig: true, readStdin });
      expect(r.internalErrors).toEqual([]);
      expect(findingKeys(r.findings.filter((x) => ids.includes(x.ruleId)))).toEqual(expected(dir, ids));
      for (const x of r.findings.filter((y) => ids.includes(y.ruleId))) expect(x.message).not.toMatch(/could not be evaluated/);
    });
  }

  it('admission/: the ValidatingAdmissionPolicy, its binding and its parameters', async () => {
    const dir = join(CASES, 'admission');
    const r = await lintPaths({ paths: [dir], cwd: dir, noConfig: true, policies: [join(POLICIES, 'admission')], readStdin });
    expect(findingKeys(r.findings.filter((x) => x.ruleId === 'admission-policy'))).toEqual(expected(dir, ['admission-policy']));
    expect(r.findings.find((x) => x.message.includes('memory limit'))?.message).toBe(
      "DaemonSet monitoring/node-exporter would be rejected: ValidatingAdmissionPolicy 'daemonset-guardrails.example.com' with binding 'daemonset-guardrails-system.example.com' denied request: containers exporter need a memory limit of at most 512Mi",
    );
  });

  it('config.example.yaml uses them all, with a params override', async () => {
    const r = await lintPaths({ paths: [join(ROOT, 'examples')], cwd: ROOT, config: join(POLICIES, 'config.example.yaml'), readStdin });
    expect(r.internalErrors).toEqual([]);
    const ids = new Set(r.findings.map((x) => x.ruleId));
    for (const id of ['daemonset-node-critical', 'host-path-allowlist', 'image-registry', 'daemonset-memory-limit', 'admission-policy']) expect(ids.has(id), id).toBe(true);
    // registry.k8s.io is allowed by the override, so only the other registries are named.
    expect(r.findings.filter((x) => x.ruleId === 'image-registry').every((x) => x.message.endsWith('from outside registry.example.com, registry.k8s.io'))).toBe(true);
    expect(r.rules.filter((x) => x.meta.custom).map((x) => x.meta.id).sort()).toEqual(['daemonset-memory-limit', 'daemonset-node-critical', 'host-path-allowlist', 'image-registry']);
  });
});
