/**
 * Server and client certificates: the profile of profiles.ts, built and
 * signed by @peculiar/x509 with the CA's key, like every other certificate.
 */
import type { KeyType } from "./keys.js";
import { signingAlgorithmOf } from "./keys.js";
import { distinguishedName, leafExtensions, type Issuer, type LeafKind } from "./profiles.js";
import { pemEncode } from "./pem.js";
import { assertNotAfterWithin, notBeforeFor, wholeSeconds } from "./validity.js";
import { engine, x509 } from "./x509.js";

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
  const subject = distinguishedName(request.commonName, request.organization);
  const publicKey = new x509.PublicKey(request.publicKey);
  const notBefore = notBeforeFor(request.now);
  const notAfter = wholeSeconds(request.notAfter);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: request.serial,
    subject,
    issuer: issuer.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: signingAlgorithmOf(issuer.privateKey),
    extensions: await leafExtensions(request.kind, { ...request, publicKey }, issuer.certificate),
  });
  const der = new Uint8Array(certificate.rawData);
  // The facts are what was just signed: reading them back would parse every extension again (a third of a
  // certificate's cost in a batch).
  const sha256 = Buffer.from(await engine.subtle.digest("SHA-256", der))
    .toString("hex")
    .toUpperCase();
  return {
    der,
    pem: pemEncode(der, "CERTIFICATE"),
    serial: certificate.serialNumber.toUpperCase(),
    subject: subject.toString(),
    dns: [...request.dns],
    ip: [...request.ip],
    notBefore,
    notAfter,
    sha256,
  };
}
