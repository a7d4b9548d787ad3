/** What the journey view draws: a file's relying-party journey, or a named journey of its chain. */
export interface JourneyTarget {
  uri: string;
  /** A UserJourney id asked for by a code lens; the view then stays on it. */
  journey?: string;
}

/**
 * The target after the active editor changes to `editor` (undefined: not a policy file). A
 * journey asked for by name stays; a relying-party view follows the editor to another file.
 * Returns `current` itself when nothing changes.
 */
export function nextTarget(current: JourneyTarget | undefined, editor: JourneyTarget | undefined): JourneyTarget | undefined {
  if (!editor || current?.journey) {
    return current;
  }
  if (current && current.uri === editor.uri) {
    return current;
  }
  return editor;
}
