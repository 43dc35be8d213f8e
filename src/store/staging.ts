/**
 * The commit protocol of every change to a store. The files of one commit
 * (one ledger record, or a batch of them) are written to staging/<KEY>/ and
 * flushed; the ledger lines are appended and flushed (the commit point); then
 * the files are renamed into place. Each staged file is named
 * `<RECORD KEY>~<store path>`, so after a crash recover() moves the files of
 * the records that reached the ledger and discards the rest — a batch cut
 * short by a kill or a full disk keeps a whole prefix, never a half record.
 */
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureDirectory, fsyncDirectory, TEMP_PREFIX, writeFully } from "./durable.js";
import type { StoreLayout } from "./layout.js";
import { appendRecords, type LedgerRecord } from "./ledger.js";
import { stagingKey } from "./revocation-records.js";

/** A file a commit puts in the store: a path relative to the store root, and its content. */
export interface StoreFile {
  readonly path: string;
  readonly data: string | Uint8Array;
}

export interface Commit {
  readonly record: LedgerRecord;
  readonly files: readonly StoreFile[];
}

const KEY_SEPARATOR = "~";

/** Stages, commits and places the files of the records, in order; nothing is placed if the ledger append fails. */
export function commit(layout: StoreLayout, commits: readonly Commit[]): void {
  if (commits.length === 0) return;
  const staging = layout.staging(stagingKey(commits[0]!.record));
  try {
    ensureDirectory(staging);
    for (const { record, files } of commits) {
      // A certificate goes to issued/ and by-serial/ alike: written once, the second name a hard link
      // (one file to flush instead of two). A later renewal renames a new file over issued/<name>.
      const written = new Map<string | Uint8Array, string>();
      for (const file of files) {
        const path = join(staging, stagedName(stagingKey(record), file.path));
        const same = written.get(file.data);
        if (same) linkSync(same, path);
        else writeStagedFile(path, file.data);
        written.set(file.data, path);
      }
    }
    fsyncDirectory(staging);
    fsyncDirectory(layout.stagingDir);
    appendRecords(
      layout.ledger,
      commits.map((one) => one.record),
    );
  } catch (error) {
    // Not committed (appendRecords cuts a partial append off again): leave no partial files behind.
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  place(layout, staging, () => true);
}

/** Finishes what a crash interrupted: places the staged files of committed records, discards the others. */
export function recoverStaging(layout: StoreLayout, records: () => readonly LedgerRecord[]): void {
  const keys = existsSync(layout.stagingDir) ? readdirSync(layout.stagingDir) : [];
  if (keys.length === 0) return;
  const committed = new Set(records().map(stagingKey));
  for (const key of keys) place(layout, layout.staging(key), (recordKey) => committed.has(recordKey));
}

/** The key of the record a staged file belongs to, and its store path; undefined for a name no commit writes. */
function parseStagedName(name: string): { key: string; path: string } | undefined {
  const separator = name.indexOf(KEY_SEPARATOR);
  if (separator < 0) return undefined;
  return { key: name.slice(0, separator), path: decodeURIComponent(name.slice(separator + 1)) };
}

/** Where a committed record's file waits after a crash, if it was staged and not yet placed. */
export function findStaged(layout: StoreLayout, key: string, path: string): string | undefined {
  if (!existsSync(layout.stagingDir)) return undefined;
  const name = stagedName(key, path);
  return readdirSync(layout.stagingDir)
    .map((dir) => join(layout.staging(dir), name))
    .find((candidate) => existsSync(candidate));
}

/** `<KEY>~<store path with every segment URI-encoded>`: flat, and reversible. */
function stagedName(key: string, path: string): string {
  return `${key}${KEY_SEPARATOR}${path.split("/").map(encodeURIComponent).join("%2F")}`;
}

/** A staged file needs no temp-and-rename: a staging directory that never committed is discarded whole. */
function writeStagedFile(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    writeFully(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Renames the files whose record is committed into place, flushes each directory once, drops the rest. */
function place(layout: StoreLayout, staging: string, committed: (key: string) => boolean): void {
  const touched = new Set<string>();
  for (const name of readdirSync(staging)) {
    const staged = name.startsWith(TEMP_PREFIX) ? undefined : parseStagedName(name);
    if (!staged || !committed(staged.key)) continue;
    const target = layout.resolve(staged.path);
    const dir = dirname(target);
    if (!touched.has(dir)) ensureDirectory(dir);
    touched.add(dir);
    renameSync(join(staging, name), target);
  }
  for (const dir of touched) fsyncDirectory(dir);
  rmSync(staging, { recursive: true, force: true });
  fsyncDirectory(layout.stagingDir);
}
