-- Headless end-to-end check of the Neovim client against a running b2c-lsp.
--
--   B2C_FIXTURE=examples/broken/SignUpOrSignIn.xml \
--   B2C_EXPECT=loyaltyPoints \
--   B2C_DEF_LINE=26 B2C_DEF_COL=46 \
--   B2C_DEF_TARGET_FILE=examples/TrustFrameworkBase.xml B2C_DEF_TARGET_LINE=25 \
--   nvim --headless -u NONE -c 'set rtp+=editors/neovim' -c 'luafile editors/neovim/test/e2e.lua'
--
-- Environment:
--   B2C_FIXTURE          policy file to open (required)
--   B2C_EXPECT           text that one diagnostic message of that file must contain (required)
--   B2C_DEF_LINE/COL     1-based position where go-to-definition is invoked (optional;
--                        the definition check runs only when both are set)
--   B2C_DEF_TARGET_FILE  file the cursor must land in
--   B2C_DEF_TARGET_LINE  1-based line the cursor must land on
--   B2C_LSP_CMD          server executable (default: b2c-lsp on PATH); run with "serve"
--   B2C_CONFIG           how the server is configured: "setup" (default: the module's
--                        setup()), "native" (Neovim 0.11+: lsp/b2c_lsp.lua through
--                        vim.lsp.enable), or the path of a Lua file that calls
--                        vim.lsp.config("b2c_lsp", ...) itself (the README's snippet)
--   B2C_EXPECT_ROOT      the folder the client must have as its root (optional)
--   B2C_UNEXPECT_CODE    a diagnostic code that must not be among the file's (optional)
--   B2C_JOURNEY_FILE     a relying-party policy for :B2cJourney (optional); its outline must
--                        contain B2C_JOURNEY_EXPECT and its Mermaid text "flowchart TD"
--   B2C_TIMEOUT_MS       how long to wait for each step (default 10000)
--
-- Prints "E2E OK" and exits 0, or prints the reason and exits 1.

local function say(msg)
  io.stdout:write(msg .. "\n")
  io.stdout:flush()
end

local function fail(msg)
  say("E2E FAIL: " .. msg)
  vim.cmd("cquit 1")
end

local function env(name, required)
  local v = os.getenv(name)
  if v == "" then
    v = nil
  end
  if required and not v then
    fail("environment variable " .. name .. " is not set")
  end
  return v
end

local function realpath(p)
  local abs = vim.fn.fnamemodify(p, ":p")
  return vim.fn.resolve(abs)
end

local function run()
  local fixture = env("B2C_FIXTURE", true)
  local expect = env("B2C_EXPECT", true)
  local timeout = tonumber(env("B2C_TIMEOUT_MS") or "") or 10000
  local cmd = env("B2C_LSP_CMD") or "b2c-lsp"

  if vim.fn.filereadable(fixture) == 0 then
    return fail("fixture not readable: " .. fixture)
  end
  if vim.fn.executable(cmd) == 0 then
    return fail("server not executable: " .. cmd)
  end

  local ok_require, b2c = pcall(require, "b2c_lsp")
  if not ok_require then
    return fail("cannot load the b2c_lsp module (is editors/neovim on 'runtimepath'?): " .. tostring(b2c))
  end
  local mode = env("B2C_CONFIG") or "setup"
  if mode == "setup" then
    b2c.setup({ cmd = { cmd, "serve" }, warn_if_missing = false })
  else
    if not vim.lsp.config then
      return fail("B2C_CONFIG=" .. mode .. " needs Neovim 0.11 or newer")
    end
    if mode ~= "native" then
      dofile(mode)
    end
    -- Only the command differs from what the user writes (the build under test).
    vim.lsp.config("b2c_lsp", { cmd = { cmd, "serve" } })
    vim.lsp.enable("b2c_lsp")
    -- The module's commands, without its own client.
    b2c.commands()
  end
  say("configured with " .. mode)

  vim.cmd("filetype on")
  vim.cmd("edit " .. vim.fn.fnameescape(fixture))
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].filetype ~= "xml" then
    vim.bo[bufnr].filetype = "xml" -- fires FileType, which attaches the server
  end

  -- 1. Diagnostics.
  local messages = {}
  local found = vim.wait(timeout, function()
    messages = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(messages, d.message)
      if d.message:find(expect, 1, true) then
        return true
      end
    end
    return false
  end, 50)
  if not found then
    if #messages == 0 then
      return fail(string.format("no diagnostics for %s within %d ms", fixture, timeout))
    end
    return fail(string.format("no diagnostic contains %q; got:\n  %s", expect, table.concat(messages, "\n  ")))
  end
  say("diagnostic found: " .. expect)

  local unexpected = env("B2C_UNEXPECT_CODE")
  if unexpected then
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == unexpected then
        return fail(string.format("a %s diagnostic: %s", unexpected, d.message))
      end
    end
    say("no " .. unexpected)
  end

  local expect_root = env("B2C_EXPECT_ROOT")
  if expect_root then
    local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = "b2c_lsp" })
      or vim.lsp.buf_get_clients(bufnr)
    local client = clients[1] or select(2, next(clients))
    local root = client and client.config.root_dir
    if not root or realpath(root):gsub("/$", "") ~= realpath(expect_root):gsub("/$", "") then
      return fail(string.format("the client's root is %s, expected %s", tostring(root), expect_root))
    end
    say("root ok: " .. expect_root)
  end

  -- 2. Go to definition.
  local line = tonumber(env("B2C_DEF_LINE") or "")
  local col = tonumber(env("B2C_DEF_COL") or "")
  if line and col then
    local target_file = env("B2C_DEF_TARGET_FILE", true)
    local target_line = tonumber(env("B2C_DEF_TARGET_LINE", true))
    if not target_line then
      return fail("B2C_DEF_TARGET_LINE is not a number")
    end
    local want = realpath(target_file)
    vim.api.nvim_win_set_cursor(0, { line, col - 1 })
    vim.lsp.buf.definition()
    local here_file, here_line
    local landed = vim.wait(timeout, function()
      here_file = realpath(vim.api.nvim_buf_get_name(0))
      here_line = vim.api.nvim_win_get_cursor(0)[1]
      return here_file == want and here_line == target_line
    end, 50)
    if not landed then
      return fail(
        string.format("definition at %d:%d went to %s:%d, expected %s:%d", line, col, here_file, here_line, want, target_line)
      )
    end
    say(string.format("definition ok: %s:%d", target_file, target_line))
  end

  -- :B2cJourney on a relying party: the outline, then the Mermaid text, each in a split.
  local journey_file = env("B2C_JOURNEY_FILE")
  if journey_file then
    local journey_expect = env("B2C_JOURNEY_EXPECT", true)
    vim.cmd("edit " .. vim.fn.fnameescape(journey_file))
    local journey_buf = vim.api.nvim_get_current_buf()
    -- The command asks the client attached to the buffer: wait until there is one.
    local attached = vim.wait(timeout, function()
      if vim.lsp.get_clients then
        return #vim.lsp.get_clients({ bufnr = journey_buf, name = "b2c_lsp" }) > 0
      end
      return next(vim.lsp.buf_get_clients(journey_buf)) ~= nil
    end, 50)
    if not attached then
      return fail("no b2c_lsp client attached to " .. journey_file)
    end
    for _, format in ipairs({ "text", "mermaid" }) do
      local origin = vim.api.nvim_get_current_win()
      vim.cmd(format == "mermaid" and "B2cJourney mermaid" or "B2cJourney")
      local want = format == "mermaid" and "flowchart TD" or journey_expect
      local text = ""
      local shown = vim.wait(timeout, function()
        local buf = vim.api.nvim_get_current_buf()
        if vim.b[buf].b2c_journey == nil then
          return false
        end
        text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
        return text:find(want, 1, true) ~= nil
      end, 50)
      if not shown then
        return fail(string.format(":B2cJourney %s showed no %q; got:\n%s", format, want, text))
      end
      say(string.format("journey %s ok: %s", format, vim.split(text, "\n")[1]))
      vim.cmd("close")
      vim.api.nvim_set_current_win(origin)
    end
  end

  -- :B2cBuild on a policy folder with appsettings.json: one environment written.
  local build_dir = os.getenv("B2C_BUILD_DIR")
  if build_dir and build_dir ~= "" then
    vim.cmd("edit " .. vim.fn.fnameescape(build_dir .. "/TrustFrameworkBase.xml"))
    local code = require("b2c_lsp").build("Test")
    if code ~= 0 then
      return fail("B2cBuild Test exited with " .. tostring(code))
    end
    if vim.fn.filereadable(build_dir .. "/Environments/Test/TrustFrameworkBase.xml") ~= 1 then
      return fail("B2cBuild wrote no Environments/Test/TrustFrameworkBase.xml")
    end
    say("build ok: Environments/Test")
  end

  say("E2E OK")
  vim.cmd("qall!")
end

local ok, err = pcall(run)
if not ok then
  fail("error: " .. tostring(err))
end
