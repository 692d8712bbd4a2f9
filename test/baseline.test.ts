import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli.js';
import { BAD_DAEMONSET_HOST_PID as AGENT } from './helpers/manifests.js';
import { validateSarif } from './helpers/sarif.js';


describe('baseline', () => {
  it('records findings, then reports only new ones, even after lines move', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemonlint-baseline-'));
    writeFileSync(join(dir, '.git'), '');
    writeFileSync(join(dir, 'agent.yaml'), AGENT);
    const w = await runMain(['--write-baseline', 'daemonlint-baseline.json', '.'], { cwd: dir });
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(/recorded \d+ findings in daemonlint-baseline\.json/);
    const base = JSON.parse(readFileSync(join(dir, 'daemonlint-baseline.json'), 'utf8'));
    expect(base.findings.map((e: { ruleId: string }) => e.ruleId)).toEqual(expect.arrayContaining(['host-pid', 'restart-policy']));
    expect(JSON.stringify(base)).not.toMatch(/"line"/);

    const clean = await runMain(['-f', 'json', '--baseline', 'daemonlint-baseline.json', '.'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout).findings).toEqual([]);
    expect(JSON.parse(clean.stdout).summary.suppressed).toBe(base.findings.length);

    // Lines shift (a comment block on top, a field added above), and one new problem appears.
    writeFileSync(
      join(dir, 'agent.yaml'),
      '# Agent for every node.\n# Owned by the platform team.\n' + AGENT.replace('      hostPID: true\n', '      hostIPC: true\n      hostPID: true\n'),
    );
    const r = await runMain(['-f', 'json', '--baseline', 'daemonlint-baseline.json', '.'], { cwd: dir });
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['host-ipc']);

    // From another working directory the same baseline still matches.
    mkdirSync(join(dir, 'sub'));
    const sub = await runMain(['-f', 'json', '--baseline', '../daemonlint-baseline.json', '../agent.yaml'], { cwd: join(dir, 'sub') });
    expect(JSON.parse(sub.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['host-ipc']);

    const sarif = JSON.parse((await runMain(['-f', 'sarif', '--baseline', 'daemonlint-baseline.json', '.'], { cwd: dir })).stdout);
    expect(validateSarif(sarif)).toEqual([]);
    const rp = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'restart-policy');
    expect(rp.suppressions[0]).toMatchObject({ kind: 'external', properties: { source: 'baseline' } });
  });

  it('rejects a missing or foreign baseline with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemonlint-baseline-'));
    writeFileSync(join(dir, 'agent.yaml'), AGENT);
    writeFileSync(join(dir, 'other.json'), '{"findings": []}');
    const missing = await runMain(['--baseline', 'nope.json', 'agent.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('daemonlint: cannot read baseline nope.json: no such file or directory\n');
    const foreign = await runMain(['--baseline', 'other.json', 'agent.yaml'], { cwd: dir });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/^daemonlint: other\.json is not a daemonlint baseline/);
  });
});
