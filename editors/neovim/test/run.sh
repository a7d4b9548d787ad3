#!/usr/bin/env bash
# Neovim end-to-end test for CI: opens examples/broken/SignUpOrSignIn.xml in a headless
# Neovim with the b2c_lsp module and target/debug/b2c-lsp, waits for the diagnostic on the
# undefined claim "loyaltyPoints", and runs go-to-definition on the ClaimTypeReferenceId
# "objectId" (line 26), which must land on its ClaimType in examples/TrustFrameworkBase.xml
# (line 25), then runs :B2cBuild's function for one environment on a copy of
# server/test_data/build/input. Builds nothing: run `cargo build -p b2c-lsp` (or `cargo test --workspace`) first.
# Installs neovim with apt-get when `nvim` is missing.
set -euo pipefail
cd "$(dirname "$0")/../../.."

server=${B2C_LSP_CMD:-target/debug/b2c-lsp}
if [ ! -x "$server" ]; then
  echo "neovim-e2e: $server is missing; run cargo build -p b2c-lsp first" >&2
  exit 1
fi

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

set +e
output=$(
  B2C_LSP_CMD=$server \
    B2C_FIXTURE=examples/broken/SignUpOrSignIn.xml \
    B2C_EXPECT=loyaltyPoints \
    B2C_DEF_LINE=26 B2C_DEF_COL=46 \
    B2C_DEF_TARGET_FILE=examples/TrustFrameworkBase.xml B2C_DEF_TARGET_LINE=25 \
    B2C_BUILD_DIR=$build_dir \
    B2C_TIMEOUT_MS=${B2C_TIMEOUT_MS:-20000} \
    timeout 120 nvim --headless -u NONE -i NONE -n \
    -c 'set rtp+=editors/neovim' -c 'luafile editors/neovim/test/e2e.lua' 2>&1 </dev/null
)
status=$?
set -e
printf '%s\n' "$output"
if [ "$status" != 0 ] || ! printf '%s\n' "$output" | grep -qx 'E2E OK'; then
  echo "neovim-e2e: failed (exit $status)" >&2
  exit 1
fi
echo "neovim-e2e: passed"
