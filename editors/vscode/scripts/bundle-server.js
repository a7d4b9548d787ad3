// Copies the release build of the server (../../target/release/b2c-lsp) into
// server/ so that `npm run package` ships it inside the .vsix. Does nothing
// (and succeeds) when no release build exists: the extension then falls back
// to the b2cLsp.serverPath setting or to `b2c-lsp` on PATH.
const fs = require("fs");
const path = require("path");

const exe = process.platform === "win32" ? "b2c-lsp.exe" : "b2c-lsp";
const source = path.resolve(__dirname, "..", "..", "..", "target", "release", exe);
const targetDir = path.resolve(__dirname, "..", "server");
const target = path.join(targetDir, exe);

if (!fs.existsSync(source)) {
  console.log(`bundle-server: ${source} not found; build it with 'cargo build --release' first. Nothing copied.`);
  process.exit(0);
}
fs.mkdirSync(targetDir, { recursive: true });
fs.copyFileSync(source, target);
fs.chmodSync(target, 0o755);
console.log(`bundle-server: copied ${source} -> ${target}`);
