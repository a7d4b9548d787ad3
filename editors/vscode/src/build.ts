// "B2C: Build policies" and "B2C: Build for environment...": run `b2c-lsp build` on the policy
// folder of the active file (the nearest folder with appsettings.json; else one at or just
// below a workspace root) with progress, then say what was built and list the upload order and
// any placeholder without a value.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { buildDetails, buildSummary, EnvironmentReport } from "./buildSummary";
import { resolveServer } from "./config";

/** The folders holding appsettings.json that a build can mean: the nearest one above the active
 * file, else those at a workspace root or one folder below it. */
function policyFolders(): string[] {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === "file") {
    let dir = path.dirname(active.fsPath);
    for (let i = 0; i < 4; i++) {
      if (fs.existsSync(path.join(dir, "appsettings.json"))) {
        return [dir];
      }
      const parent = path.dirname(dir);
      if (parent === dir) {
        break;
      }
      dir = parent;
    }
  }
  const found: string[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const root = folder.uri.fsPath;
    if (fs.existsSync(path.join(root, "appsettings.json"))) {
      found.push(root);
      continue;
    }
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(root, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const dir = path.join(root, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith(".") && fs.existsSync(path.join(dir, "appsettings.json"))) {
        found.push(dir);
      }
    }
  }
  return found.sort();
}

async function policyFolder(): Promise<string | undefined> {
  const folders = policyFolders();
  if (folders.length <= 1) {
    return folders[0];
  }
  return vscode.window.showQuickPick(folders, { placeHolder: "Policy folder to build" });
}

function environmentNames(folder: string): string[] {
  try {
    const text = fs.readFileSync(path.join(folder, "appsettings.json"), "utf8").replace(/^\uFEFF/, "");
    const json = JSON.parse(text) as { Environments?: { Name?: string }[] };
    return (json.Environments ?? []).map((e) => e.Name ?? "").filter((n) => n.length > 0);
  } catch {
    return [];
  }
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === "number" ? error.code : error ? 2 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function buildPolicies(
  extensionPath: string,
  output: vscode.OutputChannel,
  chooseEnvironment: boolean,
): Promise<void> {
  const folder = await policyFolder();
  if (!folder) {
    await vscode.window.showErrorMessage("B2C: no appsettings.json found next to the active policy or in the workspace.");
    return;
  }
  const args = ["build", "--format", "json"];
  if (chooseEnvironment) {
    const names = environmentNames(folder);
    const picked = await vscode.window.showQuickPick(names, { placeHolder: "Environment to build" });
    if (!picked) {
      return;
    }
    args.push("--env", picked);
  }
  args.push(folder);
  let server: string;
  try {
    server = resolveServer(extensionPath).command;
  } catch (err) {
    await vscode.window.showErrorMessage(`B2C: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "B2C: building policies" },
    () => run(server, args),
  );
  if (result.code === 2) {
    output.appendLine(result.stderr.trim());
    await vscode.window.showErrorMessage(`B2C: ${result.stderr.trim() || "the build could not run"}`);
    return;
  }
  let report: EnvironmentReport[];
  try {
    report = JSON.parse(result.stdout) as EnvironmentReport[];
  } catch {
    output.appendLine(result.stdout);
    await vscode.window.showErrorMessage("B2C: the build printed no report");
    return;
  }
  for (const line of buildDetails(folder, report)) {
    output.appendLine(line);
  }
  const summary = buildSummary(report);
  if (result.code === 0) {
    await vscode.window.showInformationMessage(summary);
  } else {
    output.show(true);
    await vscode.window.showWarningMessage(summary);
  }
}
