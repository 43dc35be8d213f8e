import { NutcaError } from "../../errors.js";
import { exportPkcs8, generateKeyPair, parseKeyType } from "../../pki/keys.js";
import { assertPermitted, constrainedNames, permittedOf } from "../../pki/name-constraints.js";
import { checkCommonName, parseDnsName, parseEntryName, parseIpAddress } from "../../pki/names.js";
import { pkcs8ToPem } from "../../pki/pkcs8.js";
import { issueLeafCertificate, type LeafKind } from "../../pki/profiles.js";
import { randomSerial } from "../../pki/serial.js";
import { assertNotAfterWithin, describeNotAfter, parseNotAfter } from "../../pki/validity.js";
import { loadIssuer } from "../../store/issuer.js";
import { issueRecord } from "../../store/record.js";
import { CaStore, type Entry } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { existingPassphrase } from "../passphrase.js";

export interface IssueOptions {
  dns?: string[] | undefined;
  ip?: string[] | undefined;
  key?: string | undefined;
  notAfter?: string | undefined;
  passphraseFile?: string | undefined;
}

export async function issue(
  kind: LeafKind,
  rawName: string,
  options: IssueOptions,
  context: Context,
): Promise<CommandResult> {
  const name = parseEntryName(rawName);
  if (name === "ca") throw new NutcaError("BAD_NAME", `"ca" is the CA's own name`, "choose another name");
  let dns = unique((options.dns ?? []).map(parseDnsName));
  const ip = unique((options.ip ?? []).map(parseIpAddress));
  if (kind === "server" && dns.length === 0 && ip.length === 0) dns = [defaultServerDnsName(name)];
  const commonName = checkCommonName(dns[0] ?? name);
  const store = new CaStore(context.storeDir);
  const meta = store.readMeta();
  const keyType = parseKeyType(options.key ?? meta.ca.keyType);
  const ca = store.readCaCertificate();
  const notAfter = leafNotAfter(options.notAfter, meta.defaults.leafNotAfter, ca.notAfter, context.now);
  assertPermitted(constrainedNames({ dns, ip, commonName }), permittedOf(ca));
  assertNameFree(name, store.entries(context.now));

  const issuer = await loadIssuer(store, () => existingPassphrase(options, context));
  const keys = await generateKeyPair(keyType);
  const certificate = await issueLeafCertificate(
    {
      kind,
      commonName,
      organization: meta.ca.organization,
      dns,
      ip,
      keyType,
      publicKey: keys.publicKey,
      notAfter,
      serial: randomSerial(),
      now: context.now,
    },
    issuer,
  );
  const files = { cert: `issued/${name}.crt.pem`, key: `private/${name}.key.pem` };
  const record = await issueRecord({ certificate, name, kind, keyType, files, now: context.now });
  const certPem = certificate.toString("pem") + "\n";
  await store.commitIssuance(
    record,
    [
      { path: `by-serial/${record.serial}.crt.pem`, data: certPem },
      { path: files.cert, data: certPem },
      { path: files.key, data: pkcs8ToPem(await exportPkcs8(keys.privateKey)) },
    ],
    (entries) => assertNameFree(name, entries),
  );

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
  const live = entries.find((entry) => entry.name === name && entry.kind !== "ca" && entry.status === "valid");
  if (live) {
    throw new NutcaError(
      "NAME_EXISTS",
      `"${name}" already has a valid certificate (serial ${live.serial})`,
      `renew it with nutca renew ${name}, or choose another name`,
    );
  }
}

export function unique(values: string[]): string[] {
  return [...new Set(values)];
}
