/**
 * The ledger: one JSON record per line, appended and fsynced under the store
 * lock. It is the source of truth for serial uniqueness and for `list`.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync } from "node:fs";
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
 * Reads every complete record: a last line without its newline was cut short
 * by a crash before it was acknowledged, so it is ignored here and dropped by
 * the next writer (repairTornTail). Read once, then only where it grew: the
 * ledger is append-only (only init replaces it, and says so with reset()), so
 * a command that looks at it before and again under the lock parses a
 * 10,000-record ledger once.
 */
export class LedgerReader {
  private records: LedgerRecord[] = [];
  /** Bytes read so far, always up to the end of a complete line, and the lines in them. */
  private consumed = 0;
  private lines = 0;
  private inode = -1;

  constructor(private readonly path: string) {}

  read(): LedgerRecord[] {
    if (!existsSync(this.path)) {
      this.reset();
      return [];
    }
    const fd = openSync(this.path, "r");
    try {
      const { size, ino } = fstatSync(fd);
      if (ino !== this.inode || size < this.consumed) this.reset();
      this.inode = ino;
      if (size > this.consumed) {
        const tail = Buffer.alloc(size - this.consumed);
        const read = readSync(fd, tail, 0, tail.length, this.consumed);
        const end = tail.subarray(0, read).lastIndexOf(0x0a) + 1;
        const lines = tail.toString("utf8", 0, end).split("\n").slice(0, -1);
        lines.forEach((line, i) => {
          if (line !== "") this.records.push(parseRecord(line, this.path, this.lines + i + 1));
        });
        this.lines += lines.length;
        this.consumed += end;
      }
    } finally {
      closeSync(fd);
    }
    return [...this.records];
  }

  reset(): void {
    this.records = [];
    this.consumed = 0;
    this.lines = 0;
    this.inode = -1;
  }
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
  const fd = openSync(path, "r+");
  try {
    const { size } = fstatSync(fd);
    // Read backwards from the end to the last newline: a sound ledger is settled by its last byte.
    let keep = 0;
    for (let end = size; end > 0 && keep === 0; end -= TAIL_CHUNK) {
      const start = Math.max(0, end - TAIL_CHUNK);
      const chunk = Buffer.alloc(end - start);
      readSync(fd, chunk, 0, chunk.length, start);
      const newline = chunk.lastIndexOf(0x0a);
      if (newline >= 0) keep = start + newline + 1;
    }
    if (keep === size) return;
    ftruncateSync(fd, keep);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const TAIL_CHUNK = 64 * 1024;

/** One append and one flush for many records: a crash keeps a prefix of whole lines (and maybe a torn one). */
export function appendRecords(path: string, records: readonly LedgerRecord[]): void {
  appendDurable(path, records.map((record) => JSON.stringify(record) + "\n").join(""));
}
