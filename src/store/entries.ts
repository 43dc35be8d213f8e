/**
 * The certificates of a store as the ledger describes them: issue records,
 * with later records applied: a revocation marks its certificate revoked, a
 * renewal marks the certificate it renewed (which stays valid until it
 * expires or is revoked) and, after a rekey, says where its key went.
 */
import { storePaths } from "./layout.js";
import type { LedgerRecord } from "./ledger.js";
import type { Entry } from "./store.js";

export function foldEntries(records: readonly LedgerRecord[], now: Date): Entry[] {
  const entries: Entry[] = [];
  // Indexes kept in step with `entries`, so a ledger of 10,000 records folds in one linear pass.
  const bySerial = new Map<string, number>();
  const byCert = new Map<string, number>();
  const byKey = new Map<string, Set<number>>();
  const put = (at: number, entry: Entry) => {
    const old = entries[at];
    if (old && byCert.get(old.files.cert) === at) byCert.delete(old.files.cert);
    if (old?.files.key) byKey.get(old.files.key)?.delete(at);
    entries[at] = entry;
    byCert.set(entry.files.cert, at);
    if (entry.files.key) byKey.set(entry.files.key, (byKey.get(entry.files.key) ?? new Set()).add(at));
  };
  const update = (at: number | undefined, change: (entry: Entry) => Entry) => {
    if (at !== undefined) put(at, change(entries[at]!));
  };
  for (const record of records) {
    if (record.op === "issue") {
      const renews = record.renews;
      if (record.files.key && !(renews && !renews.key)) {
        // A new key was written over this path: the earlier certificates that used it now find their key
        // where a rekey archived it, or (a fresh issue of a name whose certificates were all revoked or
        // expired) have none left.
        const archived = renews?.key;
        for (const at of [...(byKey.get(record.files.key) ?? [])]) {
          update(at, (old) => ({
            ...old,
            files: archived ? { ...old.files, key: archived } : { cert: old.files.cert },
          }));
        }
      }
      // issued/<name>.crt.pem now holds the new certificate; the older ones remain under by-serial/.
      update(byCert.get(record.files.cert), (old) => ({
        ...old,
        files: { ...old.files, cert: storePaths.serialCert(old.serial) },
      }));
      if (renews) update(bySerial.get(renews.serial), (old) => ({ ...old, renewedBy: record.serial }));
      bySerial.set(record.serial, entries.length);
      const expired = new Date(record.notAfter).getTime() < now.getTime();
      put(entries.length, { ...record, status: expired ? "expired" : "valid" });
    } else if (record.op === "revoke") {
      update(bySerial.get(record.serial), (old) => ({
        ...old,
        status: "revoked",
        revoked: { time: record.time, reason: record.reason },
      }));
    }
  }
  return entries;
}

/**
 * The entries of one name, as foldEntries gives them: a name's own records
 * (its renewals and rekeys included) and the revocations are all that decide
 * them, so the others are left out of the fold.
 */
export function foldEntriesOf(records: readonly LedgerRecord[], name: string, now: Date): Entry[] {
  return foldEntries(
    records.filter((record) => record.op === "revoke" || (record.op === "issue" && record.name === name)),
    now,
  );
}

/** The newest certificate of each name (what the name stands for), the CA left out. */
export function currentEntries(entries: readonly Entry[]): Entry[] {
  const newest = new Map<string, Entry>();
  for (const entry of entries) if (entry.kind !== "ca") newest.set(entry.name, entry);
  return [...newest.values()];
}

/** How a status reads in a list: a renewed certificate is still valid, and says so. */
export function describeStatus(entry: Entry): string {
  if (entry.status === "revoked") return `revoked (${entry.revoked?.reason ?? "unspecified"})`;
  return entry.renewedBy && entry.status === "valid" ? "valid (renewed)" : entry.status;
}
