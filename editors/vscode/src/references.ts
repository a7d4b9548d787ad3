// The client side of the server's "N references" and "used in journeys" code lenses: the
// server names a client-neutral command, `b2cLsp.showReferences` (uri, position, locations in
// protocol form, as rust-analyzer's showReferences), which this turns into VS Code's own
// references peek.
import * as vscode from "vscode";

interface ProtocolPosition {
  line: number;
  character: number;
}

interface ProtocolLocation {
  uri: string;
  range: { start: ProtocolPosition; end: ProtocolPosition };
}

function position(p: ProtocolPosition): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

export async function showReferences(
  uri: string,
  at: ProtocolPosition,
  locations: ProtocolLocation[],
): Promise<void> {
  await vscode.commands.executeCommand(
    "editor.action.showReferences",
    vscode.Uri.parse(uri),
    position(at),
    (locations ?? []).map(
      (l) => new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(position(l.range.start), position(l.range.end))),
    ),
  );
}
