-- b2c_lsp: starts the b2c-lsp language server for Azure AD B2C custom policies
-- (TrustFrameworkPolicy XML) in xml buffers.
--
--   require("b2c_lsp").setup({ base_paths = { "~/b2c/starter-pack" } })
--
-- Works on Neovim 0.7.2 (vim.lsp.start_client + vim.lsp.buf_attach_client, one
-- client per root) and on newer versions (vim.lsp.start, which reuses clients
-- by name and root itself).

local M = {}

local uv = vim.uv or vim.loop

local defaults = {
  -- Command that starts the server on stdio.
  cmd = { "b2c-lsp", "serve" },
  filetypes = { "xml" },
  -- Extra folders searched for base policies that are not under the root.
  base_paths = {},
  -- "off" | "messages" | "verbose"
  trace = "off",
  -- Passed through to the LSP client.
  on_attach = nil,
  capabilities = nil,
  -- function(path) -> root dir; defaults to M.find_root.
  root_dir = nil,
  -- Set to false to silence the warning shown when the command is missing.
  warn_if_missing = true,
}

local config = vim.deepcopy(defaults)
local clients_by_root = {} -- Neovim 0.7 only: root dir -> client id
local augroup = nil
local warned_missing = false

local is_windows = uv.os_uname().sysname:find("Windows") ~= nil
local sep = is_windows and "\\" or "/"

local function notify(msg, level)
  vim.schedule(function()
    vim.notify("b2c_lsp: " .. msg, level or vim.log.levels.INFO)
  end)
end

local function dirname(path)
  local parent = vim.fn.fnamemodify(path, ":h")
  return parent
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function has_policy_files(dir)
  -- glob() honours 'wildignorecase' etc.; list=1 returns a table.
  local matches = vim.fn.glob(dir .. sep .. "TrustFramework*.xml", true, true)
  return #matches > 0
end

--- Root directory for a policy file: the policy folder, found with or without git.
--- 1. the nearest folder above the file holding appsettings.json (the policy folder that
---    `b2c-lsp build` works on);
--- 2. else the highest folder above it holding TrustFramework*.xml files (so that a
---    sub-folder of variants still sees the base policies above it);
--- 3. else the nearest folder holding .git;
--- 4. else the file's own folder.
function M.find_root(path)
  if path == nil or path == "" then
    return uv.cwd()
  end
  local start = vim.fn.fnamemodify(path, ":p")
  local dir = start
  if vim.fn.isdirectory(dir) == 0 then
    dir = dirname(dir)
  end
  dir = dir:gsub("[/\\]+$", "")
  if dir == "" then
    dir = sep
  end
  local settings_dir, policy_dir, git_dir = nil, nil, nil
  local current = dir
  while true do
    if not settings_dir and exists(current .. sep .. "appsettings.json") then
      settings_dir = current
    end
    if has_policy_files(current) then
      policy_dir = current
    end
    if not git_dir and exists(current .. sep .. ".git") then
      git_dir = current
    end
    local parent = dirname(current)
    if parent == current or parent == "" then
      break
    end
    current = parent
  end
  return settings_dir or policy_dir or git_dir or dir
end

local function trace_value()
  local t = config.trace
  if t == "messages" or t == "verbose" then
    return t
  end
  return "off"
end

local function expand_base_paths(root)
  local out = {}
  for _, p in ipairs(config.base_paths or {}) do
    if type(p) == "string" and p ~= "" then
      local expanded = vim.fn.expand(p)
      if not (expanded:sub(1, 1) == "/" or expanded:match("^%a:[/\\]")) then
        expanded = root .. sep .. expanded
      end
      local absolute = vim.fn.fnamemodify(expanded, ":p"):gsub("[/\\]+$", "")
      table.insert(out, absolute)
    end
  end
  return out
end

local function make_config(root)
  local base_paths = expand_base_paths(root)
  return {
    name = "b2c_lsp",
    cmd = config.cmd,
    root_dir = root,
    trace = trace_value(),
    init_options = { basePaths = base_paths, trace = trace_value() },
    -- Also answers workspace/configuration requests, and is pushed with
    -- workspace/didChangeConfiguration once the server is initialized.
    settings = { b2cLsp = { basePaths = base_paths, trace = { server = trace_value() } } },
    capabilities = config.capabilities,
    on_attach = config.on_attach,
    on_init = function(client)
      M._push_settings(client)
    end,
  }
end

local function command_available()
  local exe = config.cmd and config.cmd[1]
  if exe and vim.fn.executable(exe) == 1 then
    return true
  end
  if config.warn_if_missing and not warned_missing then
    warned_missing = true
    notify(
      string.format("cannot run %q; install b2c-lsp or pass cmd = { '/path/to/b2c-lsp', 'serve' } to setup()", tostring(exe)),
      vim.log.levels.WARN
    )
  end
  return false
end

-- Client methods are called with ':' from Neovim 0.11 on; older versions
-- define them as closures that must be called with '.'.
local method_call = vim.fn.has("nvim-0.11") == 1

local function client_stopped(client)
  if method_call then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function client_stop(client)
  if method_call then
    client:stop()
  else
    client.stop()
  end
end

local function client_request(client, method, params, handler, bufnr)
  if method_call then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function client_notify(client, method, params)
  if method_call then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function client_alive(id)
  local client = id and vim.lsp.get_client_by_id(id)
  return client ~= nil and not client_stopped(client)
end

function M._push_settings(client)
  client_notify(client, "workspace/didChangeConfiguration", { settings = client.config.settings })
end

--- Starts (or reuses) the client for the buffer's root and attaches the buffer.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  -- Only files on disk (no scratch buffers, fugitive://, etc.).
  if name == "" or name:match("^%a[%w+.-]*://") then
    return
  end
  if not command_available() then
    return
  end
  local find = config.root_dir or M.find_root
  local root = find(name)

  if vim.lsp.start then
    vim.lsp.start(make_config(root), { bufnr = bufnr })
    return
  end

  -- Neovim 0.7: manage one client per root ourselves.
  local id = clients_by_root[root]
  if not client_alive(id) then
    id = vim.lsp.start_client(make_config(root))
    if not id then
      notify("failed to start " .. table.concat(config.cmd, " "), vim.log.levels.ERROR)
      return
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

local function get_clients(bufnr)
  local found = {}
  if vim.lsp.get_clients then
    found = vim.lsp.get_clients({ bufnr = bufnr, name = "b2c_lsp" })
  else
    for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if client.name == "b2c_lsp" then
        table.insert(found, client)
      end
    end
  end
  return found
end

--- Sends a b2c-lsp request about `bufnr` (0: the current buffer) with `extra` added to its
--- textDocument params; calls callback(result) with a table result, else callback(nil) (no
--- server attached, an error, or a null answer).
local function buffer_request(bufnr, method, extra, callback)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = get_clients(bufnr)[1]
  if not client then
    callback(nil)
    return
  end
  local params = vim.tbl_extend("force", { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }, extra or {})
  client_request(client, method, params, function(err, result)
    callback((not err and type(result) == "table") and result or nil)
  end, bufnr)
end

--- Asks the server for the inheritance chain of the policy in `bufnr` and calls
--- callback(chain) with a list of { policyId = ..., uri = ... | vim.NIL }, or
--- callback(nil) when the buffer is not a policy or no server is attached.
function M.policy_chain(bufnr, callback)
  buffer_request(bufnr, "b2c-lsp/policyChain", nil, function(result)
    callback(result and type(result.chain) == "table" and result.chain or nil)
  end)
end

--- Asks the server for the journey of the relying party in `bufnr` and calls
--- callback(result): with format "mermaid", { journeyId = ..., mermaid = ..., steps = ... }; else
--- the JSON view of `b2c-lsp journeys --format json`. callback(nil) when there is no journey
--- to show or no server is attached.
function M.journey(bufnr, format, callback)
  local extra = format == "mermaid" and { format = "mermaid" } or nil
  buffer_request(bufnr, "b2c-lsp/journeys", extra, function(result)
    if result and format ~= "mermaid" and (result.relyingParty == nil or result.relyingParty == vim.NIL) then
      result = nil
    end
    callback(result)
  end)
end

local function is_null(value)
  return value == nil or value == vim.NIL
end

local function journey_steps(steps, indent, lines)
  for _, step in ipairs(steps or {}) do
    local order = is_null(step.order) and "?" or tostring(step.order)
    local line = string.format("%s%s %s", indent, order, step.type or "")
    if type(step.preconditions) == "table" and #step.preconditions > 0 then
      line = line .. " [" .. table.concat(step.preconditions, "; ") .. "]"
    end
    table.insert(lines, line)
    for _, exchange in ipairs(step.exchanges or {}) do
      local name = is_null(exchange.id) and ("issuer " .. exchange.technicalProfile)
        or (exchange.id .. " -> " .. exchange.technicalProfile)
      if exchange.resolved == false then
        name = name .. " (not defined)"
      end
      table.insert(lines, indent .. "    " .. name)
    end
    for _, sub in ipairs(step.subJourneys or {}) do
      table.insert(lines, string.format("%s    SubJourney %s (%s)", indent, sub.id, is_null(sub.type) and "no Type" or sub.type))
      journey_steps(sub.steps, indent .. "      ", lines)
    end
  end
end

--- The lines :B2cJourney shows for the JSON view of a relying party's journey.
function M.journey_lines(view)
  local rp = view.relyingParty
  local lines = {
    string.format("UserJourney %s (relying party of %s)", view.journey.id, rp.policyId ~= "" and rp.policyId or "?"),
  }
  if type(rp.inputClaims) == "table" and #rp.inputClaims > 0 then
    table.insert(lines, "  from the relying party: " .. table.concat(rp.inputClaims, ", "))
  end
  if #(view.journey.steps or {}) == 0 then
    table.insert(lines, "  (the journey is not defined in this policy's chain)")
  end
  journey_steps(view.journey.steps, "  ", lines)
  local sends = {}
  for _, claim in ipairs(rp.outputClaims or {}) do
    table.insert(sends, claim.produced and claim.claim or (claim.claim .. " (never produced)"))
  end
  if #sends > 0 then
    table.insert(lines, "  sends: " .. table.concat(sends, ", "))
  end
  return lines
end

--- :B2cJourney [mermaid]: the journey of the relying party in the current buffer, as an
--- outline or as Mermaid text, in a scratch split.
function M.show_journey(format)
  local bufnr = vim.api.nvim_get_current_buf()
  M.journey(bufnr, format, function(result)
    if not result then
      vim.notify("b2c_lsp: this buffer has no relying party with a journey (or no server is attached)", vim.log.levels.WARN)
      return
    end
    local lines, filetype
    if format == "mermaid" then
      lines = vim.split(result.mermaid, "\n", { trimempty = true })
      filetype = "mermaid"
    else
      lines = M.journey_lines(result)
      filetype = "b2cjourney"
    end
    vim.cmd("botright new")
    local buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].buftype = "nofile"
    vim.bo[buf].bufhidden = "wipe"
    vim.bo[buf].swapfile = false
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].modifiable = false
    vim.bo[buf].filetype = filetype
    local id = result.journeyId or (result.journey and result.journey.id) or "journey"
    vim.b[buf].b2c_journey = id
    pcall(vim.api.nvim_buf_set_name, buf, string.format("[B2C journey %s%s]", id, format == "mermaid" and " mermaid" or ""))
  end)
end

local function show_chain()
  M.policy_chain(0, function(chain)
    if not chain or #chain == 0 then
      vim.notify("b2c_lsp: this buffer is not a B2C policy (or no server is attached)")
      return
    end
    local parts = {}
    for _, entry in ipairs(chain) do
      local label = entry.policyId
      if entry.uri == nil or entry.uri == vim.NIL then
        label = label .. " (not found)"
      end
      table.insert(parts, label)
    end
    vim.notify("B2C: " .. table.concat(parts, " <- "))
  end)
end

local function restart()
  local bufs = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and #get_clients(b) > 0 then
      bufs[b] = true
    end
  end
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in ipairs(all) do
    if client.name == "b2c_lsp" then
      client_stop(client)
    end
  end
  clients_by_root = {}
  vim.defer_fn(function()
    for b in pairs(bufs) do
      M.attach(b)
    end
  end, 500)
end

--- Runs `b2c-lsp build` on the policy folder of the current buffer (the nearest folder with
--- appsettings.json), for one environment when `env` is given, and shows the report in a
--- scratch split.
function M.build(env)
  local start = vim.fn.expand("%:p:h")
  if start == "" then
    start = vim.fn.getcwd()
  end
  -- findfile and system work on every Neovim this module supports (vim.fs and vim.system
  -- came later).
  local found = vim.fn.findfile("appsettings.json", vim.fn.fnameescape(start) .. ";")
  if found == "" then
    vim.notify("b2c-lsp: no appsettings.json above " .. start, vim.log.levels.ERROR)
    return
  end
  local folder = vim.fn.fnamemodify(found, ":p:h")
  local cmd = { config.cmd[1], "build" }
  if env and env ~= "" then
    vim.list_extend(cmd, { "--env", env })
  end
  table.insert(cmd, folder)
  local output = vim.fn.system(cmd)
  local result = { code = vim.v.shell_error }
  local lines = vim.split(output, "\n", { trimempty = true })
  vim.cmd("botright new")
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = "nofile"
  vim.bo[buf].bufhidden = "wipe"
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  local level = result.code == 0 and vim.log.levels.INFO or vim.log.levels.WARN
  vim.notify("b2c-lsp build: exit code " .. result.code, level)
  return result.code
end

--- Defines :B2cPolicyChain, :B2cJourney, :B2cBuild and :B2cLspRestart (setup() does; call it
--- yourself when the server is started by vim.lsp.enable instead).
function M.commands()
  vim.api.nvim_create_user_command("B2cPolicyChain", show_chain, { desc = "Show the B2C policy chain of this buffer" })
  vim.api.nvim_create_user_command("B2cLspRestart", restart, { desc = "Restart the b2c-lsp language server" })
  vim.api.nvim_create_user_command("B2cJourney", function(args)
    M.show_journey(args.args == "mermaid" and "mermaid" or nil)
  end, {
    nargs = "?",
    complete = function()
      return { "text", "mermaid" }
    end,
    desc = "Show the journey of this relying party (an outline, or Mermaid with 'mermaid') in a split",
  })
  vim.api.nvim_create_user_command("B2cBuild", function(args)
    M.build(args.args)
  end, { nargs = "?", desc = "Build the policies for each environment of appsettings.json (or the one named)" })
end

--- Configures the plugin and starts the server for xml buffers.
--- opts: cmd, filetypes, base_paths (or basePaths), trace, on_attach,
--- capabilities, root_dir (function), warn_if_missing.
function M.setup(opts)
  opts = opts or {}
  if opts.basePaths and not opts.base_paths then
    opts.base_paths = opts.basePaths
  end
  opts.basePaths = nil
  config = vim.tbl_extend("force", vim.deepcopy(defaults), opts)
  warned_missing = false

  augroup = vim.api.nvim_create_augroup("b2c_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = augroup,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })

  M.commands()

  -- Buffers that were opened before setup() ran.
  local wanted = {}
  for _, ft in ipairs(config.filetypes) do
    wanted[ft] = true
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and wanted[vim.bo[bufnr].filetype] then
      M.attach(bufnr)
    end
  end
end

return M
