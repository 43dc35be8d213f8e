/**
 * The certificate and key files of an export: each chain leaf first and in
 * order, complete up to this store's CA; each key beside the certificate it
 * belongs to; keys not world-readable; OpenSSL hashed names right.
 */
import { statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isCa, issuedBy, orderBreak, sameCertificate, verifyChain } from "../pki/chain.js";
import { certificateKeyFacts, keyFacts } from "../pki/describe.js";
import { lintCertificate } from "../pki/lint.js";
import type { PkiObject } from "../pki/objects.js";
import { subjectHash } from "../pki/subject-hash.js";
import type { x509 } from "../pki/x509.js";
import { modeText } from "./store-files.js";
import type { CheckBuilder } from "./types.js";

/** What one file of the bundle holds. */
export interface BundleFileInfo {
  readonly path: string;
  readonly rel: string;
  readonly certificates: x509.X509Certificate[];
  /** SHA-256 of the public key of each unencrypted private key. */
  readonly keys: string[];
  readonly encryptedKeys: number;
  readonly crls: { crl: x509.X509Crl; label?: string }[];
}

export function fileInfo(path: string, rel: string, objects: readonly PkiObject[]): BundleFileInfo {
  const info: BundleFileInfo = { path, rel, certificates: [], keys: [], encryptedKeys: 0, crls: [] };
  let encrypted = 0;
  for (const object of objects) {
    if (object.kind === "certificate") info.certificates.push(object.certificate);
    if (object.kind === "private-key") info.keys.push(keyFacts(object.key).spkiSha256);
    if (object.kind === "encrypted-key") encrypted++;
    if (object.kind === "crl") info.crls.push({ crl: object.crl, ...(object.label ? { label: object.label } : {}) });
  }
  return { ...info, encryptedKeys: encrypted };
}

const spki = (certificate: x509.X509Certificate) => certificateKeyFacts(certificate).spkiSha256;

export function checkChainFile(
  info: BundleFileInfo,
  anchors: readonly x509.X509Certificate[],
  now: Date,
  check: CheckBuilder,
  intermediates: readonly x509.X509Certificate[] = [],
): void {
  const certs = info.certificates;
  if (certs.length === 0) return;
  const leafIndex = certs.findIndex((certificate) => !isCa(certificate));
  if (leafIndex < 0) {
    // A chain file of the store's intermediates (pem's chain.pem) is not a trust bundle.
    const chainOnly = certs.every((certificate) => intermediates.some((known) => sameCertificate(known, certificate)));
    if (!chainOnly) caBundle(info, anchors, check);
    return;
  }
  const leaf = certs[leafIndex]!;
  if (leafIndex > 0) {
    check.add(
      "error",
      "leaf-not-first",
      `${info.rel}: the leaf "${leaf.subject}" is certificate ${leafIndex + 1}, after a CA certificate: ` +
        "OpenSSL (upsd CERTFILE, stunnel cert =) takes the first certificate as the server's own",
      "reorder it: leaf first, then each issuer (or export again)",
      info.path,
    );
  }
  const others = certs.filter((_, i) => i !== leafIndex);
  const trusted =
    anchors.length > 0 ? anchors : others.filter((certificate) => certificate.subject === certificate.issuer);
  // A bare certificate file (no key, no chain: pem's <name>.crt.pem) is completed from the store's intermediates.
  const bare = others.length === 0 && info.keys.length === 0 && info.encryptedKeys === 0;
  const chain = verifyChain(leaf, bare ? intermediates : others, trusted, now);
  const missing = chain.findings.find((finding) => finding.code === "missing-issuer");
  const foreign = chain.findings.find((finding) => finding.code === "untrusted-root");
  if (missing && trusted.length > 0) {
    const last = chain.path[chain.path.length - 1]!;
    check.add(
      "error",
      "chain-incomplete",
      `${info.rel}: the chain stops at "${last.subject}": the certificate of its issuer "${last.issuer}" is missing`,
      "add the intermediate certificate after the leaf, or export again (every intermediate is included)",
      info.path,
    );
  } else if (foreign && anchors.length > 0) {
    check.add(
      "error",
      "foreign-ca",
      `${info.rel}: "${leaf.subject}" is not issued by this store's CA`,
      "export it again from this store",
      info.path,
    );
  } else if (leafIndex === 0 && orderBreak(certs) >= 0) {
    const at = orderBreak(certs);
    check.add(
      "error",
      "chain-order",
      `${info.rel}: certificate ${at + 1} ("${certs[at]!.subject}") is not signed by certificate ${at + 2} ("${certs[at + 1]!.subject}")`,
      "put the certificates in order: leaf, then the CA that signed it, then that CA's issuer (or export again)",
      info.path,
    );
  }
  if (info.keys.length > 0 && !info.keys.includes(spki(leaf))) {
    const other = certs.findIndex((certificate) => info.keys.includes(spki(certificate)));
    check.add(
      "error",
      "key-mismatch",
      other >= 0
        ? `${info.rel}: the key belongs to certificate ${other + 1}, not to the leaf "${leaf.subject}"`
        : `${info.rel}: the key is not the key of "${leaf.subject}"`,
      "export it again: a server with a mismatched key fails every handshake",
      info.path,
    );
  }
}

function caBundle(info: BundleFileInfo, anchors: readonly x509.X509Certificate[], check: CheckBuilder): void {
  if (anchors.length === 0) return;
  if (!info.certificates.some((certificate) => anchors.some((anchor) => sameCertificate(anchor, certificate)))) {
    const foreign = info.certificates.every((certificate) => !anchors.some((anchor) => issuedBy(certificate, anchor)));
    check.add(
      "error",
      foreign ? "foreign-ca" : "ca-bundle-without-root",
      foreign
        ? `${info.rel} holds CA certificates of another CA, not this store's`
        : `${info.rel} lacks this store's root CA certificate: clients must trust the root`,
      "export it again (nutca export ca)",
      info.path,
    );
  }
}

/** A key-only file finds its certificate by name (X.key.pem -> X.crt.pem, X.chain.pem ...) or by key. */
export function checkKeyFile(info: BundleFileInfo, all: readonly BundleFileInfo[], check: CheckBuilder): void {
  if (info.keys.length === 0 || info.certificates.length > 0) return;
  const base = basename(info.path).replace(/\.(key\.pem|key|pem)$/, "");
  const names = ["crt.pem", "chain.pem", "fullchain.pem", "cert.pem", "crt", "pem"].map((ext) =>
    join(dirname(info.path), `${base}.${ext}`),
  );
  const partner = all.find((other) => names.includes(other.path) && other.certificates.length > 0);
  const key = info.keys[0]!;
  if (partner) {
    const leaf = partner.certificates.find((certificate) => !isCa(certificate)) ?? partner.certificates[0]!;
    if (spki(leaf) !== key) {
      check.add(
        "error",
        "key-mismatch",
        `${info.rel} is not the key of ${partner.rel} ("${leaf.subject}")`,
        "export them again together: a mismatched key fails every handshake",
        info.path,
      );
    }
    return;
  }
  if (!all.some((other) => other.certificates.some((certificate) => spki(certificate) === key))) {
    check.add(
      "warning",
      "orphan-key",
      `${info.rel} is the key of no certificate in this bundle`,
      "export again, or remove it",
      info.path,
    );
  }
}

/** A private key must not be readable by every user; group-readable (root:nut 0640) is how NUT reads it. */
export function checkKeyMode(info: BundleFileInfo, check: CheckBuilder): void {
  if (info.keys.length + info.encryptedKeys === 0) return;
  const mode = statSync(info.path).mode;
  if (mode & 0o007) {
    check.add(
      "error",
      "key-world-readable",
      `${info.rel} holds a private key and has mode ${modeText(mode)}`,
      `chmod 0600 ${info.path} (0640 root:nut where a NUT daemon reads it)`,
      info.path,
    );
  }
}

const HASHED = /^([0-9a-f]{8})\.(r?)(\d+)$/;

export function isHashedName(name: string): boolean {
  return HASHED.test(name);
}

/** `<hash>.N`: one CA certificate whose subject hash is <hash>; `<hash>.rN`: a CRL of that issuer. */
export function checkHashedFile(info: BundleFileInfo, check: CheckBuilder): void {
  const [, hash, crl] = HASHED.exec(basename(info.path))!;
  const items = crl ? info.crls.map((item) => item.crl.issuerName) : info.certificates.map((item) => item.subjectName);
  if (items.length !== 1 || info.keys.length > 0) {
    check.add(
      "error",
      "hashed-not-single",
      `${info.rel} holds ${items.length} ${crl ? "CRLs" : "certificates"}${info.keys.length ? " and a key" : ""}: OpenSSL reads one object per hashed file`,
      "one certificate per file: export again, or split it and run openssl rehash on the directory",
      info.path,
    );
    if (items.length === 0) return;
  }
  const actual = subjectHash(new Uint8Array(items[0]!.toArrayBuffer()));
  if (actual !== hash) {
    check.add(
      "error",
      "hashed-name-wrong",
      `${info.rel} is named for hash ${hash}, but its ${crl ? "issuer" : "subject"} hashes to ${actual}: OpenSSL never finds it`,
      `mv ${info.path} ${join(dirname(info.path), `${actual}.${crl}0`)} (or openssl rehash ${dirname(info.path)})`,
      info.path,
    );
  }
  if (!crl && info.certificates[0] && !isCa(info.certificates[0])) {
    check.add(
      "warning",
      "hashed-not-ca",
      `${info.rel} is not a CA certificate`,
      "keep only CA certificates in a CApath",
      info.path,
    );
  }
}

/** Lints each distinct certificate once. */
export function lintOnce(files: readonly BundleFileInfo[], now: Date, check: CheckBuilder): void {
  const seen: x509.X509Certificate[] = [];
  for (const info of files) {
    for (const certificate of info.certificates) {
      if (seen.some((other) => sameCertificate(other, certificate))) continue;
      seen.push(certificate);
      const issuer = info.certificates.find(
        (candidate) => candidate !== certificate && issuedBy(certificate, candidate),
      );
      const findings = lintCertificate(certificate, { now, ...(issuer ? { issuer } : {}) });
      check.addAll(
        findings.map((finding) => ({
          ...finding,
          message: `${info.rel} ("${certificate.subject}"): ${finding.message}`,
        })),
        info.path,
      );
    }
  }
}
