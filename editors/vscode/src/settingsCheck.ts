/** The settings as read, before any value is trusted. */
export interface RawSettings {
  serverPath: unknown;
  basePaths: unknown;
  trace: unknown;
}

/** What the check may ask of the machine (injected, so the check is testable without VS Code). */
export interface SettingsProbe {
  expand(raw: string): string;
  isFolder(path: string): boolean;
  isExecutable(path: string): boolean;
}

const TRACE_VALUES = ["off", "messages", "verbose"];

/**
 * Each b2cLsp setting whose value cannot work, said in a sentence that names the setting, the
 * value and what is expected. Empty when all is well.
 */
export function settingProblems(raw: RawSettings, probe: SettingsProbe): string[] {
  const problems: string[] = [];
  if (raw.serverPath !== undefined && raw.serverPath !== null) {
    if (typeof raw.serverPath !== "string") {
      problems.push(`b2cLsp.serverPath must be a path (a string), not ${JSON.stringify(raw.serverPath)}.`);
    } else if (raw.serverPath.trim().length > 0) {
      const expanded = probe.expand(raw.serverPath);
      if (!probe.isExecutable(expanded)) {
        problems.push(`b2cLsp.serverPath is "${raw.serverPath}", but ${expanded} is not an executable file.`);
      }
    }
  }
  if (raw.basePaths !== undefined && raw.basePaths !== null) {
    if (!Array.isArray(raw.basePaths)) {
      problems.push(`b2cLsp.basePaths must be a list of folders, not ${JSON.stringify(raw.basePaths)}.`);
    } else {
      for (const entry of raw.basePaths) {
        if (typeof entry !== "string") {
          problems.push(`b2cLsp.basePaths holds ${JSON.stringify(entry)}, which is not a folder path (a string).`);
        } else if (entry.trim().length > 0) {
          const expanded = probe.expand(entry);
          if (!probe.isFolder(expanded)) {
            problems.push(`b2cLsp.basePaths holds "${entry}", but ${expanded} is not a folder.`);
          }
        }
      }
    }
  }
  if (raw.trace !== undefined && raw.trace !== null && !TRACE_VALUES.includes(raw.trace as string)) {
    problems.push(`b2cLsp.trace.server is ${JSON.stringify(raw.trace)}; it must be one of ${TRACE_VALUES.join(", ")}.`);
  }
  return problems;
}
