/**
 * The example policies users copy (policies/): each one fires exactly where its test manifests mark it
 * (test/fixtures/policies-examples/<policy file>/, `# expect: <id>`), and the example config ties them together.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintPaths } from '../src/app/lint.js';
import { ROOT } from './helpers/cli.js';
import { FIXTURES } from './helpers/fixtures.js';
import { removeWorkdirs, workdir } from './helpers/manifests.js';

afterAll(removeWorkdirs);

const POLICIES = join(ROOT, 'policies');
const CASES = join(FIXTURES, 'policies-examples');
const readStdin = async () => Buffer.alloc(0);

/** `file:line id` for every `# expect:` marker of a folder's files. */
function expected(dir: string, ids: string[]): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = /#\s*expect:\s*([\w-]+)\s*$/.exec(line);
        if (m && ids.includes(m[1]!)) out.push(`${f}:${i + 1} ${m[1]}`);
      });
  }
  return out.sort();
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
      const r = await lintPaths({ paths: [dir], cwd: dir, config, readStdin });
      expect(r.internalErrors).toEqual([]);
      const got = r.findings.filter((x) => ids.includes(x.ruleId)).map((x) => `${x.file}:${x.line} ${x.ruleId}`);
      expect(got.sort()).toEqual(expected(dir, ids));
      for (const x of r.findings.filter((y) => ids.includes(y.ruleId))) expect(x.message).not.toMatch(/could not be evaluated/);
    });
  }

  it('admission/: the ValidatingAdmissionPolicy, its binding and its parameters', async () => {
    const dir = join(CASES, 'admission');
    const r = await lintPaths({ paths: [dir], cwd: dir, noConfig: true, policies: [join(POLICIES, 'admission')], readStdin });
    const got = r.findings.filter((x) => x.ruleId === 'admission-policy').map((x) => `${x.file}:${x.line} ${x.ruleId}`);
    expect(got.sort()).toEqual(expected(dir, ['admission-policy']));
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
