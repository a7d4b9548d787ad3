import * as vscode from "vscode";
import { LanguageClient, RequestType } from "vscode-languageclient/node";
import { ChainEntry, chainLabel } from "./chainLabel";
import { Debouncer } from "./debounce";

export type { ChainEntry };

export interface PolicyChainParams {
  textDocument: { uri: string };
}

export interface PolicyChainResult {
  chain: ChainEntry[];
}

export const PolicyChainRequest = new RequestType<PolicyChainParams, PolicyChainResult | null, void>(
  "b2c-lsp/policyChain",
);

function chainTooltip(chain: ChainEntry[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown("**Policy chain** (this file first)\n\n");
  for (const [i, entry] of chain.entries()) {
    const where =
      entry.uri === null
        ? "_not found in the workspace or the base paths_"
        : vscode.workspace.asRelativePath(vscode.Uri.parse(entry.uri));
    md.appendMarkdown(`${i + 1}. \`${entry.policyId}\` — ${where}\n`);
  }
  md.appendMarkdown("\nClick to open a policy of the chain.");
  return md;
}

/** Status bar item showing the inheritance chain of the policy in the active editor. */
export class PolicyChainStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private chain: ChainEntry[] | undefined;
  private readonly refresher = new Debouncer(() => void this.refresh());
  private generation = 0;

  constructor() {
    this.item = vscode.window.createStatusBarItem("b2cLsp.policyChain", vscode.StatusBarAlignment.Left, 10);
    this.item.name = "B2C policy chain";
    this.item.command = "b2cLsp.showPolicyChain";
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.scheduleIfActive(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.scheduleIfActive(e.document, 500)),
    );
  }

  setClient(client: LanguageClient | undefined): void {
    this.client = client;
    this.schedule(0);
  }

  /** The chain shown at the moment (undefined when hidden). */
  current(): ChainEntry[] | undefined {
    return this.chain;
  }

  private scheduleIfActive(doc: vscode.TextDocument, delay: number): void {
    if (vscode.window.activeTextEditor?.document === doc) {
      this.schedule(delay);
    }
  }

  private schedule(delay: number): void {
    this.refresher.schedule(delay);
  }

  private hide(): void {
    this.chain = undefined;
    this.item.hide();
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const editor = vscode.window.activeTextEditor;
    const client = this.client;
    if (!editor || !client || !client.isRunning()) {
      this.hide();
      return;
    }
    const doc = editor.document;
    if (doc.uri.scheme !== "file" || doc.languageId !== "xml") {
      this.hide();
      return;
    }
    let result: PolicyChainResult | null;
    try {
      result = await client.sendRequest(PolicyChainRequest, {
        textDocument: { uri: client.code2ProtocolConverter.asUri(doc.uri) },
      });
    } catch {
      // Older server, or the server is restarting: show nothing rather than an error.
      result = null;
    }
    if (generation !== this.generation) {
      return; // a newer refresh is under way
    }
    if (!result || !Array.isArray(result.chain) || result.chain.length === 0) {
      this.hide();
      return;
    }
    this.chain = result.chain;
    this.item.text = `B2C: ${chainLabel(result.chain)}`;
    this.item.tooltip = chainTooltip(result.chain);
    this.item.show();
  }

  dispose(): void {
    this.refresher.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

/** Quick pick over the chain of the active policy; opens the chosen file. */
export async function showPolicyChain(status: PolicyChainStatus): Promise<void> {
  const chain = status.current();
  if (!chain) {
    void vscode.window.showInformationMessage("The active editor does not hold a B2C custom policy.");
    return;
  }
  const picks = chain.map((entry, i) => ({
    label: `${i === 0 ? "$(file)" : "$(arrow-up)"} ${entry.policyId}`,
    description:
      entry.uri === null ? "not found" : vscode.workspace.asRelativePath(vscode.Uri.parse(entry.uri)),
    entry,
  }));
  const choice = await vscode.window.showQuickPick(picks, { placeHolder: "Policy chain (this file first)" });
  if (choice?.entry.uri) {
    await vscode.window.showTextDocument(vscode.Uri.parse(choice.entry.uri));
  }
}
