/**
 * The certificates of a store as the ledger describes them: issue records,
 * with later records applied: a revocation marks its certificate revoked, a
 * renewal marks the certificate it renewed (which stays valid until it
 * expires or is revoked) and, after a rekey, says where its key went.
 */
import type { LedgerRecord } from "./ledger.js";
import type { Entry } from "./store.js";

export function foldEntries(records: readonly LedgerRecord[], now: Date): Entry[] {
  const entries: Entry[] = [];
  const index = new Map<string, number>();
  const update = (serial: string, change: (entry: Entry) => Entry) => {
    const at = index.get(serial);
    if (at !== undefined) entries[at] = change(entries[at]!);
  };
  for (const record of records) {
    if (record.op === "issue") {
      const renews = record.renews;
      if (record.files.key && !(renews && !renews.key)) replaceKey(entries, record.files.key, renews?.key);
      // issued/<name>.crt.pem now holds the new certificate; the older ones remain under by-serial/.
      entries.forEach((old, i) => {
        if (old.files.cert === record.files.cert) {
          entries[i] = { ...old, files: { ...old.files, cert: `by-serial/${old.serial}.crt.pem` } };
        }
      });
      if (renews) update(renews.serial, (old) => ({ ...old, renewedBy: record.serial }));
      index.set(record.serial, entries.length);
      const expired = new Date(record.notAfter).getTime() < now.getTime();
      entries.push({ ...record, status: expired ? "expired" : "valid" });
    } else if (record.op === "revoke") {
      update(record.serial, (old) => ({
        ...old,
        status: "revoked",
        revoked: { time: record.time, reason: record.reason },
      }));
    }
  }
  return entries;
}

/**
 * A new key was written over `path`: the earlier certificates that used it
 * now find their key where a rekey archived it, or (after a fresh issue of a
 * name whose certificates were all revoked or expired) have none left.
 */
function replaceKey(entries: Entry[], path: string, archived: string | undefined): void {
  entries.forEach((old, i) => {
    if (old.files.key !== path) return;
    entries[i] = { ...old, files: archived ? { ...old.files, key: archived } : { cert: old.files.cert } };
  });
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
