// Pure helpers for the status bar text (no vscode import, so they can be unit tested).

/** One policy of a chain, as answered by the server. `uri` is null when the base is not in the workspace. */
export interface ChainEntry {
  policyId: string;
  uri: string | null;
}

/**
 * Short labels for a chain: drops the `_`-separated prefix all ids share
 * (such as `B2C_1A_` or `B2C_1A_Example_`) and a leading `TrustFramework`.
 */
export function shortNames(ids: string[]): string[] {
  if (ids.length === 0) {
    return [];
  }
  const parts = ids.map((id) => id.split("_"));
  let common = 0;
  if (ids.length > 1) {
    const shortest = Math.min(...parts.map((p) => p.length));
    // Keep at least one segment of every id.
    while (
      common < shortest - 1 &&
      parts.every((p) => p[common].toLowerCase() === parts[0][common].toLowerCase())
    ) {
      common++;
    }
  } else if (parts[0].length > 2 && parts[0][0].toUpperCase() === "B2C" && parts[0][1].toUpperCase() === "1A") {
    common = 2;
  }
  return parts.map((p) => {
    const name = p.slice(common).join("_");
    const stripped = name.replace(/^TrustFramework(?=[A-Za-z0-9])/, "");
    return stripped.length > 0 ? stripped : name;
  });
}

export function chainLabel(chain: ChainEntry[]): string {
  const names = shortNames(chain.map((e) => e.policyId));
  return names.map((n, i) => (i > 0 && chain[i].uri === null ? `${n}?` : n)).join(" ← ");
}

