/**
 * The CA's certificate revocation list: X.509 v2, signed by the CA, with an
 * authorityKeyIdentifier and a crlNumber, and a reasonCode on every entry.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { CRLNumber, CRLReason, id_ce_cRLNumber, id_ce_cRLReasons } from "@peculiar/asn1-x509";
import { signingAlgorithmOf } from "./keys.js";
import { pemEncode } from "./pem.js";
import { REVOCATION_REASONS, type RevocationReason } from "./revocation-reasons.js";
import { authorityKeyIdentifier, type Issuer } from "./profiles.js";
import { notBeforeFor, wholeSeconds } from "./validity.js";
import { x509 } from "./x509.js";

export interface Revocation {
  /** Upper-case hex, as in the ledger. */
  readonly serial: string;
  readonly time: Date;
  readonly reason: RevocationReason;
}

export interface CrlRequest {
  readonly number: number;
  readonly now: Date;
  readonly nextUpdate: Date;
  readonly revoked: readonly Revocation[];
}

/**
 * thisUpdate is set back like a certificate's notBefore: a peer whose clock
 * lags would otherwise reject a fresh CRL as "not yet valid" and, with CRL
 * checking on, refuse every certificate.
 */
export function crlThisUpdate(now: Date): Date {
  return notBeforeFor(now);
}

export async function createCrl(request: CrlRequest, issuer: Issuer): Promise<x509.X509Crl> {
  const number = new x509.Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(request.number)));
  return x509.X509CrlGenerator.create({
    issuer: issuer.certificate.subjectName,
    thisUpdate: crlThisUpdate(request.now),
    nextUpdate: wholeSeconds(request.nextUpdate),
    signingKey: issuer.privateKey,
    signingAlgorithm: signingAlgorithmOf(issuer.privateKey),
    extensions: [await authorityKeyIdentifier(issuer.certificate), number],
    // The reasonCode is passed as an extension: the generator drops a `reason` of 0 (unspecified).
    entries: request.revoked.map((entry) => ({
      serialNumber: entry.serial,
      revocationDate: wholeSeconds(entry.time),
      extensions: [reasonCodeExtension(entry.reason)],
    })),
  });
}

function reasonCodeExtension(reason: RevocationReason): x509.Extension {
  const value = AsnConvert.serialize(new CRLReason(REVOCATION_REASONS[reason]));
  return new x509.Extension(id_ce_cRLReasons, false, value);
}

/** PEM with the label OpenSSL, GnuTLS and stunnel require (the library's own is `CRL`). */
export function crlToPem(crl: x509.X509Crl): string {
  return pemEncode(crl.rawData, "X509 CRL") + "\n";
}

export function crlNumberOf(crl: x509.X509Crl): number | undefined {
  const extension = crl.getExtension(id_ce_cRLNumber);
  return extension ? Number(AsnConvert.parse(extension.value, CRLNumber).value) : undefined;
}
