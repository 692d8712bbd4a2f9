/**
 * End to end with a real editor: headless Neovim (Debian's 0.7, installed by .ci/run) starts
 * `daemonlint lsp --stdio` as its LSP client, opens an example manifest, and writes the diagnostics it holds to a
 * JSON file; they must match the CLI's JSON findings for the same file.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it("the README's init.lua snippet starts daemonlint from PATH for YAML buffers, one server per workspace folder", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippet = /\*\*Neovim\*\*[^\n]*\n\n```lua\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet, 'the Neovim snippet in README.md').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'daemonlint-nvim-readme-'));
    // `daemonlint` on PATH, as after `npm install -g daemonlint`.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'daemonlint'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'daemonlint'), 0o755);
    writeFileSync(join(dir, 'init.lua'), snippet!);
    // A repository with a sub-project that has its own config: two workspace folders, two servers.
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'team'));
    writeFileSync(join(repo, 'team', '.daemonlint.yaml'), 'rules:\n  host-network: off\n');
    const manifest = readFileSync(join(ROOT, 'examples', 'network-agent.yaml'), 'utf8');
    writeFileSync(join(repo, 'agent.yaml'), manifest);
    writeFileSync(join(repo, 'team', 'agent.yaml'), manifest);
    const out = join(dir, 'result.json');
    writeFileSync(
      join(dir, 'check.lua'),
      `local out = ${JSON.stringify(out)}
vim.cmd('edit ' .. vim.fn.fnameescape(${JSON.stringify(join(repo, 'agent.yaml'))}))
local top = vim.api.nvim_get_current_buf()
vim.cmd('edit ' .. vim.fn.fnameescape(${JSON.stringify(join(repo, 'team', 'agent.yaml'))}))
local team = vim.api.nvim_get_current_buf()
local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(top) > 0 and #vim.diagnostic.get(team) > 0
end, 50)
local codes = function(buf)
  local c = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(c, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code))
  end
  table.sort(c)
  return c
end
local roots = {}
for _, client in pairs(vim.lsp.get_active_clients()) do
  table.insert(roots, client.config.root_dir)
end
table.sort(roots)
local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode({ ok = ok, top = codes(top), team = codes(team), roots = roots }))
f:close()
vim.cmd('qa!')
`,
    );
    const r = spawnSync(nvimClient.path, ['--headless', '--clean', '-n', '-i', 'NONE', '--cmd', 'filetype on', '-c', `luafile ${join(dir, 'init.lua')}`, '-c', `luafile ${join(dir, 'check.lua')}`], {
      cwd: dir,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      input: '',
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { ok: boolean; top: string[]; team: string[]; roots: string[] };
    expect(result.ok).toBe(true);
    expect(result.roots).toEqual([repo, join(repo, 'team')]);
    // The sub-project's config applies to its own file only.
    expect(result.top).toContain('host-network');
    expect(result.team).not.toContain('host-network');
    expect(result.team.length).toBeGreaterThan(0);
  });
});
