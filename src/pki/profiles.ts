/**
 * The certificate profiles of design.md: a CA that signs leaves, and server and
 * client leaves for upsd, upsmon, stunnel and the shims.
 */
import { isRsa, signingAlgorithm, type KeyType } from "./keys.js";
import { hasConstraints, nameConstraintsExtension, type Permitted } from "./name-constraints.js";
import { randomSerial } from "./serial.js";
import { assertNotAfterWithin, notBeforeFor } from "./validity.js";
import { engine, x509 } from "./x509.js";

export type LeafKind = "server" | "client";

export interface CaRequest {
  readonly commonName: string;
  readonly organization?: string | undefined;
  readonly keyType: KeyType;
  readonly keys: CryptoKeyPair;
  readonly notAfter: Date;
  readonly permitted: Permitted;
  /** 0 for a CA that signs leaves directly, 1 for a root above an intermediate. */
  readonly pathLength: number;
  readonly now: Date;
  readonly serial?: string;
}

export interface LeafRequest {
  readonly kind: LeafKind;
  readonly commonName: string;
  readonly organization?: string | undefined;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly keyType: KeyType;
  readonly publicKey: CryptoKey;
  readonly notAfter: Date;
  readonly serial: string;
  readonly now: Date;
}

export interface Issuer {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
  readonly keyType: KeyType;
}

export function distinguishedName(commonName: string, organization?: string): x509.JsonName {
  const name: x509.JsonName = [];
  if (organization) name.push({ O: [organization] });
  name.push({ CN: [commonName] });
  return name;
}

export async function createCaCertificate(request: CaRequest, crypto: Crypto = engine): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, request.pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(request.keys.publicKey, false, crypto),
  ];
  if (hasConstraints(request.permitted)) extensions.push(nameConstraintsExtension(request.permitted));
  return x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: request.serial ?? randomSerial(),
      name: distinguishedName(request.commonName, request.organization),
      notBefore: notBeforeFor(request.now),
      notAfter: request.notAfter,
      keys: request.keys,
      signingAlgorithm: signingAlgorithm(request.keyType),
      extensions,
    },
    crypto,
  );
}

/**
 * An intermediate CA signed by the root (`issuer`): pathLen 0, the root's
 * name constraints repeated, AKI pointing at the root. It signs the leaves.
 */
export async function createIntermediateCertificate(
  request: CaRequest,
  issuer: Issuer,
  crypto: Crypto = engine,
): Promise<x509.X509Certificate> {
  assertNotAfterWithin(request.notAfter, issuer.certificate.notAfter);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, request.pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(request.keys.publicKey, false, crypto),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.publicKey, false, crypto),
  ];
  if (hasConstraints(request.permitted)) extensions.push(nameConstraintsExtension(request.permitted));
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: request.serial ?? randomSerial(),
      subject: distinguishedName(request.commonName, request.organization),
      issuer: issuer.certificate.subjectName,
      notBefore: notBeforeFor(request.now),
      notAfter: request.notAfter,
      publicKey: request.keys.publicKey,
      signingKey: issuer.privateKey,
      signingAlgorithm: signingAlgorithm(issuer.keyType),
      extensions,
    },
    crypto,
  );
}

/** Signs a server or client certificate; its notAfter must not pass the issuer's. */
export async function issueLeafCertificate(
  request: LeafRequest,
  issuer: Issuer,
  crypto: Crypto = engine,
): Promise<x509.X509Certificate> {
  assertNotAfterWithin(request.notAfter, issuer.certificate.notAfter);
  const usage = isRsa(request.keyType)
    ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
    : x509.KeyUsageFlags.digitalSignature;
  const extendedUsage = request.kind === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    new x509.ExtendedKeyUsageExtension([extendedUsage], false),
    await x509.SubjectKeyIdentifierExtension.create(request.publicKey, false, crypto),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.publicKey, false, crypto),
  ];
  const sans = [
    ...request.dns.map((value) => ({ type: "dns" as const, value })),
    ...request.ip.map((value) => ({ type: "ip" as const, value })),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: request.serial,
      subject: distinguishedName(request.commonName, request.organization),
      issuer: issuer.certificate.subjectName,
      notBefore: notBeforeFor(request.now),
      notAfter: request.notAfter,
      publicKey: request.publicKey,
      signingKey: issuer.privateKey,
      signingAlgorithm: signingAlgorithm(issuer.keyType),
      extensions,
    },
    crypto,
  );
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
