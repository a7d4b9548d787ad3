import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import { settingProblems } from "./settingsCheck";

export const SECTION = "b2cLsp";

export type TraceSetting = "off" | "messages" | "verbose";

/** The settings the server understands (see initializationOptions / didChangeConfiguration). */
export interface ServerSettings {
  basePaths: string[];
  trace: { server: TraceSetting };
}

function firstWorkspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** Expands `~` and `${workspaceFolder}`, and makes relative paths absolute against the first workspace folder. */
export function expandPath(raw: string): string {
  let p = raw.trim();
  const root = firstWorkspaceFolder();
  if (root) {
    p = p.replace(/\$\{workspaceFolder\}/g, root);
  }
  if (p === "~" || p.startsWith("~/") || p.startsWith("~\\")) {
    p = path.join(os.homedir(), p.slice(1));
  }
  if (!path.isAbsolute(p) && root) {
    p = path.join(root, p);
  }
  return path.normalize(p);
}

function readTrace(config: vscode.WorkspaceConfiguration): TraceSetting {
  const value = config.get<string>("trace.server", "off");
  return value === "messages" || value === "verbose" ? value : "off";
}

export function readServerSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const basePaths = config
    .get<unknown[]>("basePaths", [])
    .filter((p): p is string => typeof p === "string" && p.trim().length > 0)
    .map(expandPath);
  return { basePaths, trace: { server: readTrace(config) } };
}

export function isExecutableFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

export function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Each setting whose value cannot work, in words (see settingsCheck.ts). */
export function checkSettings(): string[] {
  const config = vscode.workspace.getConfiguration(SECTION);
  return settingProblems(
    { serverPath: config.get("serverPath"), basePaths: config.get("basePaths"), trace: config.get("trace.server") },
    { expand: expandPath, isFolder, isExecutable: isExecutableFile },
  );
}

/** Looks `name` up on PATH the way a shell would; undefined when it is not there. */
function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d.length > 0);
  const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext.toLowerCase());
      if (isExecutableFile(candidate)) {
        return candidate;
      }
      const upper = path.join(dir, name + ext);
      if (ext && isExecutableFile(upper)) {
        return upper;
      }
    }
  }
  return undefined;
}

export interface ResolvedServer {
  command: string;
  /** Where the command came from, for the output channel. */
  source: "setting" | "bundled" | "path";
}

/** The folder of the .vsix's bundled server for this machine, as `vsce package --target` names it. */
export function bundledTarget(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch}`;
}

/**
 * Finds the server executable, in this order: the b2cLsp.serverPath setting, the binary
 * bundled in a platform-specific .vsix (server/<platform>-<arch>/b2c-lsp), one bundled by hand
 * (server/b2c-lsp), `b2c-lsp` on PATH. Throws with a user-facing message when none is usable.
 */
export function resolveServer(extensionPath: string): ResolvedServer {
  const exe = process.platform === "win32" ? "b2c-lsp.exe" : "b2c-lsp";
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>("serverPath", "").trim();
  if (configured.length > 0) {
    const command = expandPath(configured);
    if (!isExecutableFile(command)) {
      throw new Error(`b2cLsp.serverPath is set to "${configured}", but ${command} is not an executable file.`);
    }
    return { command, source: "setting" };
  }
  for (const bundled of [
    path.join(extensionPath, "server", bundledTarget(), exe),
    path.join(extensionPath, "server", exe),
  ]) {
    if (isExecutableFile(bundled)) {
      return { command: bundled, source: "bundled" };
    }
  }
  const onPath = findOnPath("b2c-lsp");
  if (onPath) {
    return { command: onPath, source: "path" };
  }
  throw new Error(
    `Could not find the b2c-lsp language server: this extension package has none for ${bundledTarget()}. ` +
      "Install the package for your platform, set b2cLsp.serverPath, or put b2c-lsp on your PATH " +
      "(a release archive, or cargo install --locked --path server).",
  );
}
