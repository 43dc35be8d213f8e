/**
 * What each certificate nutca makes carries (docs/architecture.md "Certificate profiles",
 * RFC 5280): the CA (a root that signs leaves or an intermediate), the
 * intermediate, and the server and client leaves (leaf-certificate.ts signs
 * those with these extensions). Every certificate is built by @peculiar/x509
 * over the one engine.
 */
import { isRsa, signingAlgorithmOf, type KeyType } from "./keys.js";
import { hasConstraints, nameConstraintsExtension, type Permitted } from "./name-constraints.js";
import { isPrintableString } from "./names.js";
import { randomSerial } from "./serial.js";
import { assertNotAfterWithin, notBeforeFor, wholeSeconds } from "./validity.js";
import type { CertificateFacts } from "./leaf-certificate.js";
import { x509 } from "./x509.js";

export type LeafKind = "server" | "client";

export interface CaRequest {
  readonly commonName: string;
  readonly organization?: string | undefined;
  readonly keys: CryptoKeyPair;
  readonly notAfter: Date;
  readonly permitted: Permitted;
  /** 0 for a CA that signs leaves directly, 1 for a root above an intermediate. */
  readonly pathLength: number;
  readonly now: Date;
  readonly serial?: string;
}

/** A CA that signs: its certificate and its private key, checked to belong together (store/signer.ts). */
export interface Issuer {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
}

/**
 * O (when given) then CN. The values are given typed, PrintableString when they can be, else
 * UTF8String: as plain strings, @peculiar/x509 would read a leading "#" as hex and strip quotes and
 * backslashes.
 */
export function distinguishedName(commonName: string, organization?: string): x509.Name {
  const value = (text: string) => [isPrintableString(text) ? { printableString: text } : { utf8String: text }];
  const name: x509.JsonNameParams = [];
  if (organization) name.push({ O: value(organization) });
  name.push({ CN: value(commonName) });
  return new x509.Name(name);
}

/** A CA: critical basicConstraints CA:TRUE with its pathLen, critical keyCertSign|cRLSign, SKI, name constraints. */
async function caExtensions(request: CaRequest): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, request.pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(request.keys.publicKey, false),
    ...(hasConstraints(request.permitted) ? [nameConstraintsExtension(request.permitted)] : []),
  ];
}

/**
 * A server or client leaf: critical basicConstraints CA:FALSE, critical keyUsage digitalSignature
 * (+ keyEncipherment for an RSA key), EKU serverAuth or clientAuth, SKI, AKI = the CA's SKI, and the
 * SANs when there are any.
 */
export async function leafExtensions(
  kind: LeafKind,
  leaf: {
    readonly publicKey: x509.PublicKey;
    readonly keyType: KeyType;
    readonly dns: readonly string[];
    readonly ip: readonly string[];
  },
  issuer: x509.X509Certificate,
): Promise<x509.Extension[]> {
  const usages = isRsa(leaf.keyType)
    ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
    : x509.KeyUsageFlags.digitalSignature;
  const names: x509.JsonGeneralName[] = [
    ...leaf.dns.map((value) => ({ type: "dns" as const, value })),
    ...leaf.ip.map((value) => ({ type: "ip" as const, value })),
  ];
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usages, true),
    new x509.ExtendedKeyUsageExtension([
      kind === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
    ]),
    await x509.SubjectKeyIdentifierExtension.create(leaf.publicKey, false),
    await authorityKeyIdentifier(issuer),
    ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
  ];
}

/** RFC 5280 4.2.1.1: the issuer's subjectKeyIdentifier (computed from its key when it has none). */
export async function authorityKeyIdentifier(issuer: x509.X509Certificate): Promise<x509.Extension> {
  const keyId = issuer.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  return keyId
    ? new x509.AuthorityKeyIdentifierExtension(keyId)
    : x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey);
}

export async function createCaCertificate(request: CaRequest): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: request.serial ?? randomSerial(),
    name: distinguishedName(request.commonName, request.organization),
    notBefore: notBeforeFor(request.now),
    notAfter: wholeSeconds(request.notAfter),
    keys: request.keys,
    signingAlgorithm: signingAlgorithmOf(request.keys.privateKey),
    extensions: await caExtensions(request),
  });
}

/**
 * An intermediate CA signed by the root (`issuer`): pathLen 0, the root's
 * name constraints repeated, AKI pointing at the root. It signs the leaves.
 */
export async function createIntermediateCertificate(request: CaRequest, issuer: Issuer): Promise<x509.X509Certificate> {
  assertNotAfterWithin(request.notAfter, issuer.certificate.notAfter);
  return x509.X509CertificateGenerator.create({
    serialNumber: request.serial ?? randomSerial(),
    subject: distinguishedName(request.commonName, request.organization),
    issuer: issuer.certificate.subjectName,
    notBefore: notBeforeFor(request.now),
    notAfter: wholeSeconds(request.notAfter),
    publicKey: request.keys.publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: signingAlgorithmOf(issuer.privateKey),
    extensions: [...(await caExtensions(request)), await authorityKeyIdentifier(issuer.certificate)],
  });
}

/** The SANs of a certificate, split by type. */
export function subjectAltNames(certificate: x509.X509Certificate): { dns: string[]; ip: string[] } {
  const extension = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const dns: string[] = [];
  const ip: string[] = [];
  for (const name of extension?.names.items ?? []) {
    if (name.type === "dns") dns.push(name.value);
    if (name.type === "ip") ip.push(name.value);
  }
  return { dns, ip };
}

/** What a ledger record says of a certificate made with @peculiar/x509 (a CA's). */
export async function certificateFacts(certificate: x509.X509Certificate): Promise<CertificateFacts> {
  const thumbprint = await certificate.getThumbprint("SHA-256");
  return {
    serial: certificate.serialNumber.toUpperCase(),
    subject: certificate.subject,
    ...subjectAltNames(certificate),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    sha256: Buffer.from(thumbprint).toString("hex").toUpperCase(),
  };
}
