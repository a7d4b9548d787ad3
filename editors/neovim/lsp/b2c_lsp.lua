-- The b2c-lsp server for Neovim 0.11's vim.lsp.config / vim.lsp.enable: with this folder
-- (editors/neovim) on the runtimepath, `vim.lsp.enable("b2c_lsp")` starts it for xml buffers.
-- The root is the policy folder, found with or without git (require("b2c_lsp").find_root).
return {
  cmd = { "b2c-lsp", "serve" },
  filetypes = { "xml" },
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    -- Only files on disk (no scratch buffers, fugitive://, etc.).
    if name == "" or name:match("^%a[%w+.-]*://") then
      return
    end
    on_dir(require("b2c_lsp").find_root(name))
  end,
  init_options = { basePaths = {}, trace = "off" },
  settings = { b2cLsp = { basePaths = {} } },
}
