-- End-to-end test of `scalelint server` with a real editor: headless Neovim 0.7 (Debian's),
-- through its built-in LSP client (the 0.7 API). Opens an HPA, waits for the
-- hpa-min-replicas diagnostic at its line, applies the quick fix, and waits for the
-- diagnostic to go. Run by .ci/run:
--   SCALELINT_BIN=$PWD/target/debug/scalelint E2E_DIR=<project with hpa.yaml> \
--     nvim --headless -u NONE -c "luafile .ci/nvim-lsp-e2e.lua"
-- Exit code 0 when every step passed, 1 (`cquit 1`) with the failing step on stderr.
local bin = assert(os.getenv("SCALELINT_BIN"), "SCALELINT_BIN")
local dir = assert(os.getenv("E2E_DIR"), "E2E_DIR")

local function fail(why)
  io.stderr:write("nvim-lsp-e2e: FAIL: " .. why .. "\n")
  vim.cmd("cquit 1")
end

vim.cmd("edit " .. dir .. "/hpa.yaml")
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "scalelint",
  cmd = { bin, "server" },
  root_dir = dir,
})
if not client_id then
  fail("the server did not start")
end
vim.lsp.buf_attach_client(buf, client_id)

local function rule_of(d)
  if d.code then
    return d.code
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local function finding()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if rule_of(d) == "hpa-min-replicas" then
      return d
    end
  end
end

if not vim.wait(20000, function() return finding() ~= nil end, 50) then
  fail("no hpa-min-replicas diagnostic")
end
local d = finding()
-- `minReplicas: 1` is line 10 (0-based 9), the value at column 16 (0-based 15).
if d.lnum ~= 9 or d.col ~= 15 then
  fail(string.format("diagnostic at %d:%d, expected 9:15", d.lnum, d.col))
end

local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = {
    start = { line = d.lnum, character = d.col },
    ["end"] = { line = d.end_lnum, character = d.end_col },
  },
  context = { diagnostics = {} },
}
local results = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000)
local applied = false
for _, res in pairs(results or {}) do
  for _, action in ipairs(res.result or {}) do
    if not applied and action.title == "set `minReplicas: 2`" and action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
      applied = true
    end
  end
end
if not applied then
  fail("no quick fix `set minReplicas: 2`")
end
local line = vim.api.nvim_buf_get_lines(buf, 9, 10, false)[1]
if line ~= "  minReplicas: 2" then
  fail("the fixed line reads " .. tostring(line))
end
if not vim.wait(20000, function() return finding() == nil end, 50) then
  fail("the diagnostic stayed after the fix")
end
io.stdout:write("nvim-lsp-e2e: ok: diagnostic at 10:16, quick fix applied, diagnostic gone\n")
vim.cmd("qall!")
