/**
 * Editor integrations that do not speak LSP pipe the buffer to `daemonlint --stdin-filename PATH -`: the
 * buffer gets the config of PATH (the nearest .daemonlint.yaml from PATH's directory), reports name PATH, and
 * `--format json` is stable enough to parse.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { BAD_DAEMONSET_HOST_PID as BAD } from './helpers/manifests.js';


function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'daemonlint-stdin-'));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'deploy/legacy'), { recursive: true });
  writeFileSync(join(dir, '.daemonlint.yaml'), 'rules:\n  host-pid: error\n');
  writeFileSync(join(dir, 'deploy/legacy/.daemonlint.yaml'), 'rules:\n  restart-policy: "off"\n  host-pid: "off"\n');
  return dir;
}

describe('daemonlint --stdin-filename PATH - (editor buffers)', () => {
  it("applies PATH's config, whatever the working directory", () => {
    const dir = repo();
    const keys = (stdout: string) =>
      (JSON.parse(stdout).findings as { file: string; line: number; ruleId: string; severity: string }[]).map((f) => `${f.file}:${f.line} ${f.severity} ${f.ruleId}`);

    const top = runCli(['--format', 'json', '--stdin-filename', 'deploy/agent.yaml', '-'], { cwd: dir, input: BAD });
    expect(top.code).toBe(1);
    expect(keys(top.stdout)).toEqual(expect.arrayContaining(['deploy/agent.yaml:12 error host-pid', 'deploy/agent.yaml:13 error restart-policy']));

    const legacy = runCli(['--format', 'json', '--stdin-filename', 'deploy/legacy/agent.yaml', '-'], { cwd: dir, input: BAD });
    expect(keys(legacy.stdout).filter((k) => /host-pid|restart-policy/.test(k))).toEqual([]);

    // An editor usually runs the linter from the file's directory.
    const fromDir = runCli(['--format', 'json', '--stdin-filename', 'agent.yaml', '-'], { cwd: join(dir, 'deploy/legacy'), input: BAD });
    expect(keys(fromDir.stdout).filter((k) => /host-pid|restart-policy/.test(k))).toEqual([]);
  });

  it('prints stable JSON: the same bytes for the same buffer, with a fixed shape', () => {
    const dir = repo();
    const run = () => runCli(['--format', 'json', '--stdin-filename', 'deploy/agent.yaml', '-'], { cwd: dir, input: BAD }).stdout;
    const a = run();
    expect(run()).toBe(a);
    const out = JSON.parse(a);
    expect(Object.keys(out)).toEqual(['version', 'findings', 'summary']);
    for (const f of out.findings) {
      expect(Object.keys(f).slice(0, 9)).toEqual(['ruleId', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'path']);
      expect(f.file).toBe('deploy/agent.yaml');
    }
    expect(out.summary).toMatchObject({ files: 1, objects: 1 });
  });
});
