/**
 * `nutca doctor` on a store: every ledger entry has its files and they are the
 * ones recorded, every certificate is signed by the CA, serials are unique,
 * the CA key opens with the passphrase, the CRL is current. Read-only.
 */
import { readFileSync, realpathSync } from "node:fs";
import { NutcaError } from "../errors.js";
import { isSelfSigned, issuedBy } from "../pki/chain.js";
import { importPrivateKey, isKeyOf } from "../pki/keys.js";
import { lintCertificate } from "../pki/lint.js";
import { decryptPkcs8, isEncryptedPem } from "../pki/pkcs8.js";
import { x509 } from "../pki/x509.js";
import { readCaCertificate, readCertificate } from "../store/certificates.js";
import { foldEntries } from "../store/entries.js";
import { CaStore, type StoreMeta } from "../store/store.js";
import { certificates, serials } from "./store-certificates.js";
import { crlCheck } from "./store-crl.js";
import { storeFileChecks } from "./store-files.js";
import { scanLedger } from "./ledger-scan.js";
import { staleTempCheck } from "./stale-temp.js";
import { CheckBuilder, type DoctorCheck } from "./types.js";

export interface StoreDoctorOptions {
  readonly now: Date;
  /** The CA passphrase, asked for only when the key is encrypted; undefined when none can be had. */
  readonly passphrase: () => Promise<string | undefined>;
}

export interface StoreDoctorResult {
  readonly checks: DoctorCheck[];
  /** The trust anchor for the export checks, when it could be read: the CA, or the root above an intermediate. */
  readonly ca?: x509.X509Certificate;
  /** The intermediate (ca.crt.pem) of a store made with init --intermediate, between `ca` and the leaves. */
  readonly intermediates?: x509.X509Certificate[];
}

export async function doctorStore(given: CaStore, options: StoreDoctorOptions): Promise<StoreDoctorResult> {
  // A store reached through a symbolic link (--store /etc/nutca -> /srv/ca) is the directory the link names;
  // links inside the store are still findings of store.modes.
  const store = new CaStore(realpathSync(given.root));
  const meta = new CheckBuilder("store.meta", "store settings readable, format supported");
  let settings: StoreMeta | undefined;
  try {
    settings = store.readMeta();
  } catch (error) {
    if (!(error instanceof NutcaError)) throw error;
    meta.add("error", error.code.toLowerCase().replace(/_/g, "-"), error.message, error.hint ?? "", store.layout.meta);
  }
  const ledger = scanLedger(store.layout.ledger);
  const caCheck = new CheckBuilder("store.ca", "CA certificate sound and recorded");
  let ca: x509.X509Certificate | undefined;
  try {
    const read = readCaCertificate(store);
    const findings = lintCertificate(read, { now: options.now });
    caCheck.addAll(findings, store.layout.caCert);
    // A CA whose parts cannot be read (the "unreadable" finding) anchors no other check.
    if (!findings.some((finding) => finding.code === "unreadable")) ca = read;
    if (ca && settings?.ca.intermediate !== true && !isSelfSigned(ca)) {
      caCheck.add(
        "error",
        "ca-not-self-signed",
        "ca.crt.pem is not a self-signed CA",
        "restore it",
        store.layout.caCert,
      );
    }
  } catch (error) {
    if (!(error instanceof NutcaError)) throw error;
    caCheck.add("error", "ca-unreadable", error.message, error.hint ?? "restore it from a backup", store.layout.caCert);
  }
  const anchor = settings?.ca.intermediate === true ? checkRoot(store, ca, caCheck, options.now) : ca;
  const entries = foldEntries(ledger.records, options.now);
  const checks = [meta.done(), ledger.check.done()];
  checks.push(caCheck.done(), certificates(store, entries, ca), serials(entries));
  checks.push(await caKey(store, settings, ca, anchor === ca ? undefined : anchor, options));
  checks.push(await crlCheck(store, ledger.records, ca, options.now));
  checks.push(...storeFileChecks(store, ledger.records), staleTempCheck());
  const intermediates = anchor && ca && anchor !== ca ? { intermediates: [ca] } : {};
  return { checks, ...(anchor ? { ca: anchor } : {}), ...intermediates };
}

/** A store made with init --intermediate: root.crt.pem is a self-signed CA that signed ca.crt.pem. */
function checkRoot(
  store: CaStore,
  ca: x509.X509Certificate | undefined,
  check: CheckBuilder,
  now: Date,
): x509.X509Certificate | undefined {
  let root: x509.X509Certificate;
  try {
    root = readCertificate(store, store.layout.rootCert);
  } catch (error) {
    if (!(error instanceof NutcaError)) throw error;
    check.add(
      "error",
      "root-unreadable",
      error.message,
      error.hint ?? "restore it from a backup",
      store.layout.rootCert,
    );
    return undefined;
  }
  const findings = lintCertificate(root, { now });
  check.addAll(findings, store.layout.rootCert);
  if (findings.some((finding) => finding.code === "unreadable")) return undefined;
  if (!isSelfSigned(root)) {
    check.add(
      "error",
      "root-not-self-signed",
      "root.crt.pem is not a self-signed CA",
      "restore it",
      store.layout.rootCert,
    );
  }
  if (ca && !issuedBy(ca, root)) {
    check.add(
      "error",
      "ca-not-signed-by-root",
      "ca.crt.pem (the intermediate) is not signed by root.crt.pem",
      "restore both from a backup",
      store.layout.caCert,
    );
  }
  return root;
}

async function caKey(
  store: CaStore,
  meta: StoreMeta | undefined,
  ca: x509.X509Certificate | undefined,
  root: x509.X509Certificate | undefined,
  options: StoreDoctorOptions,
): Promise<DoctorCheck> {
  const check = new CheckBuilder("store.ca-key", "CA key opens and matches the CA certificate");
  const path = store.layout.caKey;
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch {
    check.add("error", "missing-file", "the CA key cannot be read", "restore private/ca.key.pem from a backup", path);
    return check.done();
  }
  const encrypted = isEncryptedPem(pem);
  if (meta?.ca.encrypted && !encrypted) {
    check.add(
      "warning",
      "ca-key-unencrypted",
      "the CA key is stored unencrypted, although the store was made with a passphrase",
      "encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter 600000 (then replace the file)",
      path,
    );
  } else if (!encrypted) {
    check.add("info", "ca-key-plain", "the CA key is not encrypted (made with --no-passphrase)", "", path);
  }
  const passphrase = encrypted ? await options.passphrase() : undefined;
  if (encrypted && passphrase === undefined) {
    check.add(
      "info",
      "skipped",
      "skipped: the CA key is encrypted and no passphrase was given",
      "pass --passphrase-file FILE or set NUTCA_PASSPHRASE to check it",
      path,
    );
    return check.done();
  }
  try {
    const pkcs8 = decryptPkcs8(pem, passphrase);
    const key = await importPrivateKey(pkcs8);
    if (ca && !(await isKeyOf(key, ca))) {
      check.add(
        "error",
        "ca-key-mismatch",
        "the CA key is not the key of ca.crt.pem",
        "restore both from a backup",
        path,
      );
    }
    if (meta?.ca.intermediate === true && root && !(await rootKeyMatches(store, root, passphrase))) {
      check.add(
        "error",
        "root-key-mismatch",
        "the root key is not the key of root.crt.pem",
        "restore both from a backup",
        store.layout.rootKey,
      );
    }
  } catch (error) {
    if (!(error instanceof NutcaError)) throw error;
    const wrong = error.code === "BAD_PASSPHRASE";
    check.add(
      "error",
      wrong ? "ca-key-passphrase" : "ca-key-unreadable",
      wrong ? "the CA key does not decrypt with the given passphrase" : error.message,
      wrong
        ? "check the passphrase (file or NUTCA_PASSPHRASE); without the right one this CA can sign nothing more"
        : "restore private/ca.key.pem from a backup",
      path,
    );
  }
  return check.done();
}

/** False only when root.key.pem is here, opens with the passphrase, and is not root.crt.pem's key. */
async function rootKeyMatches(store: CaStore, root: x509.X509Certificate, passphrase: string | undefined) {
  let key: CryptoKey;
  try {
    // The root key may live offline, or under a passphrase of its own: then there is nothing to compare.
    key = await importPrivateKey(decryptPkcs8(readFileSync(store.layout.rootKey, "utf8"), passphrase, "the root key"));
  } catch {
    return true;
  }
  return isKeyOf(key, root);
}
