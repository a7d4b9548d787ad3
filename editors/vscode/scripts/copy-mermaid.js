// Copies Mermaid's browser build and its licence from node_modules into media/vendor/, so
// that the .vsix carries it and the journey panel draws offline (nothing loads from a CDN).
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const source = path.dirname(require.resolve("mermaid/package.json", { paths: [root] }));
const target = path.join(root, "media", "vendor");
fs.mkdirSync(target, { recursive: true });
for (const [from, to] of [
  ["dist/mermaid.min.js", "mermaid.min.js"],
  ["LICENSE", "mermaid.LICENSE"],
]) {
  fs.copyFileSync(path.join(source, from), path.join(target, to));
}
const { version } = JSON.parse(fs.readFileSync(path.join(source, "package.json"), "utf8"));
console.log(`copy-mermaid: mermaid ${version} -> ${path.relative(root, target)}`);
