// The summary of a `b2c-lsp build --format json` report, kept free of the vscode API so that
// it can be unit-tested.

export interface BuildError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface EnvironmentReport {
  environment: string;
  written: boolean;
  folder: string;
  uploadOrder: { file: string; policyId: string }[];
  errors: BuildError[];
}

/** One line for a notification: what was written and what was not, and why. */
export function buildSummary(report: EnvironmentReport[]): string {
  const written = report.filter((e) => e.written).map((e) => e.environment);
  const failed = report.filter((e) => !e.written);
  const parts: string[] = [];
  if (written.length > 0) {
    parts.push(`built ${written.join(", ")}`);
  }
  for (const environment of failed) {
    const n = environment.errors.length;
    parts.push(`${environment.environment} not written: ${n} placeholder${n === 1 ? "" : "s"} without a value`);
  }
  return parts.length > 0 ? `B2C: ${parts.join("; ")}` : "B2C: nothing to build";
}

/** The report in the output channel: upload order per environment, errors with positions. */
export function buildDetails(folder: string, report: EnvironmentReport[]): string[] {
  const lines: string[] = [];
  for (const environment of report) {
    if (environment.written) {
      lines.push(`${environment.environment}: written to ${environment.folder}; upload order:`);
      environment.uploadOrder.forEach((entry, i) => lines.push(`  ${i + 1}. ${entry.file} (${entry.policyId})`));
    } else {
      lines.push(`${environment.environment}: not written`);
    }
    for (const error of environment.errors) {
      lines.push(`  ${folder}/${error.file}:${error.line}:${error.column}: ${error.message}`);
    }
  }
  return lines;
}
