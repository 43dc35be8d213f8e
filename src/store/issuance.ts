/**
 * The one issuing pipeline of issue, issue --from, sign and renew:
 * planLeaf (the name, names and expiry checked against the CA: every input
 * error is thrown here, before a passphrase is asked for), signLeaf (the key,
 * the certificate, its ledger record and file list; writes nothing), then
 * CaStore.commitIssuance / commitIssuances. It lives in the store layer
 * because what it checks and writes is the store's: the names a leaf may not
 * take are the CA's own files, the file list is the store's layout, and the
 * defaults come from nutca-store.json; the commands only gather the inputs.
 */
import { NutcaError } from "../errors.js";
import { generateLeafKey, type KeyType } from "../pki/keys.js";
import { createLeafCertificate, type LeafCertificate, type LeafKind } from "../pki/leaf-certificate.js";
import { assertPermitted, constrainedNames, permittedOf, type Permitted } from "../pki/name-constraints.js";
import { checkCommonName, checkNameCount, parseDnsName, parseEntryName, parseIpAddress } from "../pki/names.js";
import type { Issuer } from "../pki/profiles.js";
import { randomSerial } from "../pki/serial.js";
import { assertNotAfterWithin, parseNotAfter } from "../pki/validity.js";
import type { x509 } from "../pki/x509.js";
import { storePaths } from "./layout.js";
import type { IssueRecord } from "./ledger.js";
import { issueRecord } from "./record.js";
import { readCa } from "./signer.js";
import type { CaStore, Entry, StoreFile, StoreMeta } from "./store.js";

/** What a leaf is checked against: read once per command, shared by every leaf of a batch. */
export interface IssueSetting {
  readonly meta: StoreMeta;
  readonly ca: x509.X509Certificate;
  /** The CA's name constraints, read once. */
  readonly permitted: Permitted;
  readonly now: Date;
}

export function issueSetting(store: CaStore, now: Date): IssueSetting {
  const meta = store.readMeta();
  const ca = readCa(store);
  return { meta, ca, permitted: permittedOf(ca), now };
}

/** Where the certificate's key comes from. */
export type LeafKey =
  /** A new key pair, made here and kept in private/ (issue, renew --rekey). */
  | { readonly generate: KeyType }
  /** A key that exists: the host's own (sign: the store holds none) or the one the store holds already (renew). */
  | { readonly publicKey: Uint8Array<ArrayBuffer>; readonly keyType: KeyType; readonly inStore: boolean };

/** A leaf as a command asks for it; planLeaf checks every part. */
export interface LeafInput {
  readonly kind: LeafKind;
  readonly name: string;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  /** The subject to keep (renew); otherwise CN is the first DNS name (or the name) and O the CA's. */
  readonly subject?: { readonly commonName: string; readonly organization: string | undefined };
  /** `--not-after` as given, the expiry worked out by the caller (renew), or undefined for the store's default. */
  readonly notAfter: string | Date | undefined;
  readonly key: LeafKey;
}

/** A leaf checked against the store's CA and ready to sign. */
export interface LeafPlan {
  readonly kind: LeafKind;
  readonly name: string;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly commonName: string;
  readonly organization: string | undefined;
  readonly notAfter: Date;
  readonly key: LeafKey;
}

/** Validates a leaf's name, names and expiry against the CA (the pure half of an issuance). */
export function planLeaf(input: LeafInput, setting: IssueSetting): LeafPlan {
  const { meta, ca } = setting;
  const name = leafName(input.name, meta);
  let dns = unique(input.dns.map(parseDnsName));
  const ip = unique(input.ip.map(parseIpAddress));
  checkNameCount(dns.length + ip.length);
  if (input.kind === "server" && dns.length === 0 && ip.length === 0) dns = [defaultServerDnsName(name)];
  const commonName = input.subject?.commonName ?? checkCommonName(dns[0] ?? name);
  const organization = input.subject ? input.subject.organization : meta.ca.organization;
  const notAfter =
    input.notAfter instanceof Date ? within(input.notAfter, ca.notAfter) : leafNotAfter(input.notAfter, setting);
  assertPermitted(constrainedNames({ dns, ip, commonName }), setting.permitted);
  return { kind: input.kind, name, dns, ip, commonName, organization, notAfter, key: input.key };
}

/**
 * The store's rules for the name of a leaf, in one place: a valid entry name
 * that is not one of the CA's own (ca.crt.pem and private/ca.key.pem; in an
 * intermediate store also root.crt.pem and private/root.key.pem).
 */
function leafName(raw: string, meta: StoreMeta): string {
  const name = parseEntryName(raw);
  if (name === "ca") throw new NutcaError("BAD_NAME", `"ca" is the CA's own name`, "choose another name");
  if (name === "root" && meta.ca.intermediate === true) {
    throw new NutcaError("BAD_NAME", `"root" is the root CA's name in this store`, "choose another name");
  }
  return name;
}

/** A signed leaf: its ledger record and the files that commit with it. */
export interface SignedLeaf {
  readonly record: IssueRecord;
  readonly files: readonly StoreFile[];
}

/** The certificate a renewal replaces, and (renew --rekey) the key it keeps beside the new one. */
export interface Renewed {
  readonly serial: string;
  readonly oldKeyPem?: string;
}

/** Makes the key pair (if new) and the certificate, its record and its files (the signing half); writes nothing. */
export async function signLeaf(
  plan: LeafPlan,
  signer: Issuer,
  setting: IssueSetting,
  renews?: Renewed,
): Promise<SignedLeaf> {
  const { name } = plan;
  const key = await resolveKey(plan.key);
  const certificate = await buildCertificate(plan, key.publicKey, key.keyType, signer, setting);
  const recordFiles = {
    cert: storePaths.issuedCert(name),
    ...(key.inStore ? { key: storePaths.privateKey(name) } : {}),
  };
  // The old key is kept beside the new one: the old certificate stays valid until it expires or is revoked.
  const archived =
    renews?.oldKeyPem === undefined
      ? undefined
      : { path: storePaths.archivedKey(name, renews.serial), data: renews.oldKeyPem };
  const record: IssueRecord = {
    ...issueRecord({ certificate, name, kind: plan.kind, keyType: key.keyType, files: recordFiles, now: setting.now }),
    ...(renews ? { renews: { serial: renews.serial, ...(archived ? { key: archived.path } : {}) } } : {}),
  };
  const certPem = certificate.pem + "\n";
  const files: StoreFile[] = [
    { path: storePaths.serialCert(record.serial), data: certPem },
    { path: recordFiles.cert, data: certPem },
  ];
  if (archived) files.push(archived);
  if (key.pkcs8Pem !== undefined) files.push({ path: storePaths.privateKey(name), data: key.pkcs8Pem });
  return { record, files };
}

/** The key's public half and type; for a new key also its PKCS#8, which the store keeps. */
async function resolveKey(
  key: LeafKey,
): Promise<{ publicKey: Uint8Array<ArrayBuffer>; keyType: KeyType; inStore: boolean; pkcs8Pem?: string }> {
  if (!("generate" in key)) return key;
  const made = await generateLeafKey(key.generate);
  return { publicKey: made.spki, keyType: key.generate, inStore: true, pkcs8Pem: made.pkcs8Pem };
}

/** The one call of the leaf builder: every server and client certificate is made here. */
function buildCertificate(
  plan: LeafPlan,
  publicKey: Uint8Array<ArrayBuffer>,
  keyType: KeyType,
  signer: Issuer,
  setting: IssueSetting,
): Promise<LeafCertificate> {
  return createLeafCertificate(
    {
      kind: plan.kind,
      commonName: plan.commonName,
      organization: plan.organization,
      dns: plan.dns,
      ip: plan.ip,
      keyType,
      publicKey,
      notAfter: plan.notAfter,
      serial: randomSerial(),
      now: setting.now,
    },
    signer,
  );
}

/** A server named like a host gets that host as its DNS name; otherwise the names must be given. */
function defaultServerDnsName(name: string): string {
  try {
    return parseDnsName(name);
  } catch {
    throw new NutcaError(
      "USAGE",
      `a server certificate needs the names clients connect to`,
      "pass --dns <host> and/or --ip <address>",
    );
  }
}

/** A leaf's expiry: the one given (refused past the CA's), or the store's default capped at the CA's. */
export function leafNotAfter(given: string | undefined, setting: IssueSetting): Date {
  const { meta, ca, now } = setting;
  if (given !== undefined) return within(parseNotAfter(given, now), ca.notAfter);
  const notAfter = parseNotAfter(meta.defaults.leafNotAfter, now);
  return notAfter.getTime() > ca.notAfter.getTime() ? ca.notAfter : notAfter;
}

function within(notAfter: Date, caNotAfter: Date): Date {
  assertNotAfterWithin(notAfter, caNotAfter);
  return notAfter;
}

export function assertNameFree(name: string, entries: readonly Entry[]): void {
  const live = liveEntries(entries).get(name);
  if (live) {
    throw new NutcaError(
      "NAME_EXISTS",
      `"${name}" already has a valid certificate (serial ${live.serial})`,
      `renew it with nutca renew ${name}, or choose another name`,
    );
  }
}

/** The valid certificate of each name that has one (its first, if several), the CA left out. */
export function liveEntries(entries: readonly Entry[]): Map<string, Entry> {
  const live = new Map<string, Entry>();
  for (const entry of entries) {
    if (entry.kind !== "ca" && entry.status === "valid" && !live.has(entry.name)) live.set(entry.name, entry);
  }
  return live;
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
