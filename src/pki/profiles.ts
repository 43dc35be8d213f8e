/**
 * The CA profiles of design.md: a root that signs leaves or an intermediate,
 * and the intermediate. Leaves are made in leaf-certificate.ts.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  id_ce_nameConstraints,
  NameConstraints,
} from "@peculiar/asn1-x509";
import { signingAlgorithm, type KeyType } from "./keys.js";
import { hasConstraints, type Permitted } from "./name-constraints.js";
import { isPrintableString } from "./names.js";
import { randomSerial } from "./serial.js";
import { assertNotAfterWithin, notBeforeFor } from "./validity.js";
import type { CertificateFacts } from "./leaf-certificate.js";
import { engine, x509 } from "./x509.js";

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

export interface Issuer {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
  readonly keyType: KeyType;
}

/**
 * O (when given) then CN. The values are given typed, PrintableString when they can be, else
 * UTF8String, as leaf-certificate.ts encodes them: as plain strings, @peculiar/x509 would read a
 * leading "#" as hex and strip quotes and backslashes.
 */
export function distinguishedName(commonName: string, organization?: string): x509.Name {
  const value = (text: string) => [isPrintableString(text) ? { printableString: text } : { utf8String: text }];
  const name: x509.JsonNameParams = [];
  if (organization) name.push({ O: value(organization) });
  name.push({ CN: value(commonName) });
  return new x509.Name(name);
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

/** The critical nameConstraints extension: permittedSubtrees only (name-constraints.ts reads it back). */
function nameConstraintsExtension(permitted: Permitted): x509.Extension {
  const subtrees = [
    ...permitted.dns.map((dNSName) => new GeneralSubtree({ base: new GeneralName({ dNSName }) })),
    ...permitted.ip.map((iPAddress) => new GeneralSubtree({ base: new GeneralName({ iPAddress }) })),
  ];
  const value = AsnConvert.serialize(new NameConstraints({ permittedSubtrees: new GeneralSubtrees(subtrees) }));
  return new x509.Extension(id_ce_nameConstraints, true, value);
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
