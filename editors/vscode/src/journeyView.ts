import * as vscode from "vscode";
import { LanguageClient, Location, RequestType } from "vscode-languageclient/node";
import { Debouncer } from "./debounce";
import { JourneyTarget, nextTarget } from "./journeyTarget";

export interface JourneysParams {
  textDocument: { uri: string };
  format: "mermaid";
  journey?: string;
}

/** The server's Mermaid drawing of one journey (`b2c-lsp/journeys` with format "mermaid"). */
export interface JourneyDiagram {
  file: string;
  journeyId: string;
  mermaid: string;
  steps: { node: string; location: Location }[];
}

export const JourneysRequest = new RequestType<JourneysParams, JourneyDiagram | null, void>("b2c-lsp/journeys");

/** What the webview script sends back. */
type WebviewMessage =
  | { type: "ready" }
  | { type: "openStep"; node: string }
  | { type: "rendered"; steps: number }
  | { type: "error"; message: string };

const VIEW_TYPE = "b2cLsp.journey";
/** How long after a click on a step the editor it opened keeps the focus it was given. */
const OPENED_FOCUS_MS = 1000;

/**
 * The "B2C: Show journey" panel: the server's Mermaid drawing of the effective journey of
 * the relying party in the active editor (or of a journey named by a code lens), drawn by the
 * Mermaid bundled in the extension, redrawn on every edit of a policy; a click on a step
 * opens its OrchestrationStep.
 */
export class JourneyView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: JourneyTarget | undefined;
  private steps = new Map<string, Location>();
  /** The page's script listens (messages posted before are lost). */
  private ready = false;
  /** The step opened by the last click on the diagram, and when. */
  private opened: { uri: vscode.Uri; range: vscode.Range; at: number } | undefined;
  /** The latest drawing, sent when the page is ready. */
  private latest: JourneyDiagram | undefined;
  private readonly refresher = new Debouncer(() => void this.refresh());
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
    private readonly output: vscode.OutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!this.panel || !editor) {
          return;
        }
        const next = nextTarget(this.target, editorTarget(editor));
        if (next !== this.target) {
          this.target = next;
          this.schedule(0);
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // An edit anywhere in the chain can change the journey: redraw after a pause.
        if (this.panel && e.document.languageId === "xml" && e.contentChanges.length > 0) {
          this.schedule(400);
        }
      }),
    );
  }

  /**
   * Opens (or reveals) the panel. With a journey id and a file (as the "show journey" code
   * lens sends them), draws that journey and keeps it; without, follows the relying party of
   * the active editor.
   */
  async show(journeyId?: unknown, fileUri?: unknown): Promise<void> {
    let target: JourneyTarget | undefined;
    if (typeof journeyId === "string" && journeyId.length > 0) {
      const uri =
        typeof fileUri === "string"
          ? fileUri
          : fileUri instanceof vscode.Uri
            ? fileUri.toString()
            : vscode.window.activeTextEditor?.document.uri.toString();
      if (!uri) {
        void vscode.window.showInformationMessage("B2C: Show journey needs a policy file.");
        return;
      }
      target = { uri, journey: journeyId };
    } else {
      const editor = vscode.window.activeTextEditor;
      target = editor ? editorTarget(editor) : undefined;
      if (!target) {
        void vscode.window.showInformationMessage("B2C: open a relying-party policy (an XML file) to show its journey.");
        return;
      }
    }
    const diagram = await this.request(target);
    if (diagram === undefined) {
      return;
    }
    if (diagram === null) {
      void vscode.window.showInformationMessage(
        target.journey
          ? `B2C: the policy chain of this file defines no UserJourney "${target.journey}".`
          : "B2C: this file has no relying party with a journey to show (open a relying-party policy, or use the journey's code lens).",
      );
      return;
    }
    this.target = target;
    this.ensurePanel();
    this.render(diagram);
  }

  private ensurePanel(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, "media");
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      "B2C journey",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: true },
    );
    panel.iconPath = vscode.Uri.joinPath(media, "icon.png");
    panel.webview.html = this.html(panel.webview, media);
    this.ready = false;
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.latest = undefined;
      this.target = undefined;
      this.steps.clear();
    }, undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.onMessage(m), undefined, this.disposables);
    // The click that opened a step also focuses the webview, and the workbench may learn of
    // that focus after the step's editor took it: give the focus back to the editor.
    panel.onDidChangeViewState(
      (e) => {
        const opened = this.opened;
        if (e.webviewPanel.active && opened && Date.now() - opened.at < OPENED_FOCUS_MS) {
          this.opened = undefined;
          void vscode.window.showTextDocument(opened.uri, {
            selection: opened.range,
            viewColumn: vscode.ViewColumn.One,
          });
        }
      },
      undefined,
      this.disposables,
    );
    this.panel = panel;
  }

  private schedule(delay: number): void {
    this.refresher.schedule(delay);
  }

  private async refresh(): Promise<void> {
    if (!this.panel || !this.target) {
      return;
    }
    const diagram = await this.request(this.target);
    if (diagram) {
      this.render(diagram);
    }
  }

  /** The drawing, null when there is nothing to draw, undefined when the server cannot answer. */
  private async request(target: JourneyTarget): Promise<JourneyDiagram | null | undefined> {
    const client = this.client();
    if (!client || !client.isRunning()) {
      void vscode.window.showWarningMessage("B2C: the language server is not running.");
      return undefined;
    }
    const generation = ++this.generation;
    try {
      const diagram = await client.sendRequest(JourneysRequest, {
        textDocument: { uri: target.uri },
        format: "mermaid",
        ...(target.journey ? { journey: target.journey } : {}),
      });
      // A newer request is under way: its answer wins.
      return generation === this.generation ? diagram : undefined;
    } catch (err) {
      this.output.appendLine(`b2c-lsp/journeys failed: ${String(err)}`);
      return undefined;
    }
  }

  private render(diagram: JourneyDiagram): void {
    if (!this.panel) {
      return;
    }
    this.steps = new Map(diagram.steps.map((s) => [s.node, s.location]));
    this.latest = diagram;
    if (!this.ready) {
      return;
    }
    const file = vscode.workspace.asRelativePath(vscode.Uri.file(diagram.file));
    this.panel.title = `Journey ${diagram.journeyId}`;
    void this.panel.webview.postMessage({
      type: "render",
      title: `UserJourney ${diagram.journeyId}`,
      subtitle: file,
      mermaid: diagram.mermaid,
      steps: diagram.steps.map((s) => s.node),
    });
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    if (message.type === "ready") {
      this.ready = true;
      if (this.latest) {
        this.render(this.latest);
      }
    } else if (message.type === "openStep") {
      const location = this.steps.get(message.node);
      const client = this.client();
      if (!location || !client) {
        return;
      }
      const uri = client.protocol2CodeConverter.asUri(location.uri);
      const range = client.protocol2CodeConverter.asRange(location.range);
      // Set first: the webview's focus may come back while the editor is being shown.
      this.opened = { uri, range, at: Date.now() };
      await vscode.window.showTextDocument(uri, { selection: range, viewColumn: vscode.ViewColumn.One });
    } else if (message.type === "error") {
      this.output.appendLine(`Journey view: Mermaid could not draw the journey: ${message.message}`);
    }
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = makeNonce();
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, name)).toString();
    // Strict: scripts only from the extension with this page's nonce, nothing from the
    // network. Mermaid writes the SVG's own <style>, hence inline styles.
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join("; ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset("journey.css")}">
<title>B2C journey</title>
</head>
<body>
<header><h1 id="title">Journey</h1><p id="subtitle"></p><p class="hint">Click a step to open its definition.</p></header>
<p id="status">Drawing the journey...</p>
<main id="diagram" aria-live="polite"></main>
<script nonce="${nonce}" src="${asset("vendor/mermaid.min.js")}"></script>
<script nonce="${nonce}" src="${asset("journey.js")}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.refresher.dispose();
    this.panel?.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

function editorTarget(editor: vscode.TextEditor): JourneyTarget | undefined {
  const doc = editor.document;
  if (doc.uri.scheme !== "file" || doc.languageId !== "xml") {
    return undefined;
  }
  return { uri: doc.uri.toString() };
}

function makeNonce(): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let nonce = "";
  for (let i = 0; i < 32; i++) {
    nonce += chars.charAt(Math.floor(Math.random() * chars.length));
  }
  return nonce;
}
