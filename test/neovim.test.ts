/**
 * End to end with a real editor: headless Neovim (Debian's 0.7, installed by .ci/run) starts
 * `daemonlint lsp --stdio` as its LSP client, opens an example manifest, and writes the diagnostics it holds to a
 * JSON file; they must match the CLI's JSON findings for the same file.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, ROOT, runCli } from './helpers/cli.js';
import { describeWithClient } from './helpers/clients.js';

interface NvimDiagnostic {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  severity: number;
  code: string;
  source: string;
}

describeWithClient('nvim', 'Neovim as the LSP client', (nvimClient) => {
  it('shows the same findings as the CLI, on the same lines and columns', () => {
    const root = mkdtempSync(join(tmpdir(), 'daemonlint-nvim-'));
    cpSync(join(ROOT, 'examples'), root, { recursive: true });
    const out = join(root, '..', `${root.split('/').pop()}-diagnostics.json`);
    const file = 'network-agent.yaml';
    const r = spawnSync(nvimClient.path, ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${join(ROOT, 'test', 'neovim-lsp.lua')}`], {
      cwd: root,
      env: { ...process.env, DL_NODE: process.execPath, DL_BIN: BIN, DL_ROOT: root, DL_FILE: join(root, file), DL_OUT: out },
      input: '',
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const nvim = JSON.parse(readFileSync(out, 'utf8')) as { received: boolean; filetype: string; server: boolean; diagnostics: NvimDiagnostic[] };
    expect(nvim.received).toBe(true);
    expect(nvim.filetype).toBe('yaml');
    expect(nvim.server).toBe(true);

    // The CLI over the same folder (cross-resource rules see the same files), findings of the same file.
    const cli = JSON.parse(runCli(['--format', 'json', '.'], { cwd: root }).stdout) as {
      findings: { file: string; ruleId: string; severity: string; line: number; column: number; endLine: number; endColumn: number }[];
    };
    const severity: Record<string, number> = { error: 1, warning: 2, info: 3 };
    const expected = cli.findings
      .filter((f) => f.file === file)
      .map((f) => `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${severity[f.severity]} ${f.ruleId}`)
      .sort();
    const actual = nvim.diagnostics.map((d) => `${d.lnum + 1}:${d.col + 1}-${d.end_lnum + 1}:${d.end_col + 1} ${d.severity} ${d.code}`).sort();
    expect(expected.length).toBeGreaterThan(5);
    expect(actual).toEqual(expected);
    expect(nvim.diagnostics.every((d) => d.source === 'daemonlint')).toBe(true);
  });
});
