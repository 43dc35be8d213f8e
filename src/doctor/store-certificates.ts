/**
 * The store checks of doctor that go entry by entry: each ledger entry's files
 * are where the ledger says, hold what it recorded, and are signed by the CA;
 * each key matches its certificate; no serial is used twice.
 */
import { createHash, createPrivateKey } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { storePaths } from "../store/layout.js";
import { issuedBy } from "../pki/chain.js";
import { certificateKeyFacts, keyFacts } from "../pki/describe.js";
import { x509 } from "../pki/x509.js";
import { TEMP_PREFIX } from "../store/durable.js";
import { findStaged } from "../store/staging.js";
import type { CaStore, Entry } from "../store/store.js";
import { CheckBuilder, type DoctorCheck } from "./types.js";

function sha256Hex(der: ArrayBuffer): string {
  return createHash("sha256").update(new Uint8Array(der)).digest("hex").toUpperCase();
}

function readCertificateIfValid(path: string): x509.X509Certificate | undefined {
  try {
    return new x509.X509Certificate(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

export function certificates(
  store: CaStore,
  entries: readonly Entry[],
  ca: x509.X509Certificate | undefined,
): DoctorCheck {
  const check = new CheckBuilder("store.certificates", "every ledger entry has its files, signed by the CA");
  const referenced = new Set<string>();
  for (const entry of entries) {
    const paths = entry.kind === "ca" ? [entry.files.cert] : [entry.files.cert, storePaths.serialCert(entry.serial)];
    for (const rel of new Set(paths)) {
      referenced.add(rel);
      const path = placed(store, entry, rel);
      if (!existsSync(path)) {
        check.add("error", "missing-file", `${rel} (${describe(entry)}) is missing`, restoreFix(entry), path);
        continue;
      }
      const certificate = readCertificateIfValid(path);
      if (!certificate) {
        check.add("error", "bad-certificate", `${rel} is not a certificate`, restoreFix(entry), path);
        continue;
      }
      if (sha256Hex(certificate.rawData) !== entry.sha256) {
        check.add(
          "error",
          "certificate-mismatch",
          `${rel} is not the certificate the ledger recorded for ${describe(entry)}`,
          `restore it from by-serial/ or a backup; nutca show ${entry.serial} prints what it must be`,
          path,
        );
      } else if (ca && entry.kind !== "ca" && !issuedBy(certificate, ca)) {
        check.add("error", "not-signed-by-ca", `${rel} is not signed by this store's CA`, restoreFix(entry), path);
      }
    }
    if (entry.files.key) {
      referenced.add(entry.files.key);
      if (entry.kind !== "ca") keyMatches(store, entry, check);
    }
  }
  for (const dir of [storePaths.issuedDir, storePaths.bySerialDir, storePaths.privateDir]) {
    const full = store.layout.resolve(dir);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full)) {
      const rel = `${dir}/${name}`;
      if (referenced.has(rel) || name.startsWith(TEMP_PREFIX)) continue;
      check.add(
        "warning",
        "stray-file",
        `${rel} is in no ledger record`,
        `move it out of the store (mv ${store.layout.resolve(rel)} <elsewhere>)`,
        store.layout.resolve(rel),
      );
    }
  }
  return check.done();
}

/**
 * Where a recorded file is: in place, or still in the staging directory of its
 * committed change after a crash (store.leftovers warns; the next change moves it).
 */
function placed(store: CaStore, entry: Entry, rel: string): string {
  const path = store.layout.resolve(rel);
  if (existsSync(path) || entry.kind === "ca") return path;
  return findStaged(store.layout, entry.serial, rel) ?? path;
}

function keyMatches(store: CaStore, entry: Entry, check: CheckBuilder): void {
  const path = placed(store, entry, entry.files.key!);
  if (!existsSync(path)) {
    check.add(
      "error",
      "missing-file",
      `${entry.files.key} (key of ${describe(entry)}) is missing`,
      restoreFix(entry),
      path,
    );
    return;
  }
  const certificate = readCertificateIfValid(placed(store, entry, storePaths.serialCert(entry.serial)));
  try {
    const key = keyFacts(createPrivateKey(readFileSync(path, "utf8")));
    if (certificate && key.spkiSha256 !== certificateKeyFacts(certificate).spkiSha256) {
      check.add(
        "error",
        "key-mismatch",
        `${entry.files.key} is not the key of ${describe(entry)}`,
        `restore it from a backup, or renew ${entry.name} with a new key (nutca renew ${entry.name} --rekey)`,
        path,
      );
    }
  } catch {
    check.add("error", "bad-key", `${entry.files.key} is not a readable key`, restoreFix(entry), path);
  }
}

function describe(entry: Entry): string {
  return entry.kind === "ca" ? "the CA" : `"${entry.name}", serial ${entry.serial}`;
}

function restoreFix(entry: Entry): string {
  return entry.kind === "ca"
    ? "restore it from a backup"
    : `restore it from a backup, or revoke and reissue ${entry.name} (nutca revoke ${entry.serial})`;
}

export function serials(entries: readonly Entry[]): DoctorCheck {
  const check = new CheckBuilder("store.serials", "serial numbers unique");
  const seen = new Map<string, Entry>();
  for (const entry of entries) {
    const first = seen.get(entry.serial);
    if (first) {
      check.add(
        "error",
        "duplicate-serial",
        `serial ${entry.serial} is used by both ${describe(first)} and "${entry.name}"`,
        `revoke and reissue "${entry.name}": verifiers treat the two certificates as one`,
      );
    } else seen.set(entry.serial, entry);
  }
  return check.done();
}
