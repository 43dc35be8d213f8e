/**
 * The store's CRL: present once anything was revoked, signed by the CA, the
 * newest the ledger numbered, listing every revocation, and far from its
 * nextUpdate (a lapsed CRL locks out every client that checks it).
 */
import { existsSync, readFileSync } from "node:fs";
import { crlNumberOf } from "../pki/crl.js";
import { lintCrl } from "../pki/lint-other.js";
import { decodeObjects } from "../pki/objects.js";
import type { x509 } from "../pki/x509.js";
import { lastCrl, revocations } from "../store/crl.js";
import { storePaths } from "../store/layout.js";
import type { LedgerRecord } from "../store/ledger.js";
import type { CaStore } from "../store/store.js";
import { CheckBuilder, type DoctorCheck } from "./types.js";

const REGENERATE = "regenerate it: nutca crl";

export async function crlCheck(
  store: CaStore,
  records: readonly LedgerRecord[],
  ca: x509.X509Certificate | undefined,
  now: Date,
): Promise<DoctorCheck> {
  const check = new CheckBuilder("store.crl", "CRL current, signed by the CA, not near its nextUpdate");
  const path = store.layout.crlPem;
  const recorded = lastCrl(records);
  if (!existsSync(path)) {
    if (recorded) {
      check.add("error", "crl-missing", `the CRL (number ${recorded.number}) is missing`, REGENERATE, path);
    }
    return check.done();
  }
  const objects = decodeObjects(readFileSync(path));
  const found = objects.find((object) => object.kind === "crl");
  if (!found || found.kind !== "crl") {
    check.add("error", "crl-unreadable", `${storePaths.crlPem} is not a CRL`, REGENERATE, path);
    return check.done();
  }
  const crl = found.crl;
  check.addAll(lintCrl(crl, { now, ...(found.label ? { label: found.label } : {}) }), path);
  if (ca) {
    let signed = false;
    try {
      signed = await crl.verify({ publicKey: ca });
    } catch {
      signed = false;
    }
    if (!signed)
      check.add("error", "crl-not-signed-by-ca", "the CRL is not signed by this store's CA", REGENERATE, path);
  }
  const number = crlNumberOf(crl);
  if (recorded && number !== recorded.number) {
    check.add(
      "warning",
      "crl-stale",
      `the CRL has number ${number ?? "none"}, the ledger's newest is ${recorded.number}`,
      REGENERATE,
      path,
    );
  }
  const listed = new Set(crl.entries.map((entry) => entry.serialNumber.toUpperCase()));
  for (const revocation of revocations(records)) {
    if (!listed.has(revocation.serial)) {
      check.add(
        "error",
        "crl-missing-revocation",
        `serial ${revocation.serial} is revoked in the ledger but not listed in the CRL`,
        REGENERATE,
        path,
      );
    }
  }
  if (existsSync(store.layout.crlDer) && !readFileSync(store.layout.crlDer).equals(Buffer.from(crl.rawData))) {
    check.add(
      "warning",
      "crl-der-differs",
      `${storePaths.crlDer} is not the same CRL as ${storePaths.crlPem}`,
      REGENERATE,
      store.layout.crlDer,
    );
  }
  return check.done();
}
