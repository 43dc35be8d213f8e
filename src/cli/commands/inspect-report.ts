/**
 * The report behind `nutca inspect`: one item per object in the file, each
 * with its facts, its relation to this store's CA, and its lint findings; and
 * file-level findings (chain order, a key that fits no certificate).
 */
import type { KeyObject } from "node:crypto";
import { issuedBy, isCa, orderBreak, sameCertificate } from "../../pki/chain.js";
import { REVOCATION_REASONS } from "../../pki/revocation-reasons.js";
import {
  certificateFacts,
  certificateKeyFacts,
  keyFacts,
  sanEntries,
  type CertificateFacts,
} from "../../pki/describe.js";
import { NutcaError } from "../../errors.js";
import { BROKEN_CERTFILE } from "../../nut/directives.js";
import { firstLine, unreadableFinding, type Finding } from "../../pki/findings.js";
import { lintCertificate } from "../../pki/lint.js";
import { lintCrl, lintCsr, lintKey } from "../../pki/lint-other.js";
import type { PkiObject } from "../../pki/objects.js";
import { crlNumberOf } from "../../pki/crl.js";
import { describeNotAfter } from "../../pki/validity.js";
import type { x509 } from "../../pki/x509.js";
import type { Entry } from "../../store/store.js";

/** What inspect knows about the store: its CA and ledger, when there is one. */
export interface StoreView {
  readonly root: string;
  readonly ca?: x509.X509Certificate;
  /** The root above `ca` in a store made with init --intermediate. */
  readonly rootCa?: x509.X509Certificate;
  readonly entries: readonly Entry[];
  /** Public-key hashes of the store's current certificates, to name the owner of a key. */
  readonly keyOwners: ReadonlyMap<string, string>;
}

export type InspectItem =
  | { type: "certificate"; facts: CertificateFacts; store: string; friendlyName?: string; findings: Finding[] }
  | { type: "csr"; subject: string; key: string; dns: string[]; ip: string[]; findings: Finding[] }
  | {
      type: "crl";
      issuer: string;
      thisUpdate: string;
      nextUpdate: string;
      number?: number;
      revoked: { serial: string; date: string; reason: string; name?: string }[];
      store: string;
      findings: Finding[];
    }
  | {
      type: "private-key";
      key: string;
      publicKeySha256: string;
      matches: string;
      friendlyName?: string;
      findings: Finding[];
    }
  | { type: "encrypted-key"; protection: string; findings: Finding[] }
  | { type: "public-key"; key: string; publicKeySha256: string; matches: string; findings: Finding[] }
  | { type: "unknown"; label: string; reason: string; findings: Finding[] };

export interface Labelled<T> {
  readonly object: T;
  readonly friendlyName?: string;
}

export async function inspectItems(
  objects: readonly Labelled<PkiObject>[],
  view: StoreView | undefined,
  now: Date,
): Promise<{ items: InspectItem[]; findings: Finding[] }> {
  // Only certificates whose parts can be read are matched against the file's other objects.
  const certificates = objects.flatMap(({ object }) =>
    object.kind === "certificate" && readable(object.certificate) ? [object.certificate] : [],
  );
  const issuerOf = issuerIndex(certificates);
  const items: InspectItem[] = [];
  for (const { object, friendlyName } of objects) {
    try {
      const item = await inspectItem(object, friendlyName, { certificates, issuerOf }, view, now);
      if (item) items.push(item);
    } catch (error) {
      if (error instanceof NutcaError) throw error;
      items.push(unreadableItem(object, error));
    }
  }
  return {
    items,
    findings: fileFindings(
      objects.map(({ object }) => object),
      certificates,
    ),
  };
}

/**
 * The issuer of each certificate among the file's others, looked up by name: only
 * certificates whose subject is its issuer name are checked for the signature,
 * so a bundle of hundreds of roots is not checked pair by pair.
 */
function issuerIndex(
  certificates: readonly x509.X509Certificate[],
): (certificate: x509.X509Certificate) => x509.X509Certificate | undefined {
  const bySubject = new Map<string, x509.X509Certificate[]>();
  for (const certificate of certificates) {
    const same = bySubject.get(certificate.subject);
    if (same) same.push(certificate);
    else bySubject.set(certificate.subject, [certificate]);
  }
  return (certificate) =>
    bySubject.get(certificate.issuer)?.find((other) => other !== certificate && issuedBy(certificate, other));
}

/**
 * @peculiar/x509 accepts a certificate, request or CRL whose extensions, key or
 * fields are damaged and fails only when they are read: such an object is one
 * "unknown" item saying so, like a PEM block that cannot be parsed at all.
 */
function unreadableItem(object: PkiObject, error: unknown): InspectItem {
  const label = ("label" in object ? object.label : undefined) ?? `${object.kind} (DER)`;
  const what = object.kind === "csr" ? "the request" : object.kind === "crl" ? "the CRL" : `the ${object.kind}`;
  return {
    type: "unknown",
    label,
    reason: `cannot be read (${firstLine(error)})`,
    findings: [unreadableFinding(what, error)],
  };
}

function readable(certificate: x509.X509Certificate): boolean {
  try {
    certificateFacts(certificate);
    return true;
  } catch {
    return false;
  }
}

/** The item for one object (none for the PKCS#12 container, whose contents are listed instead). */
async function inspectItem(
  object: PkiObject,
  friendlyName: string | undefined,
  file: {
    readonly certificates: readonly x509.X509Certificate[];
    readonly issuerOf: (certificate: x509.X509Certificate) => x509.X509Certificate | undefined;
  },
  view: StoreView | undefined,
  now: Date,
): Promise<InspectItem | undefined> {
  const named = friendlyName === undefined ? {} : { friendlyName };
  switch (object.kind) {
    case "certificate": {
      const issuer = file.issuerOf(object.certificate) ?? view?.ca;
      const findings = lintCertificate(object.certificate, { now, ...(issuer ? { issuer } : {}) });
      const store = relation(object.certificate, view, findings);
      return { type: "certificate", facts: certificateFacts(object.certificate), store, ...named, findings };
    }
    case "csr":
      return csrItem(object.csr);
    case "crl":
      return crlItem(object.crl, object.label, view, now);
    case "private-key":
    case "public-key": {
      const facts = keyFacts(object.key);
      const matches = keyOwner(object.key, file.certificates, view);
      const findings = object.kind === "private-key" ? lintKey(object.key) : [];
      return {
        type: object.kind,
        key: facts.description,
        publicKeySha256: facts.spkiSha256,
        matches,
        ...named,
        findings,
      };
    }
    case "encrypted-key":
      return { type: "encrypted-key", protection: object.protection, findings: [] };
    case "unknown":
      return { type: "unknown", label: object.label, reason: object.reason, findings: [] };
    case "pkcs12":
      return undefined;
  }
}

function relation(certificate: x509.X509Certificate, view: StoreView | undefined, findings: Finding[]): string {
  if (!view?.ca) return "no store to compare with";
  if (sameCertificate(certificate, view.ca)) return "this is the store's CA";
  if (view.rootCa && sameCertificate(certificate, view.rootCa)) return "this is the store's root CA";
  if (!issuedBy(certificate, view.ca)) return "NOT issued by this store's CA";
  const sha256 = certificateFacts(certificate).sha256.replace(/:/g, "");
  const entry = view.entries.find((candidate) => candidate.sha256 === sha256);
  if (!entry) return "issued by this store's CA (not in its ledger)";
  if (entry.status === "revoked") {
    findings.push({
      severity: "error",
      code: "revoked",
      message: `revoked on ${entry.revoked?.time ?? "?"} (${entry.revoked?.reason ?? "unspecified"})`,
      fix: `install its replacement (nutca list shows the current certificate of ${entry.name})`,
    });
  }
  return `issued by this store's CA: "${entry.name}" (${entry.kind}, ${entry.status}${entry.renewedBy ? ", renewed" : ""})`;
}

function keyOwner(key: KeyObject, certificates: readonly x509.X509Certificate[], view: StoreView | undefined): string {
  const hash = keyFacts(key).spkiSha256;
  const index = certificates.findIndex((certificate) => certificateKeyFacts(certificate).spkiSha256 === hash);
  if (index >= 0) return `the key of certificate ${index + 1} in this file ("${certificates[index]!.subject}")`;
  const owner = view?.keyOwners.get(hash);
  if (owner) return `the key of "${owner}" in the store`;
  if (view?.ca && readable(view.ca) && certificateKeyFacts(view.ca).spkiSha256 === hash) {
    return "the key of the store's CA";
  }
  if (view?.rootCa && readable(view.rootCa) && certificateKeyFacts(view.rootCa).spkiSha256 === hash) {
    return "the key of the store's root CA";
  }
  return "no certificate in this file or the store";
}

async function csrItem(csr: x509.Pkcs10CertificateRequest): Promise<InspectItem> {
  const { createPublicKey } = await import("node:crypto");
  const key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: "der", type: "spki" });
  const sans = sanEntries(csr.extensions) ?? { dns: [], ip: [], other: [] };
  return {
    type: "csr",
    subject: csr.subject,
    key: keyFacts(key).description,
    dns: sans.dns,
    ip: sans.ip,
    findings: await lintCsr(csr, key),
  };
}

const REASON_NAMES = new Map<number, string>(Object.entries(REVOCATION_REASONS).map(([name, code]) => [code, name]));

async function crlItem(
  crl: x509.X509Crl,
  label: string | undefined,
  view: StoreView | undefined,
  now: Date,
): Promise<InspectItem> {
  const findings = lintCrl(crl, { now, ...(label ? { label } : {}) });
  let store = "no store to compare with";
  if (view?.ca) {
    let signed = false;
    try {
      signed = await crl.verify({ publicKey: view.ca });
    } catch {
      signed = false;
    }
    store = signed ? "signed by this store's CA" : "NOT signed by this store's CA";
  }
  const revoked = crl.entries.map((entry) => {
    const serial = entry.serialNumber.toUpperCase();
    const name = view?.entries.find((candidate) => candidate.serial === serial)?.name;
    const reason =
      entry.reason === undefined ? "unspecified" : (REASON_NAMES.get(entry.reason) ?? String(entry.reason));
    return { serial, date: entry.revocationDate.toISOString(), reason, ...(name ? { name } : {}) };
  });
  const number = crlNumberOf(crl);
  return {
    type: "crl",
    issuer: crl.issuer,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate ? describeNotAfter(crl.nextUpdate) : "none",
    ...(number === undefined ? {} : { number }),
    revoked,
    store,
    findings,
  };
}

function fileFindings(objects: readonly PkiObject[], certificates: readonly x509.X509Certificate[]): Finding[] {
  const findings: Finding[] = [];
  const leafIndex = certificates.findIndex((certificate) => !isCa(certificate));
  if (certificates.length > 1 && leafIndex > 0) {
    findings.push({
      severity: "warning",
      code: "leaf-not-first",
      message: `the leaf is certificate ${leafIndex + 1}: OpenSSL (upsd CERTFILE, stunnel cert =) takes the first as the server's own; ${BROKEN_CERTFILE}`,
      fix: "put the leaf first, then each issuer",
    });
  } else if (certificates.length > 1 && leafIndex === 0 && orderBreak(certificates) >= 0) {
    const at = orderBreak(certificates);
    findings.push({
      severity: "warning",
      code: "chain-order",
      message: `certificate ${at + 1} is not signed by certificate ${at + 2}: the chain is out of order or incomplete`,
      fix: "order it leaf, issuer, issuer's issuer; include every intermediate",
    });
  }
  if (certificates.length > 0 && objects.some((object) => object.kind === "encrypted-key")) {
    findings.push({
      severity: "info",
      code: "encrypted-key",
      message:
        "the key is encrypted: NUT 2.8.5 and older cannot read it (an OpenSSL upsd exits); NUT 2.8.6 reads it with CERTIDENT",
      fix: 'give NUT 2.8.6 CERTIDENT "<a name of the leaf>" "<password>" (nutca export upsd --encrypt-key writes it)',
    });
  }
  const keys = objects.flatMap((object) => (object.kind === "private-key" ? [keyFacts(object.key).spkiSha256] : []));
  if (keys.length > 0 && certificates.length > 0) {
    const leaf = certificates[leafIndex >= 0 ? leafIndex : 0]!;
    if (!keys.includes(certificateKeyFacts(leaf).spkiSha256)) {
      findings.push({
        severity: "error",
        code: "key-mismatch",
        message: `the private key in this file is not the key of "${leaf.subject}"; ${BROKEN_CERTFILE}`,
        fix: "pair the certificate with its own key (nutca export writes them together)",
      });
    }
  }
  return findings;
}
