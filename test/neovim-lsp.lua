-- Headless Neovim (0.7+) as a real LSP client of `daemonlint lsp --stdio`: opens one manifest with the server
-- attached, waits for its diagnostics, and writes what the editor holds (vim.diagnostic.get) to a JSON file.
-- Environment: DL_NODE, DL_BIN (bin/daemonlint.js), DL_ROOT (workspace folder), DL_FILE (file to open),
-- DL_OUT (JSON output path).
local env = function(name)
  local v = os.getenv(name)
  if not v or v == '' then
    error('missing environment variable ' .. name)
  end
  return v
end

local root, file, out = env('DL_ROOT'), env('DL_FILE'), env('DL_OUT')
local received = nil

vim.cmd('filetype on')
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()

-- vim.lsp.start does not exist in 0.7: start the client and attach it to the buffer by hand.
local client_id = vim.lsp.start_client({
  name = 'daemonlint',
  cmd = { env('DL_NODE'), env('DL_BIN'), 'lsp', '--stdio' },
  root_dir = root,
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      if result and result.uri == vim.uri_from_bufnr(bufnr) then
        received = result
      end
    end,
  },
})
if not client_id then
  error('could not start daemonlint lsp')
end
vim.lsp.buf_attach_client(bufnr, client_id)

local ok = vim.wait(20000, function()
  return received ~= nil
end, 50)

local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(diagnostics, {
    lnum = d.lnum,
    col = d.col,
    end_lnum = d.end_lnum,
    end_col = d.end_col,
    severity = d.severity,
    code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    source = d.source,
    message = d.message,
  })
end

local client = vim.lsp.get_client_by_id(client_id)
local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode({
  received = ok,
  filetype = vim.bo[bufnr].filetype,
  server = client and client.server_capabilities and client.server_capabilities.codeActionProvider ~= nil,
  diagnostics = diagnostics,
}))
f:close()

vim.lsp.stop_client(client_id)
vim.wait(5000, function()
  return vim.lsp.client_is_stopped(client_id)
end, 50)
vim.cmd('qa!')
