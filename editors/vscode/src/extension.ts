import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";
import { checkSettings, readServerSettings, resolveServer, SECTION } from "./config";
import { buildPolicies } from "./build";
import { JourneyView } from "./journeyView";
import { PolicyChainStatus, showPolicyChain } from "./policyChain";
import { showReferences } from "./references";

const CLIENT_ID = "b2cLsp"; // also makes vscode-languageclient honour b2cLsp.trace.server
const CLIENT_NAME = "B2C Policy Language Server";

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel;
let status: PolicyChainStatus;
let journeyView: JourneyView;
let extensionPath: string;

function createClient(): LanguageClient {
  const server = resolveServer(extensionPath);
  outputChannel.appendLine(`Starting ${server.command} serve (found via ${server.source})`);
  const executable: Executable = {
    command: server.command,
    // No `transport`: with TransportKind.stdio vscode-languageclient would append `--stdio`
    // to the arguments. Without it the client still talks over the process's stdio.
    args: ["serve"],
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const settings = readServerSettings();
  const clientOptions: LanguageClientOptions = {
    // All XML files on disk: the server quietly ignores XML that is not a policy.
    documentSelector: [{ scheme: "file", language: "xml" }],
    initializationOptions: { basePaths: settings.basePaths, trace: settings.trace.server },
    synchronize: {
      // Lets the server notice base policies that change outside the editor.
      // appsettings.json too: its environments give the {Settings:...} values.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/*.xml"),
        vscode.workspace.createFileSystemWatcher("**/appsettings.json"),
        vscode.workspace.createFileSystemWatcher("**/b2c-lsp.toml"),
      ],
    },
    outputChannel,
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}

async function startClient(): Promise<void> {
  try {
    client = createClient();
  } catch (err) {
    client = undefined;
    await reportStartFailure(err);
    return;
  }
  try {
    await client.start();
  } catch (err) {
    const failed = client;
    client = undefined;
    await failed.dispose().catch(() => undefined);
    await reportStartFailure(err);
    return;
  }
  status.setClient(client);
  void vscode.commands.executeCommand("setContext", "b2cLsp.serverRunning", true);
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  status.setClient(undefined);
  void vscode.commands.executeCommand("setContext", "b2cLsp.serverRunning", false);
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      outputChannel.appendLine(`Error while stopping the server: ${String(err)}`);
    }
    await running.dispose().catch(() => undefined);
  }
}

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}

async function reportStartFailure(err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  outputChannel.appendLine(`Could not start the server: ${message}`);
  const openSettings = "Open Settings";
  const choice = await vscode.window.showErrorMessage(`B2C: ${message}`, openSettings);
  if (choice === openSettings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.serverPath`);
  }
}

/** Says which settings cannot work, once per change, with a way to the settings. */
function reportSettings(): void {
  const problems = checkSettings();
  if (problems.length === 0) {
    return;
  }
  for (const problem of problems) {
    outputChannel.appendLine(`Settings: ${problem}`);
  }
  const more = problems.length > 1 ? ` (${problems.length - 1} more in the output channel)` : "";
  const openSettings = "Open Settings";
  void vscode.window.showWarningMessage(`B2C: ${problems[0]}${more}`, openSettings).then((choice) => {
    if (choice === openSettings) {
      void vscode.commands.executeCommand("workbench.action.openSettings", SECTION);
    }
  });
}

function sendSettings(): void {
  if (!client?.isRunning()) {
    return;
  }
  const settings = readServerSettings();
  void client
    .sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } })
    .catch((err: unknown) => outputChannel.appendLine(`Could not send settings: ${String(err)}`));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  status = new PolicyChainStatus();
  journeyView = new JourneyView(context.extensionUri, () => client, outputChannel);
  context.subscriptions.push(
    outputChannel,
    status,
    journeyView,
    // Also the command of the server's "show journey" code lens: (journey id, file uri).
    vscode.commands.registerCommand("b2cLsp.showJourney", (journeyId?: unknown, fileUri?: unknown) =>
      journeyView.show(journeyId, fileUri),
    ),
    vscode.commands.registerCommand("b2cLsp.restartServer", restartClient),
    vscode.commands.registerCommand("b2cLsp.showPolicyChain", () => showPolicyChain(status)),
    // Run by the server's reference-count code lenses.
    vscode.commands.registerCommand("b2cLsp.showReferences", showReferences),
    vscode.commands.registerCommand("b2cLsp.buildPolicies", () => buildPolicies(extensionPath, outputChannel, false)),
    vscode.commands.registerCommand("b2cLsp.buildForEnvironment", () =>
      buildPolicies(extensionPath, outputChannel, true),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) {
        reportSettings();
      }
      if (e.affectsConfiguration(`${SECTION}.serverPath`)) {
        void restartClient();
      } else if (e.affectsConfiguration(SECTION)) {
        sendSettings();
      }
    }),
  );
  reportSettings();
  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
