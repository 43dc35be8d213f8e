/**
 * The ledger: one JSON record per line, appended and fsynced under the store
 * lock. It is the source of truth for serial uniqueness and for `list`.
 */
import { existsSync, openSync, closeSync, ftruncateSync, readFileSync, fsyncSync } from "node:fs";
import { NutcaError } from "../errors.js";
import { appendDurable } from "./durable.js";
import { isRevocationRecord, type CrlRecord, type RevokeRecord } from "./revocation-records.js";

export type EntryKind = "ca" | "server" | "client";

export interface IssueRecord {
  readonly op: "issue";
  readonly time: string;
  readonly serial: string;
  readonly name: string;
  readonly kind: EntryKind;
  readonly subject: string;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly keyType: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly sha256: string;
  /** Store-relative paths of the files this issuance wrote. */
  readonly files: { readonly cert: string; readonly key?: string };
  /** Set by `nutca renew`: the certificate this one renews, and where its key went when it was rekeyed. */
  readonly renews?: { readonly serial: string; readonly key?: string };
}

export type LedgerRecord = IssueRecord | RevokeRecord | CrlRecord;
export type { CrlInfo, CrlRecord, RevokeRecord } from "./revocation-records.js";

/**
 * Reads every complete record. A last line without its newline was cut short by
 * a crash before it was acknowledged: it is ignored here and dropped by the
 * next writer (repairTornTail).
 */
export function readLedger(path: string): LedgerRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  const records: LedgerRecord[] = [];
  let lineNumber = 0;
  for (const line of text.slice(0, end).split("\n")) {
    lineNumber++;
    if (line === "") continue;
    records.push(parseRecord(line, path, lineNumber));
  }
  return records;
}

function parseRecord(line: string, path: string, lineNumber: number): LedgerRecord {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    record = undefined;
  }
  if (!isRecord(record)) {
    throw new NutcaError(
      "STORE_CORRUPT",
      `ledger line ${lineNumber} is corrupt (${path})`,
      "restore the store from a backup, or run nutca doctor",
    );
  }
  return record;
}

function isRecord(value: unknown): value is LedgerRecord {
  if (typeof value !== "object" || value === null) return false;
  if (isRevocationRecord(value)) return true;
  const record = value as Partial<IssueRecord>;
  return (
    record.op === "issue" &&
    typeof record.serial === "string" &&
    typeof record.name === "string" &&
    typeof record.notAfter === "string" &&
    (record.kind === "ca" || record.kind === "server" || record.kind === "client") &&
    typeof record.files === "object" &&
    record.files !== null
  );
}

/** Drops a torn last line left by a crash. Call only while holding the store lock. */
export function repairTornTail(path: string): void {
  if (!existsSync(path)) return;
  const bytes = readFileSync(path);
  const keep = bytes.lastIndexOf(0x0a) + 1;
  if (keep === bytes.length) return;
  const fd = openSync(path, "r+");
  try {
    ftruncateSync(fd, keep);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function appendRecord(path: string, record: LedgerRecord): void {
  appendDurable(path, JSON.stringify(record) + "\n");
}
