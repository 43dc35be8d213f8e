/**
 * The batch manifest of `nutca issue --from`: CSV (a header row naming the
 * columns kind,name,dns,ip,key,not_after,server,host) or JSON (an array of objects). Pure:
 * text in, rows or every problem with its line number out, so a batch is
 * refused whole before anything is written.
 */
import { DESTINATION_HINT, parseDestination } from "../deploy/destination.js";
import { NutcaError, type Problem } from "../errors.js";
import { parseKeyType } from "../pki/keys.js";
import { parseDnsName, parseEntryName, parseIpAddress } from "../pki/names.js";
import type { LeafKind } from "../pki/leaf-certificate.js";
import { parseNotAfter } from "../pki/validity.js";
import { parseCsv } from "./csv.js";

export interface ManifestRow {
  /** Where the row starts in the file (1-based). */
  readonly line: number;
  readonly kind: LeafKind;
  readonly name: string;
  readonly dns: string[];
  readonly ip: string[];
  readonly key?: string;
  readonly notAfter?: string;
  /** For a client: the server certificate it connects to (for the exports that name one). */
  readonly server?: string;
  /** Where `nutca deploy --from` and `export ansible --from` reach the row's host: `[user@]host[:port]`, as written. */
  readonly host?: string;
}

export interface Manifest {
  readonly rows: ManifestRow[];
  /** Empty when every row is good. */
  readonly problems: Problem[];
}

export type ManifestFormat = "csv" | "json";

/** What one row says before validation: a cell's text, or a list for dns/ip. */
interface RawRow {
  readonly line: number;
  readonly fields: Readonly<Record<string, unknown>>;
  /** What is wrong with the row's shape (extra cells, unknown keys). */
  readonly problem?: string;
}

const CSV_COLUMNS = ["kind", "name", "dns", "ip", "key", "not_after", "server", "host"];
const JSON_KEYS = ["kind", "name", "dns", "ip", "key", "notAfter", "server", "host"];

/** JSON when the file says so by its name or its first character, CSV otherwise. */
export function manifestFormat(path: string, text: string): ManifestFormat {
  if (/\.json$/i.test(path)) return "json";
  if (/\.csv$/i.test(path)) return "csv";
  return text.trimStart().startsWith("[") ? "json" : "csv";
}

export function parseManifest(text: string, format: ManifestFormat, now: Date): Manifest {
  const source = text.replace(/^\uFEFF/, "");
  const raw = format === "json" ? jsonRows(source) : csvRows(source);
  if ("problem" in raw) return { rows: [], problems: [raw.problem] };
  const rows: ManifestRow[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  for (const row of raw.rows) {
    const messages: string[] = [];
    const parsed = validateRow(row, now, messages);
    if (parsed) {
      const first = seen.get(parsed.name);
      if (first !== undefined) messages.push(`"${parsed.name}" is already on line ${first}`);
      else seen.set(parsed.name, row.line);
    }
    if (messages.length > 0 || !parsed) problems.push({ line: row.line, message: messages.join("; ") });
    else rows.push(parsed);
  }
  if (raw.rows.length === 0 && problems.length === 0) problems.push({ line: 1, message: "the manifest lists nothing" });
  return { rows, problems };
}

function validateRow(row: RawRow, now: Date, messages: string[]): ManifestRow | undefined {
  const { fields } = row;
  if (row.problem) messages.push(row.problem);
  const text = (key: string): string | undefined => {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") {
      messages.push(`${key} must be a string`);
      return undefined;
    }
    return value.trim() === "" ? undefined : value.trim();
  };
  const list = (key: string): string[] => {
    const value = fields[key];
    if (value === undefined || value === null) return [];
    if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
    messages.push(`${key} must be a list of strings`);
    return [];
  };
  const check = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof NutcaError)) throw error;
      messages.push(error.message);
      return undefined;
    }
  };
  const kind = text("kind");
  if (kind === undefined) messages.push("kind is missing (server or client)");
  else if (kind !== "server" && kind !== "client") messages.push(`kind "${kind}" is neither server nor client`);
  const rawName = text("name");
  if (rawName === undefined) messages.push("name is missing");
  const name = rawName === undefined ? undefined : check(() => parseEntryName(rawName));
  const dns = list("dns").map((value) => check(() => parseDnsName(value)));
  const ip = list("ip").map((value) => check(() => parseIpAddress(value)));
  const key = text("key");
  if (key !== undefined) check(() => parseKeyType(key));
  const notAfter = text("notAfter");
  if (notAfter !== undefined) check(() => parseNotAfter(notAfter, now));
  const rawServer = text("server");
  const server = rawServer === undefined ? undefined : check(() => parseEntryName(rawServer));
  if (rawServer !== undefined && kind === "server")
    messages.push("server is for a client row: the server it connects to");
  const host = text("host");
  if (host !== undefined && parseDestination(host) === undefined)
    messages.push(`host "${host}" is not [user@]host[:port] — ${DESTINATION_HINT}`);
  if (messages.length > 0 || name === undefined) return undefined;
  return {
    line: row.line,
    kind: kind as LeafKind,
    name,
    dns: dns as string[],
    ip: ip as string[],
    ...(key === undefined ? {} : { key }),
    ...(notAfter === undefined ? {} : { notAfter }),
    ...(server === undefined ? {} : { server }),
    ...(host === undefined ? {} : { host }),
  };
}

function csvRows(text: string): { rows: RawRow[] } | { problem: Problem } {
  const parsed = parseCsv(text);
  if ("problem" in parsed) return parsed;
  const [header, ...records] = parsed.records.filter((record) => record.cells.some((cell) => cell.trim() !== ""));
  if (!header) return { rows: [] };
  const columns = header.cells.map((cell) => cell.trim().toLowerCase());
  const unknown = columns.filter((column) => !CSV_COLUMNS.includes(column));
  const repeated = columns.filter((column, i) => columns.indexOf(column) !== i);
  const missing = ["kind", "name"].filter((column) => !columns.includes(column));
  if (unknown.length + repeated.length + missing.length > 0) {
    const parts = [
      ...(missing.length ? [`no ${missing.join(" or ")} column`] : []),
      ...(unknown.length ? [`unknown column ${unknown.map((c) => `"${c}"`).join(", ")}`] : []),
      ...(repeated.length ? [`column ${repeated.map((c) => `"${c}"`).join(", ")} given twice`] : []),
    ];
    return {
      problem: {
        line: header.line,
        message: `bad header: ${parts.join("; ")} (columns: ${CSV_COLUMNS.join(",")}; kind and name required)`,
      },
    };
  }
  return {
    rows: records.map((record) => {
      const fields: Record<string, unknown> = {};
      columns.forEach((column, i) => (fields[column === "not_after" ? "notAfter" : column] = record.cells[i]));
      const extra = record.cells.length - columns.length;
      return { line: record.line, fields, ...(extra > 0 ? { problem: `${extra} cell(s) more than the header` } : {}) };
    }),
  };
}

function jsonRows(text: string): { rows: RawRow[] } | { problem: Problem } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    const line = position ? lineAt(text, Number(position[1])) : 1;
    return { problem: { line, message: `not valid JSON: ${(error as Error).message}` } };
  }
  if (!Array.isArray(value)) return { problem: { line: 1, message: "a JSON manifest is an array of objects" } };
  const lines = linesAt(text, elementStarts(text));
  return {
    rows: value.map((item: unknown, i) => {
      const line = lines[i] ?? 1;
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        return { line, fields: {}, problem: "not an object" };
      }
      const fields = item as Record<string, unknown>;
      const unknown = Object.keys(fields).filter((key) => !JSON_KEYS.includes(key));
      const problem = `unknown key ${unknown.map((key) => `"${key}"`).join(", ")} (keys: ${JSON_KEYS.join(", ")})`;
      return { line, fields, ...(unknown.length > 0 ? { problem } : {}) };
    }),
  };
}

/** Offsets where the elements of the top-level array start (JSON.parse gives no positions). */
function elementStarts(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (/\s/.test(char)) continue;
    if (depth === 1 && expectValue && char !== "]") starts.push(i);
    expectValue = depth === 1 && char === ",";
    if (char === '"') inString = true;
    else if (char === "[" || char === "{") {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (char === "]" || char === "}") depth--;
  }
  return starts;
}

function lineAt(text: string, offset: number): number {
  return linesAt(text, [offset])[0]!;
}

/** The line of each offset (ascending), in one pass over the text: a 10,000-row manifest stays linear. */
function linesAt(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let position = 0;
  for (const offset of offsets) {
    for (; position < offset && position < text.length; position++) if (text[position] === "\n") line++;
    lines.push(line);
  }
  return lines;
}
