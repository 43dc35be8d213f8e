/**
 * What signing a leaf needs to know of its CA, read from the raw DER of the
 * CA certificate, so that the issuing path never loads @peculiar/x509 (and
 * does not pay for a full parse it does not need).
 */
import { rawCertificateFields, rawExtensions, readTlv, timeOf } from "./der.js";
import { keyIdentifierOf } from "./leaf-certificate.js";
import { NO_CONSTRAINTS, parseNameConstraints, type Permitted } from "./name-constraints.js";

const ID_CE_SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
const ID_CE_NAME_CONSTRAINTS = "2.5.29.30";

export interface CaFacts {
  /** The CA's subject as encoded: the issuer of each leaf, byte for byte. */
  readonly name: Uint8Array;
  /** The CA's subjectKeyIdentifier: the authorityKeyIdentifier of each leaf. */
  readonly keyIdentifier: Uint8Array;
  readonly notAfter: Date;
  readonly permitted: Permitted;
  /** The CA's SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array;
}

/** Throws a plain Error for bytes that are not a certificate; the store says which file is corrupt. */
export function readCaFacts(der: Uint8Array): CaFacts {
  const raw = rawCertificateFields(der);
  if (!raw.notAfter) throw new Error("not a certificate");
  const extensions = rawExtensions(der);
  const subjectKeyIdentifier = extensions.get(ID_CE_SUBJECT_KEY_IDENTIFIER);
  const nameConstraints = extensions.get(ID_CE_NAME_CONSTRAINTS);
  return {
    name: raw.subject,
    keyIdentifier: subjectKeyIdentifier
      ? readTlv(subjectKeyIdentifier).content
      : keyIdentifierOf(raw.subjectPublicKeyInfo),
    notAfter: timeOf(raw.notAfter),
    permitted: nameConstraints ? parseNameConstraints(nameConstraints) : NO_CONSTRAINTS,
    publicKey: raw.subjectPublicKeyInfo,
  };
}
