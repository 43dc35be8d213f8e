/**
 * Server and client certificates: the profile of profiles.ts, built and
 * signed by @peculiar/x509 with the CA's key, like every other certificate.
 */
import type { KeyType } from "./keys.js";
import { signingAlgorithmOf } from "./keys.js";
import { certificateFacts, distinguishedName, leafExtensions, type Issuer, type LeafKind } from "./profiles.js";
import { pemEncode } from "./pem.js";
import { assertNotAfterWithin, notBeforeFor, wholeSeconds } from "./validity.js";
import { x509 } from "./x509.js";

export type { LeafKind } from "./profiles.js";

export interface LeafRequest {
  readonly kind: LeafKind;
  readonly commonName: string;
  readonly organization?: string | undefined;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  /** The leaf key's type (an RSA key also gets keyEncipherment). */
  readonly keyType: KeyType;
  /** The leaf's SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array<ArrayBuffer>;
  readonly notAfter: Date;
  /** Upper-case hex, as randomSerial makes it. */
  readonly serial: string;
  readonly now: Date;
}

/** What a ledger record says of a certificate. */
export interface CertificateFacts {
  readonly serial: string;
  /** The subject as @peculiar/x509 prints it, e.g. `O=Example, CN=ups1`. */
  readonly subject: string;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the DER, upper-case hex. */
  readonly sha256: string;
}

export interface LeafCertificate extends CertificateFacts {
  readonly der: Uint8Array<ArrayBuffer>;
  readonly pem: string;
}

/** Signs a server or client certificate; its notAfter must not pass the CA's. */
export async function createLeafCertificate(request: LeafRequest, issuer: Issuer): Promise<LeafCertificate> {
  assertNotAfterWithin(request.notAfter, issuer.certificate.notAfter);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: request.serial,
    subject: distinguishedName(request.commonName, request.organization),
    issuer: issuer.certificate.subjectName,
    notBefore: notBeforeFor(request.now),
    notAfter: wholeSeconds(request.notAfter),
    publicKey: request.publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: signingAlgorithmOf(issuer.privateKey),
    extensions: await leafExtensions(request.kind, request, issuer.certificate),
  });
  const der = new Uint8Array(certificate.rawData);
  return { der, pem: pemEncode(der, "CERTIFICATE"), ...(await certificateFacts(certificate)) };
}
