#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code: code-server (VS Code's own
# workbench served over HTTP) driven by Debian's Chromium through playwright-core.
#
#   editors/vscode/e2e/run.sh            # install what is missing, then run the test
#   editors/vscode/e2e/run.sh --install  # only install code-server and playwright-core
#
# It uses target/debug/b2c-lsp (built with `cargo build -p b2c-lsp` when missing), builds the
# .vsix, installs it into a fresh code-server profile, opens a copy of examples/ and checks
# what a user sees (see e2e.js). With B2C_E2E_VSIX=path/to/b2c-lsp-linux-x64-*.vsix it
# installs that package instead, which must carry its own server: no b2cLsp.serverPath is
# set and no b2c-lsp is left on code-server's PATH, as on a machine with nothing else set up. Screenshots go to editors/vscode/e2e/screenshots/ (or to
# B2C_E2E_SCREENSHOTS); B2C_E2E_KEEP=1 keeps the scratch workspace and code-server's log.
#
# code-server and playwright-core are installed once into a cache outside the checkout:
# B2C_E2E_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/b2c-lsp-e2e. The first install
# downloads a few hundred MB from the npm registry and builds native modules; later runs
# reuse it. Needs node/npm, and (installed with apt-get when missing, as root or with sudo)
# chromium, ripgrep and the headers code-server's native modules build against.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ext=$(cd "$here/.." && pwd)
root=$(cd "$ext/../.." && pwd)
cache=${B2C_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/b2c-lsp-e2e}
# The last code-server whose VS Code runs on Node 20 (later ones want Node 22 or 24).
cs_version=${B2C_E2E_CODE_SERVER:-4.100.3}
pw_version=1.65.1
chromium=${B2C_E2E_CHROMIUM:-/usr/bin/chromium}

log() { echo "vscode-e2e: $*" >&2; }

need_apt() {
  local missing=()
  [ -x "$chromium" ] || missing+=(chromium)
  command -v rg >/dev/null || missing+=(ripgrep)
  command -v make >/dev/null || missing+=(build-essential)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    fi
    if { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; } && command -v apt-get >/dev/null; then
      log "apt-get install ${missing[*]}"
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 ||
        { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
          $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2; }
    else
      log "missing packages: ${missing[*]} (install them, e.g. with apt-get)"
      exit 1
    fi
  fi
}

# code-server's own install runs postinstall steps that download binaries; these steps
# avoid them (recipe: /work/shared/docs/vscode-e2e.md in the project's shared notes).
install_code_server() {
  local dir=$cache/code-server-$cs_version
  if [ -f "$dir/.installed" ]; then
    return
  fi
  log "installing code-server $cs_version into $dir (first run only)"
  rm -rf "$dir"
  mkdir -p "$dir"
  (
    # node-pty's post-install runs `npx node-gyp`; let npx fetch it without asking.
    export npm_config_yes=true
    cd "$dir"
    echo '{"private": true}' >package.json
    npm install "code-server@$cs_version" --ignore-scripts --no-audit --no-fund
    npm rebuild argon2
    cd node_modules/code-server/lib/vscode
    npm install --omit=dev --ignore-scripts --no-audit --no-fund
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    npm rebuild
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sf code-linux.sh code-server)
    (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
    (cd extensions && npm install --omit=dev --no-audit --no-fund)
  ) >&2
  touch "$dir/.installed"
}

install_driver() {
  local dir=$cache/playwright-core-$pw_version
  if [ -f "$dir/.installed" ]; then
    return
  fi
  log "installing playwright-core $pw_version into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  (cd "$dir" && echo '{"private": true}' >package.json &&
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install "playwright-core@$pw_version" --no-audit --no-fund) >&2
  touch "$dir/.installed"
}

need_apt
install_code_server
install_driver
if [ "${1:-}" = "--install" ]; then
  log "installed into $cache"
  exit 0
fi

code_server=$cache/code-server-$cs_version/node_modules/.bin/code-server
export NODE_PATH=$cache/playwright-core-$pw_version/node_modules

if [ -n "${B2C_E2E_VSIX:-}" ]; then
  # The package as a user gets it: its bundled server and nothing else.
  vsix=$(cd "$(dirname "$B2C_E2E_VSIX")" && pwd)/$(basename "$B2C_E2E_VSIX")
  [ -f "$vsix" ] || { log "$B2C_E2E_VSIX not found"; exit 1; }
  server=
  clean_path=
  IFS=: read -r -a path_dirs <<<"$PATH"
  for dir in "${path_dirs[@]}"; do
    [ -n "$dir" ] && [ -e "$dir/b2c-lsp" ] && continue
    clean_path=${clean_path:+$clean_path:}$dir
  done
  export PATH=$clean_path
  if command -v b2c-lsp >/dev/null; then
    log "b2c-lsp is still on PATH: $(command -v b2c-lsp)"
    exit 1
  fi
else
  server=${B2C_LSP_BIN:-$root/target/debug/b2c-lsp}
  if [ ! -x "$server" ]; then
    log "building $server"
    (cd "$root" && cargo build -p b2c-lsp)
  fi

  log "building the .vsix"
  (
    cd "$ext"
    [ -d node_modules ] || npm ci --no-audit --no-fund
    rm -f b2c-lsp-*.vsix
    npm run package
  ) >&2
  vsix=$(ls "$ext"/b2c-lsp-*.vsix | head -n 1)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/b2c-lsp-vscode-e2e.XXXXXX")
cs_pid=
cleanup() {
  if [ -n "$cs_pid" ]; then
    kill "$cs_pid" 2>/dev/null || true
    wait "$cs_pid" 2>/dev/null || true
  fi
  if [ -z "${B2C_E2E_KEEP:-}" ]; then
    rm -rf "$work"
  else
    log "kept $work"
  fi
}
trap cleanup EXIT

mkdir -p "$work/user/User" "$work/extensions" "$work/workspace"
cp -R "$root/examples" "$work/workspace/examples"
# A policy folder with appsettings.json (three environments, one lacking values) to build.
cp -R "$root/server/test_data/build/input" "$work/workspace/build-demo"
server_setting=
if [ -n "$server" ]; then
  server_setting="\"b2cLsp.serverPath\": \"$server\","
fi
cat >"$work/user/User/settings.json" <<EOF
{
  $server_setting
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "editor.hover.delay": 200,
  "editor.minimap.enabled": false,
  "window.commandCenter": false,
  "chat.commandCenter.enabled": false,
  "workbench.colorTheme": "Default Light Modern"
}
EOF

cs_args=(--user-data-dir "$work/user" --extensions-dir "$work/extensions")
log "installing $(basename "$vsix")"
"$code_server" "${cs_args[@]}" --install-extension "$vsix" >&2
if [ -z "$server" ]; then
  bundled=$(find "$work/extensions" -path '*/server/*' -name b2c-lsp -type f | head -n 1)
  if [ -z "$bundled" ] || [ ! -x "$bundled" ]; then
    log "the installed extension carries no executable server/<platform>/b2c-lsp"
    exit 1
  fi
  log "bundled server: ${bundled#"$work/extensions/"}"
fi

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log "starting code-server on 127.0.0.1:$port"
"$code_server" "${cs_args[@]}" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$work/workspace" >"$work/code-server.log" 2>&1 &
cs_pid=$!
for _ in $(seq 1 100); do
  if node -e 'require("http").get(process.argv[1],r=>process.exit(r.statusCode<500?0:1)).on("error",()=>process.exit(1))' \
    "http://127.0.0.1:$port/healthz" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$cs_pid" 2>/dev/null; then
    cat "$work/code-server.log" >&2
    log "code-server exited"
    exit 1
  fi
  sleep 0.3
done

shots=${B2C_E2E_SCREENSHOTS:-$here/screenshots}
mkdir -p "$shots"
set +e
B2C_E2E_URL="http://127.0.0.1:$port/?folder=$work/workspace" \
  B2C_E2E_WORKSPACE="$work/workspace" \
  B2C_E2E_PROFILE="$work/chromium" \
  B2C_E2E_CHROMIUM="$chromium" \
  B2C_E2E_SCREENSHOTS="$shots" \
  B2C_E2E_EXTENSIONS="$work/extensions" \
  B2C_E2E_BUNDLED="$([ -z "$server" ] && echo 1)" \
  node "$here/e2e.js"
status=$?
set -e
if [ "$status" != 0 ]; then
  log "code-server log:"
  tail -n 40 "$work/code-server.log" >&2
fi
exit "$status"
