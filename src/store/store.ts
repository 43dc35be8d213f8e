/**
 * One CA store on disk. Reads need no lock; every change runs under the store
 * lock and follows the protocol of staging.ts: files are written to staging/,
 * the ledger records are appended (the commit point), then the files are moved
 * into place. recover() finishes or discards whatever a crash interrupted.
 */
import { existsSync, readdirSync, rmSync, statSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { NutcaError } from "../errors.js";
import { pemDecode } from "../pki/pem.js";
import { ensureDirectory, writeFileDurable, TEMP_PREFIX } from "./durable.js";
import { CHECKOUT_FILES, StoreLayout } from "./layout.js";
import { foldEntries, foldEntriesOf } from "./entries.js";
import { appendRecords, LedgerReader, repairTornTail, type IssueRecord, type LedgerRecord } from "./ledger.js";
import { StoreLock } from "./lock.js";
import { isPermissionError, permissionDenied, readStoreFile } from "./permission.js";
import { commit, recoverStaging, type Commit, type StoreFile } from "./staging.js";

export type { StoreFile } from "./staging.js";

export const STORE_FORMAT = 1;

/**
 * The largest group of issuances committed by one ledger append. Groups start at one and double, so a
 * batch shows progress (and a crash loses little) from the start, and the flushes of a long batch are
 * shared by up to this many certificates.
 */
const MAX_COMMIT_GROUP = 256;

export interface StoreMeta {
  readonly format: number;
  readonly createdAt: string;
  readonly ca: {
    readonly name: string;
    readonly organization?: string | undefined;
    readonly keyType: string;
    readonly encrypted: boolean;
    /** True when ca.crt.pem is an intermediate below root.crt.pem; absent (older stores) means false. */
    readonly intermediate?: boolean | undefined;
  };
  readonly defaults: {
    /** Expiry of new leaves when none is given: `never` or a duration, capped at the CA's notAfter. */
    readonly leafNotAfter: string;
  };
}

export type EntryStatus = "valid" | "expired" | "revoked";

export interface Entry extends IssueRecord {
  readonly status: EntryStatus;
  readonly revoked?: { readonly time: string; readonly reason: string };
  /** The serial of the certificate that renewed this one (the name now maps to that one). */
  readonly renewedBy?: string;
}

export class CaStore {
  readonly layout: StoreLayout;
  private readonly ledger: LedgerReader;
  /** The entries last folded, reused while the ledger has not grown (a check before the lock, then under it). */
  private folded: { now: number; records: LedgerRecord[]; entries: Entry[] } | undefined;

  constructor(readonly root: string) {
    this.layout = new StoreLayout(root);
    this.ledger = new LedgerReader(this.layout.ledger);
  }

  /** False when there is no store file; a store this user may not read is an error, not "no CA". */
  hasCa(): boolean {
    try {
      statSync(this.layout.meta);
      return true;
    } catch (error) {
      if (isPermissionError(error)) throw permissionDenied(this.layout.meta, error);
      return false;
    }
  }

  /** True when the directory is missing or holds nothing but a checkout's CHECKOUT_FILES: a store with no CA yet. */
  isEmpty(): boolean {
    return !existsSync(this.root) || readdirSync(this.root).every((name) => CHECKOUT_FILES.has(name));
  }

  readMeta(): StoreMeta {
    if (!this.hasCa()) {
      throw new NutcaError(
        "NO_CA",
        `there is no CA in ${this.root}`,
        "create one with nutca init, or pass --store DIR",
      );
    }
    const notJson = (cause: unknown) =>
      new NutcaError("STORE_CORRUPT", `${this.layout.meta} is not valid JSON`, "restore it from a backup", { cause });
    const text = readStoreFile(this.layout.meta, notJson);
    let meta: StoreMeta;
    try {
      meta = JSON.parse(text) as StoreMeta;
    } catch (error) {
      throw notJson(error);
    }
    if (typeof meta?.format !== "number" || typeof meta.ca?.keyType !== "string") {
      throw new NutcaError(
        "STORE_CORRUPT",
        `${this.layout.meta} is not a nutca store file`,
        "restore it from a backup",
      );
    }
    if (meta.format > STORE_FORMAT) {
      throw new NutcaError(
        "STORE_TOO_NEW",
        `the store at ${this.root} has format ${meta.format}, newer than this nutca understands (${STORE_FORMAT})`,
        "upgrade nutca",
      );
    }
    return meta;
  }

  /** The DER of a certificate file; store/certificates.ts parses it with @peculiar/x509 where that is needed. */
  readCertificateDer(path: string): Uint8Array<ArrayBuffer> {
    const pem = readStoreFile(
      path,
      (cause) =>
        new NutcaError("STORE_CORRUPT", `cannot read ${path}`, "restore it from a backup, or run nutca doctor", {
          cause,
        }),
    );
    const der = pemDecode(pem, "CERTIFICATE");
    if (!der) throw notACertificate(path);
    return der;
  }

  readCaKeyPem(): string {
    const path = this.layout.caKey;
    return readStoreFile(
      path,
      (cause) =>
        new NutcaError("STORE_CORRUPT", `cannot read the CA key ${path}`, "check its owner and mode, or restore it", {
          cause,
        }),
    );
  }

  records(): LedgerRecord[] {
    try {
      return this.ledger.read();
    } catch (error) {
      if (isPermissionError(error)) throw permissionDenied(this.layout.ledger, error);
      throw error;
    }
  }

  entries(now = new Date()): Entry[] {
    const records = this.records();
    const cached = this.folded;
    if (cached?.now === now.getTime() && cached.records.length === records.length && cached.records[0] === records[0]) {
      return [...cached.entries];
    }
    const entries = foldEntries(records, now);
    this.folded = { now: now.getTime(), records, entries };
    return [...entries];
  }

  /**
   * The entries of one name, as entries() has them, without folding the
   * others: a single issuance stays cheap on a store of thousands (every
   * line is still read and checked).
   */
  entriesNamed(name: string, now = new Date()): Entry[] {
    return foldEntriesOf(this.records(), name, now);
  }

  /** The newest certificate of a name, or the certificate with this serial. */
  findEntry(nameOrSerial: string, now = new Date()): Entry {
    const entries = this.entries(now);
    const serial = nameOrSerial.replace(/:/g, "").toUpperCase();
    const found =
      entries.findLast((entry) => entry.name === nameOrSerial) ?? entries.find((entry) => entry.serial === serial);
    if (!found) {
      throw new NutcaError("NOT_FOUND", `no certificate named or numbered "${nameOrSerial}"`, "see nutca list");
    }
    return found;
  }

  /** Runs a change under the store lock, after finishing whatever a crash interrupted. */
  async change<T>(command: string, work: () => T | Promise<T>): Promise<T> {
    let lock: StoreLock;
    try {
      ensureDirectory(this.root);
      lock = await StoreLock.acquire(this.layout.lock, { command });
    } catch (error) {
      if (isPermissionError(error)) throw permissionDenied((error as NodeJS.ErrnoException).path ?? this.root, error);
      throw error;
    }
    try {
      this.recover();
      return await work();
    } finally {
      lock.release();
    }
  }

  /** Creates the store and its CA. The meta file is written last: a store without it has no CA. */
  async initialize(
    meta: StoreMeta,
    record: IssueRecord | readonly IssueRecord[],
    files: { caCert: string; caKey: string; rootCert?: string; rootKey?: string },
  ): Promise<void> {
    await this.change("nutca init", () => {
      if (this.hasCa()) {
        throw new NutcaError(
          "CA_EXISTS",
          `${this.root} already holds a CA`,
          "use another --store, or remove that store first",
        );
      }
      chmodSync(this.root, 0o700);
      ensureDirectory(this.layout.privateDir);
      writeFileDurable(this.layout.caKey, files.caKey);
      writeFileDurable(this.layout.caCert, files.caCert);
      if (files.rootKey !== undefined) writeFileDurable(this.layout.rootKey, files.rootKey);
      if (files.rootCert !== undefined) writeFileDurable(this.layout.rootCert, files.rootCert);
      rmSync(this.layout.ledger, { force: true });
      this.ledger.reset();
      const records: readonly IssueRecord[] = "op" in record ? [record] : record;
      appendRecords(this.layout.ledger, records);
      writeFileDurable(this.layout.meta, JSON.stringify(meta, null, 2) + "\n");
    });
  }

  /**
   * Records a new certificate and puts its files in place. `check` runs under
   * the lock with the current entries of the record's name, to refuse (say) a
   * name that is taken.
   */
  async commitIssuance(
    record: IssueRecord,
    files: readonly StoreFile[],
    check: (entries: Entry[]) => void,
  ): Promise<void> {
    await this.change(`nutca issue ${record.name}`, () => {
      const records = this.records();
      check(foldEntriesOf(records, record.name, new Date()));
      if (records.some((other) => other.op === "issue" && other.serial === record.serial)) {
        throw new NutcaError("INTERNAL", `serial ${record.serial} is already in the ledger`, "run the command again");
      }
      commit(this.layout, [{ record, files }]);
    });
  }

  /**
   * Commits many issuances under one lock, in groups of 1, 2, 4 … up to
   * MAX_COMMIT_GROUP: one ledger append (the commit point) and one flush per
   * directory for each group. A crash leaves a prefix of the batch, which
   * recover() and a re-run complete. An issuance whose `keep` returns false
   * (say, its name was taken meanwhile) is left out; the ones committed are
   * returned in order. Names within one batch must be distinct (the manifest
   * parser refuses repeats).
   */
  async commitIssuances(
    command: string,
    issuances: readonly { readonly record: IssueRecord; readonly files: readonly StoreFile[] }[],
    keep: (record: IssueRecord, entries: Entry[]) => boolean,
    onCommit?: (record: IssueRecord) => void,
  ): Promise<IssueRecord[]> {
    return this.change(command, () => {
      // Read once: under the lock only this batch appends, and its serials are tracked here.
      const entries = this.entries();
      const serials = new Set(entries.map((entry) => entry.serial));
      const committed: IssueRecord[] = [];
      let group: Commit[] = [];
      let groupSize = 1;
      const flush = () => {
        commit(this.layout, group);
        for (const { record } of group) onCommit?.(record as IssueRecord);
        group = [];
        groupSize = Math.min(groupSize * 2, MAX_COMMIT_GROUP);
      };
      for (const issuance of issuances) {
        const { record } = issuance;
        if (!keep(record, entries)) continue;
        if (serials.has(record.serial)) {
          throw new NutcaError("INTERNAL", `serial ${record.serial} is already in the ledger`, "run the command again");
        }
        serials.add(record.serial);
        committed.push(record);
        group.push(issuance);
        if (group.length === groupSize) flush();
      }
      flush();
      return committed;
    });
  }

  /** Like commitIssuance, for a record made under the lock from the current ledger (a revocation, a CRL). */
  async commitRecord<R extends LedgerRecord>(
    command: string,
    build: (records: LedgerRecord[]) => Promise<{ record: R; files: readonly StoreFile[] }>,
  ): Promise<R> {
    return this.change(command, async () => {
      const { record, files } = await build(this.records());
      commit(this.layout, [{ record, files }]);
      return record;
    });
  }

  /** Finishes committed issuances, discards uncommitted ones, drops a torn ledger line and stray temp files. */
  recover(): void {
    repairTornTail(this.layout.ledger);
    removeTempFiles(this.layout);
    recoverStaging(this.layout, () => this.records());
  }
}

/** Temp files are only ever written in the store root and private/ (init); staged files are moved, not copied. */
function removeTempFiles(layout: StoreLayout): void {
  for (const dir of [layout.root, layout.privateDir]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir)) if (name.startsWith(TEMP_PREFIX)) rmSync(join(dir, name), { force: true });
  }
}

export function notACertificate(path: string, cause?: unknown): NutcaError {
  return new NutcaError("STORE_CORRUPT", `${path} is not a valid certificate`, "restore it from a backup", { cause });
}
