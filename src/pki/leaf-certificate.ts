/**
 * Server and client certificates, the profile of design.md, built with the
 * @peculiar/asn1-x509 schemas and signed with node:crypto. This is the hot
 * path of issuance (thousands per batch): @peculiar/x509's generator costs
 * several milliseconds a certificate and its import more than the rest of a
 * one-certificate run, so leaves do without it. CA certificates and CRLs,
 * made once, still use it (profiles.ts, crl.ts).
 */
import { createHash, sign, type KeyObject } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from "@peculiar/asn1-x509";
import type { CaFacts } from "./ca-facts.js";
import { children, encodeTlv, readTlv, TAG_SEQUENCE } from "./der.js";
import { isRsa, type KeyType } from "./keys.js";
import { pemEncode } from "./pem.js";
import { assertNotAfterWithin, notBeforeFor } from "./validity.js";

export type LeafKind = "server" | "client";

export interface LeafRequest {
  readonly kind: LeafKind;
  readonly commonName: string;
  readonly organization?: string | undefined;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly keyType: KeyType;
  /** The leaf's SubjectPublicKeyInfo, DER. */
  readonly publicKey: Uint8Array;
  readonly notAfter: Date;
  /** Upper-case hex, as randomSerial makes it. */
  readonly serial: string;
  readonly now: Date;
}

/** The CA as a signer of leaves: what its certificate says, and its private key. */
export interface LeafSigner {
  readonly ca: CaFacts;
  readonly privateKey: KeyObject;
  readonly keyType: KeyType;
}

/** What a ledger record says of a certificate. */
export interface CertificateFacts {
  readonly serial: string;
  /** The subject as @peculiar/x509 and the rest of nutca print it, e.g. `O=Example, CN=ups1`. */
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

const ID_AT_COMMON_NAME = "2.5.4.3";
const ID_AT_ORGANIZATION = "2.5.4.10";

/** The signature algorithm of a CA key type, with the digest node:crypto signs with. */
const SIGNATURES: Record<KeyType, { readonly oid: string; readonly hash: string; readonly nullParameters: boolean }> = {
  "ec-p256": { oid: "1.2.840.10045.4.3.2", hash: "sha256", nullParameters: false },
  "ec-p384": { oid: "1.2.840.10045.4.3.3", hash: "sha384", nullParameters: false },
  "rsa-2048": { oid: "1.2.840.113549.1.1.11", hash: "sha256", nullParameters: true },
  "rsa-3072": { oid: "1.2.840.113549.1.1.11", hash: "sha256", nullParameters: true },
  "rsa-4096": { oid: "1.2.840.113549.1.1.11", hash: "sha256", nullParameters: true },
};

/** Signs a server or client certificate; its notAfter must not pass the CA's. */
export function createLeafCertificate(request: LeafRequest, signer: LeafSigner): LeafCertificate {
  assertNotAfterWithin(request.notAfter, signer.ca.notAfter);
  const signature = SIGNATURES[signer.keyType];
  const algorithm = new AlgorithmIdentifier({
    algorithm: signature.oid,
    ...(signature.nullParameters ? { parameters: null } : {}),
  });
  const notBefore = notBeforeFor(request.now);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: positiveInteger(request.serial),
    signature: algorithm,
    issuer: AsnConvert.parse(signer.ca.name, Name),
    validity: new Validity({ notBefore, notAfter: request.notAfter }),
    subject: leafName(request.commonName, request.organization),
    subjectPublicKeyInfo: AsnConvert.parse(request.publicKey, SubjectPublicKeyInfo),
    extensions: leafExtensions(request, signer.ca.keyIdentifier),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signatureValue = sign(signature.hash, tbsDer, signer.privateKey);
  const der = encodeTlv(
    TAG_SEQUENCE,
    tbsDer,
    new Uint8Array(AsnConvert.serialize(algorithm)),
    encodeTlv(0x03, Uint8Array.of(0), signatureValue),
  );
  return {
    der,
    pem: pemEncode(der, "CERTIFICATE"),
    serial: request.serial.toUpperCase(),
    subject: formatName(request.commonName, request.organization),
    dns: [...request.dns],
    ip: [...request.ip],
    notBefore,
    notAfter: request.notAfter,
    sha256: createHash("sha256").update(der).digest("hex").toUpperCase(),
  };
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits (what @peculiar/x509 computes too). */
export function keyIdentifierOf(spki: Uint8Array): Uint8Array {
  const bits = children(readTlv(spki).content)[1];
  if (bits?.tag !== 0x03) throw new Error("not a SubjectPublicKeyInfo");
  return createHash("sha1").update(bits.content.subarray(1)).digest();
}

function leafExtensions(request: LeafRequest, authorityKeyIdentifier: Uint8Array): Extensions {
  const usage = isRsa(request.keyType)
    ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment
    : KeyUsageFlags.digitalSignature;
  const extensions = [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
    extension(id_ce_keyUsage, true, new KeyUsage(usage)),
    extension(
      id_ce_extKeyUsage,
      false,
      new ExtendedKeyUsage([request.kind === "server" ? id_kp_serverAuth : id_kp_clientAuth]),
    ),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifierOf(request.publicKey))),
    extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(authorityKeyIdentifier) }),
    ),
  ];
  const sans = [
    ...request.dns.map((dNSName) => new GeneralName({ dNSName })),
    ...request.ip.map((iPAddress) => new GeneralName({ iPAddress })),
  ];
  if (sans.length > 0) extensions.push(extension(id_ce_subjectAltName, false, new SubjectAlternativeName(sans)));
  return new Extensions(extensions);
}

function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** O (when the CA has one) then CN, each a PrintableString when it can be, as @peculiar/x509 encodes names. */
function leafName(commonName: string, organization: string | undefined): Name {
  const attribute = (type: string, value: string) =>
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({
        type,
        value: new AttributeValue(isPrintable(value) ? { printableString: value } : { utf8String: value }),
      }),
    ]);
  return new Name([
    ...(organization ? [attribute(ID_AT_ORGANIZATION, organization)] : []),
    attribute(ID_AT_COMMON_NAME, commonName),
  ]);
}

function isPrintable(value: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
}

/** RFC 4514 escaping, the way @peculiar/x509's Name.toString writes it. */
function formatName(commonName: string, organization: string | undefined): string {
  const escape = (value: string) =>
    value
      .replace(/([,+"\\<>;])/g, "\\$1")
      .replace(/^([ #])/, "\\$1")
      .replace(/( )$/, "\\$1");
  return [...(organization ? [`O=${escape(organization)}`] : []), `CN=${escape(commonName)}`].join(", ");
}

/** The serial's hex as the content of a positive DER INTEGER. */
function positiveInteger(hex: string): ArrayBuffer {
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  const positive = bytes[0]! & 0x80 ? Buffer.concat([Uint8Array.of(0), bytes]) : bytes;
  return positive.buffer.slice(positive.byteOffset, positive.byteOffset + positive.byteLength) as ArrayBuffer;
}
