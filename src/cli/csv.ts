/**
 * A small RFC 4180 reader: comma-separated cells, double-quoted cells may hold
 * commas, newlines and doubled quotes. Each record keeps the line it starts on,
 * for error messages.
 */
import type { Problem } from "../errors.js";

export interface CsvRecord {
  readonly line: number;
  readonly cells: string[];
}

export function parseCsv(text: string): { records: CsvRecord[] } | { problem: Problem } {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let start = 1;
  let quoted = false;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === "\n") line++;
        cell += char;
      }
    } else if (char === '"' && cell.trim() === "") {
      quoted = true;
      quoteLine = line;
      cell = "";
    } else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      records.push({ line: start, cells });
      cells = [];
      cell = "";
      line++;
      start = line;
    } else cell += char;
  }
  if (quoted) return { problem: { line: quoteLine, message: "a quoted cell is not closed" } };
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    records.push({ line: start, cells });
  }
  return { records };
}
