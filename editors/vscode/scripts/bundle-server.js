// Copies a build of the server into server/<target>/ so that `vsce package --target <target>`
// ships it inside a platform-specific .vsix (the extension looks there first, see
// src/config.ts).
//
//   node scripts/bundle-server.js [--target linux-x64] [--binary path/to/b2c-lsp]
//
// The target is a `vsce package --target` name (linux-x64, linux-arm64, darwin-x64,
// darwin-arm64, win32-x64; default: this machine's); the binary defaults to
// ../../target/release/b2c-lsp. Without --binary and without a release build it copies
// nothing and succeeds: the extension then falls back to b2cLsp.serverPath or PATH. Any
// server/<other target>/ left from an earlier run is removed, so one .vsix never carries two.
const fs = require("fs");
const path = require("path");

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const target = option("--target") || `${process.platform}-${process.arch}`;
const exe = target.startsWith("win32-") ? "b2c-lsp.exe" : "b2c-lsp";
const explicit = option("--binary");
const source = path.resolve(explicit || path.join(__dirname, "..", "..", "..", "target", "release", exe));
const serverDir = path.resolve(__dirname, "..", "server");

if (!fs.existsSync(source)) {
  if (explicit) {
    console.error(`bundle-server: ${source} not found`);
    process.exit(1);
  }
  console.log(`bundle-server: ${source} not found; build it with 'cargo build --release' first. Nothing copied.`);
  process.exit(0);
}
fs.rmSync(serverDir, { recursive: true, force: true });
const targetDir = path.join(serverDir, target);
fs.mkdirSync(targetDir, { recursive: true });
const copy = path.join(targetDir, exe);
fs.copyFileSync(source, copy);
fs.chmodSync(copy, 0o755);
console.log(`bundle-server: copied ${source} -> ${path.relative(process.cwd(), copy)}`);
