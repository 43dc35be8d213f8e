import { NutcaError } from "../../errors.js";
import { generateLeafKey, parseKeyType, type KeyType } from "../../pki/keys.js";
import { createLeafCertificate, type LeafKind } from "../../pki/leaf-certificate.js";
import { assertPermitted, constrainedNames, permittedOf, type Permitted } from "../../pki/name-constraints.js";
import type { Issuer } from "../../pki/profiles.js";
import { checkCommonName, checkNameCount, parseDnsName, parseEntryName, parseIpAddress } from "../../pki/names.js";
import { randomSerial } from "../../pki/serial.js";
import { assertNotAfterWithin, describeNotAfter, parseNotAfter } from "../../pki/validity.js";
import type { x509 } from "../../pki/x509.js";
import type { IssueRecord } from "../../store/ledger.js";
import { issueRecord } from "../../store/record.js";
import { loadSigner, readCa } from "../../store/signer.js";
import { CaStore, type Entry, type StoreFile, type StoreMeta } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { existingPassphrase } from "../passphrase.js";

export interface IssueOptions {
  dns?: string[] | undefined;
  ip?: string[] | undefined;
  key?: string | undefined;
  notAfter?: string | undefined;
  passphraseFile?: string | undefined;
}

/** A leaf checked against the store's CA and ready to sign: every input error is thrown before this exists. */
export interface PreparedLeaf {
  readonly kind: LeafKind;
  readonly name: string;
  readonly dns: string[];
  readonly ip: string[];
  readonly commonName: string;
  readonly keyType: KeyType;
  readonly notAfter: Date;
}

/** What a leaf is checked against: read once per command, shared by every leaf of a batch. */
export interface IssueSetting {
  readonly meta: StoreMeta;
  readonly ca: x509.X509Certificate;
  readonly permitted: Permitted;
  readonly now: Date;
}

export function issueSetting(store: CaStore, now: Date): IssueSetting {
  const meta = store.readMeta();
  const ca = readCa(store);
  return { meta, ca, permitted: permittedOf(ca), now };
}

/** Validates one leaf's names, key type and expiry against the CA (the pure half of an issuance). */
export function prepareLeaf(
  kind: LeafKind,
  rawName: string,
  options: IssueOptions,
  setting: IssueSetting,
): PreparedLeaf {
  const name = parseEntryName(rawName);
  if (name === "ca") throw new NutcaError("BAD_NAME", `"ca" is the CA's own name`, "choose another name");
  if (name === "root" && setting.meta.ca.intermediate === true) {
    // private/root.key.pem is the root CA's key in such a store
    throw new NutcaError("BAD_NAME", `"root" is the root CA's name in this store`, "choose another name");
  }
  let dns = unique((options.dns ?? []).map(parseDnsName));
  const ip = unique((options.ip ?? []).map(parseIpAddress));
  checkNameCount(dns.length + ip.length);
  if (kind === "server" && dns.length === 0 && ip.length === 0) dns = [defaultServerDnsName(name)];
  const commonName = checkCommonName(dns[0] ?? name);
  const { meta, ca, permitted, now } = setting;
  const keyType = parseKeyType(options.key ?? meta.ca.keyType);
  const notAfter = leafNotAfter(options.notAfter, meta.defaults.leafNotAfter, ca.notAfter, now);
  assertPermitted(constrainedNames({ dns, ip, commonName }), permitted);
  return { kind, name, dns, ip, commonName, keyType, notAfter };
}

/** A signed leaf: its ledger record and the files that commit with it. */
export interface SignedLeaf {
  readonly record: IssueRecord;
  readonly files: readonly StoreFile[];
}

/** Makes the key pair and the certificate (the signing half of an issuance); writes nothing. */
export async function signLeaf(leaf: PreparedLeaf, signer: Issuer, setting: IssueSetting): Promise<SignedLeaf> {
  const { kind, name, keyType } = leaf;
  const key = await generateLeafKey(keyType);
  const certificate = await createLeafCertificate(
    {
      kind,
      commonName: leaf.commonName,
      organization: setting.meta.ca.organization,
      dns: leaf.dns,
      ip: leaf.ip,
      keyType,
      publicKey: key.spki,
      notAfter: leaf.notAfter,
      serial: randomSerial(),
      now: setting.now,
    },
    signer,
  );
  const files = { cert: `issued/${name}.crt.pem`, key: `private/${name}.key.pem` };
  const record = issueRecord({ certificate, name, kind, keyType, files, now: setting.now });
  const certPem = certificate.pem + "\n";
  return {
    record,
    files: [
      { path: `by-serial/${record.serial}.crt.pem`, data: certPem },
      { path: files.cert, data: certPem },
      { path: files.key, data: key.pkcs8Pem },
    ],
  };
}

export async function issue(
  kind: LeafKind,
  rawName: string,
  options: IssueOptions,
  context: Context,
): Promise<CommandResult> {
  const store = new CaStore(context.storeDir);
  const setting = issueSetting(store, context.now);
  const leaf = prepareLeaf(kind, rawName, options, setting);
  const { name, dns, ip, notAfter } = leaf;
  assertNameFree(name, store.entriesNamed(name, context.now));

  const signer = await loadSigner(store, setting, () => existingPassphrase(options, context));
  const { record, files } = await signLeaf(leaf, signer, setting);
  await store.commitIssuance(record, files, (entries) => assertNameFree(name, entries));

  const human = [
    `Issued the ${kind} certificate "${name}"`,
    `  subject:  ${record.subject}`,
    ...(dns.length + ip.length > 0 ? [`  names:    ${[...dns, ...ip].join(", ")}`] : []),
    `  expires:  ${describeNotAfter(notAfter)}`,
    `  serial:   ${record.serial}`,
    `  cert:     ${store.layout.issuedCert(name)}`,
    `  key:      ${store.layout.privateKey(name)}`,
  ].join("\n");
  return { data: { store: store.root, ...record }, human };
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

export function leafNotAfter(given: string | undefined, configured: string, caNotAfter: Date, now: Date): Date {
  if (given !== undefined) {
    const notAfter = parseNotAfter(given, now);
    assertNotAfterWithin(notAfter, caNotAfter);
    return notAfter;
  }
  const notAfter = parseNotAfter(configured, now);
  return notAfter.getTime() > caNotAfter.getTime() ? caNotAfter : notAfter;
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

export function unique(values: string[]): string[] {
  return [...new Set(values)];
}
