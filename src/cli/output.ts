import { escapeControls, type NutcaError } from "../errors.js";

/** A plain, aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** Text for a person's terminal: every line kept, nothing in it that could steer the terminal (see escapeControls). */
export function terminalText(text: string): string {
  return text.split("\n").map(escapeControls).join("\n");
}

export function renderJson(data: unknown): string {
  return JSON.stringify(data, null, 2);
}

/** The one line (or JSON object) an error becomes. */
export function renderError(error: NutcaError, json: boolean): string {
  const problems = error.problems.map(({ line, message }) => ({ line, message: escapeControls(message) }));
  if (json) {
    return JSON.stringify({
      error: { code: error.code, message: error.line, ...(problems.length ? { problems } : {}) },
    });
  }
  return [`nutca: ${error.line}`, ...problems.map(({ line, message }) => `  line ${line}: ${message}`)].join("\n");
}
