/**
 * The store's CRL: crl/ca.crl.pem and crl/ca.crl.der, regenerated from the
 * ledger under the store lock on every revocation and by `nutca crl`. The
 * CRL files are staged and moved in only after the ledger record that numbers
 * them is appended, like an issuance.
 */
import { existsSync, readFileSync } from "node:fs";
import { NutcaError } from "../errors.js";
import { createCrl, crlToPem, type Revocation } from "../pki/crl.js";
import type { RevocationReason } from "../pki/revocation-reasons.js";
import type { Issuer } from "../pki/profiles.js";
import { parseNotAfter, wholeSeconds } from "../pki/validity.js";
import { x509 } from "../pki/x509.js";
import { foldEntries } from "./entries.js";
import { storePaths } from "./layout.js";
import type { CrlInfo, CrlRecord, LedgerRecord, RevokeRecord } from "./ledger.js";
import type { CaStore, Entry } from "./store.js";

/** The current CRL as PEM (label `X509 CRL`), for exports such as stunnel's CRLfile; undefined before the first. */
export function loadCrl(store: CaStore): string | undefined {
  return existsSync(store.layout.crlPem) ? readFileSync(store.layout.crlPem, "utf8") : undefined;
}

export function readCrl(store: CaStore): x509.X509Crl | undefined {
  const pem = loadCrl(store);
  if (pem === undefined) return undefined;
  try {
    return new x509.X509Crl(pem);
  } catch (error) {
    throw new NutcaError("STORE_CORRUPT", `${store.layout.crlPem} is not a valid CRL`, "regenerate it with nutca crl", {
      cause: error,
    });
  }
}

/** The newest CRL the ledger knows of. */
export function lastCrl(records: readonly LedgerRecord[]): CrlInfo | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const record = records[i]!;
    if (record.op !== "issue") return record.crl;
  }
  return undefined;
}

export function revocations(records: readonly LedgerRecord[]): Revocation[] {
  return records.flatMap((record) =>
    record.op === "revoke" ? [{ serial: record.serial, time: new Date(record.time), reason: record.reason }] : [],
  );
}

/** The certificate a revocation names, refused when it is the CA or already revoked. */
export function revocable(entries: readonly Entry[], serial: string): Entry {
  const entry = entries.find((candidate) => candidate.serial === serial);
  if (!entry) throw new NutcaError("NOT_FOUND", `no certificate numbered ${serial}`, "see nutca list");
  if (entry.kind === "ca") {
    throw new NutcaError("USAGE", "the CA cannot revoke itself", "stop trusting it: remove ca.crt.pem from every host");
  }
  if (entry.status === "revoked") {
    throw new NutcaError(
      "ALREADY_REVOKED",
      `"${entry.name}" (serial ${entry.serial}) is already revoked (${entry.revoked?.reason})`,
      "see nutca list",
    );
  }
  return entry;
}

/**
 * The nextUpdate of a new CRL. The default is the CA's own expiry (`never`
 * for a default CA): a CRL that lapses makes every client that checks it
 * refuse every certificate (easy-rsa's 180 days has done this to many sites),
 * and freshness comes from regenerating on each revocation, not from expiry.
 * A --next-update once given sticks: `policy` undefined means "as last time".
 */
export function resolveNextUpdate(
  policy: string | undefined,
  records: readonly LedgerRecord[],
  caNotAfter: Date,
  now: Date,
): { nextUpdate: Date; policy: string | undefined; reset?: string } {
  const chosen = policy ?? lastCrl(records)?.policy;
  if (chosen === undefined) return { nextUpdate: caNotAfter, policy: undefined };
  try {
    return { nextUpdate: parseNotAfter(chosen, now), policy: chosen };
  } catch (error) {
    if (policy !== undefined) throw error;
    return { nextUpdate: caNotAfter, policy: undefined, reset: chosen };
  }
}

export interface CrlChange {
  readonly issuer: Issuer;
  readonly now: Date;
  readonly caNotAfter: Date;
  /** --next-update as given; undefined keeps the last one. */
  readonly policy?: string | undefined;
  readonly revoke?: { readonly serial: string; readonly reason: RevocationReason };
}

export interface CrlResult {
  readonly record: RevokeRecord | CrlRecord;
  /** The sticky --next-update that no longer parses (a date now past), replaced by the default. */
  readonly reset?: string | undefined;
}

/** Revokes (optionally) and regenerates the CRL, all in one commit under the store lock. */
export async function commitCrl(store: CaStore, change: CrlChange): Promise<CrlResult> {
  let reset: string | undefined;
  const record = await store.commitRecord(change.revoke ? "nutca revoke" : "nutca crl", async (records) => {
    const time = wholeSeconds(change.now).toISOString();
    if (change.revoke) revocable(foldEntries(records, change.now), change.revoke.serial);
    const revoked = revocations(records);
    if (change.revoke)
      revoked.push({ serial: change.revoke.serial, time: new Date(time), reason: change.revoke.reason });
    const next = resolveNextUpdate(change.policy, records, change.caNotAfter, change.now);
    reset = next.reset;
    const number = (lastCrl(records)?.number ?? 0) + 1;
    const crl = await createCrl({ number, now: change.now, nextUpdate: next.nextUpdate, revoked }, change.issuer);
    const info: CrlInfo = {
      number,
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: (crl.nextUpdate ?? next.nextUpdate).toISOString(),
      ...(next.policy === undefined ? {} : { policy: next.policy }),
    };
    const built: RevokeRecord | CrlRecord = change.revoke
      ? { op: "revoke", time, serial: change.revoke.serial, reason: change.revoke.reason, crl: info }
      : { op: "crl", time, crl: info };
    const files = [
      { path: storePaths.crlPem, data: crlToPem(crl) },
      { path: storePaths.crlDer, data: new Uint8Array(crl.rawData) },
    ];
    return { record: built, files };
  });
  return { record, reset };
}
