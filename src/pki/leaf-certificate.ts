/**
 * Server and client certificates, the profile of design.md, encoded with
 * der-encode.ts and signed with node:crypto. This is the hot path of
 * issuance (thousands per batch, or one in a process that should start as
 * fast as node): @peculiar/x509's generator costs several milliseconds a
 * certificate, and loading the ASN.1 libraries alone a third of node's own
 * start-up, so leaves do without both. CA certificates and CRLs, made once,
 * still use @peculiar/x509 (profiles.ts, crl.ts).
 */
import { createHash, sign, type KeyObject } from "node:crypto";
import type { CaFacts } from "./ca-facts.js";
import { children, readTlv } from "./der.js";
import {
  DER_TRUE,
  encodeNamedBits,
  encodeOid,
  encodeText,
  encodeTime,
  encodeTlv,
  TAG_BIT_STRING,
  TAG_DNS_NAME,
  TAG_INTEGER,
  TAG_IP_ADDRESS,
  TAG_NULL,
  TAG_OCTET_STRING,
  TAG_PRINTABLE_STRING,
  TAG_SEQUENCE,
  TAG_SET,
  TAG_UTF8_STRING,
} from "./der-encode.js";
import { isRsa, type KeyType } from "./keys.js";
import { ipToBytes, isPrintableString } from "./names.js";
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

/** [0] EXPLICIT INTEGER 2: version v3. */
const VERSION_3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);
/** The context tag of the TBSCertificate's extensions: [3] EXPLICIT. */
const TAG_EXTENSIONS = 0xa3;
/** AuthorityKeyIdentifier's keyIdentifier: [0] IMPLICIT OCTET STRING. */
const TAG_KEY_IDENTIFIER = 0x80;
const ID_AT_COMMON_NAME = "2.5.4.3";
const ID_AT_ORGANIZATION = "2.5.4.10";
const ID_CE_SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
const ID_CE_KEY_USAGE = "2.5.29.15";
const ID_CE_SUBJECT_ALT_NAME = "2.5.29.17";
const ID_CE_BASIC_CONSTRAINTS = "2.5.29.19";
const ID_CE_AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
const ID_CE_EXT_KEY_USAGE = "2.5.29.37";
const ID_KP_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const ID_KP_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
/** keyUsage bits (RFC 5280 4.2.1.3). */
const DIGITAL_SIGNATURE = 0;
const KEY_ENCIPHERMENT = 2;

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
  const algorithm = signatureAlgorithmDer(signer.keyType);
  const notBefore = notBeforeFor(request.now);
  // The TBSCertificate's fields in order. The CA's name and the leaf's key are spliced in as the DER
  // they already are: parsing them into schema objects only to serialize them again was a third of the
  // cost of a certificate in a batch.
  const tbs = encodeTlv(
    TAG_SEQUENCE,
    VERSION_3,
    encodeTlv(TAG_INTEGER, positiveInteger(request.serial)),
    algorithm,
    signer.ca.name,
    encodeTlv(TAG_SEQUENCE, encodeTime(notBefore), encodeTime(request.notAfter)),
    leafNameDer(request.commonName, request.organization),
    request.publicKey,
    encodeTlv(TAG_EXTENSIONS, leafExtensionsDer(request, signer.ca.keyIdentifier)),
  );
  const der = encodeTlv(
    TAG_SEQUENCE,
    tbs,
    algorithm,
    encodeTlv(TAG_BIT_STRING, Uint8Array.of(0), sign(signature.hash, tbs, signer.privateKey)),
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

const algorithms = new Map<KeyType, Uint8Array>();

/** The AlgorithmIdentifier a CA of this key type signs with, DER (made once). */
function signatureAlgorithmDer(keyType: KeyType): Uint8Array {
  let der = algorithms.get(keyType);
  if (!der) {
    const { oid, nullParameters } = SIGNATURES[keyType];
    der = encodeTlv(TAG_SEQUENCE, encodeOid(oid), ...(nullParameters ? [Uint8Array.of(TAG_NULL, 0)] : []));
    algorithms.set(keyType, der);
  }
  return der;
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits (what @peculiar/x509 computes too). */
export function keyIdentifierOf(spki: Uint8Array): Uint8Array {
  const bits = children(readTlv(spki).content)[1];
  if (bits?.tag !== 0x03) throw new Error("not a SubjectPublicKeyInfo");
  return createHash("sha1").update(bits.content.subarray(1)).digest();
}

/**
 * The extensions, DER. Those that are the same for every leaf of a kind and key family, or of one CA,
 * are encoded once per process (a batch signs thousands of leaves with the same CA).
 */
function leafExtensionsDer(request: LeafRequest, authorityKeyIdentifier: Uint8Array): Uint8Array {
  const sans = [
    ...request.dns.map((name) => encodeText(TAG_DNS_NAME, name)),
    ...request.ip.map((address) => encodeTlv(TAG_IP_ADDRESS, ipToBytes(address))),
  ];
  const keyIdentifier = encodeTlv(TAG_OCTET_STRING, keyIdentifierOf(request.publicKey));
  return encodeTlv(
    TAG_SEQUENCE,
    profileExtensionsDer(request.kind, isRsa(request.keyType)),
    extensionDer(ID_CE_SUBJECT_KEY_IDENTIFIER, false, keyIdentifier),
    authorityKeyIdentifierDer(authorityKeyIdentifier),
    ...(sans.length > 0 ? [extensionDer(ID_CE_SUBJECT_ALT_NAME, false, encodeTlv(TAG_SEQUENCE, ...sans))] : []),
  );
}

const profileExtensions = new Map<string, Uint8Array>();

/** basicConstraints (CA:FALSE, the default, so an empty SEQUENCE), keyUsage and extendedKeyUsage. */
function profileExtensionsDer(kind: LeafKind, rsa: boolean): Uint8Array {
  const key = `${kind}/${rsa}`;
  let der = profileExtensions.get(key);
  if (!der) {
    const usage = rsa ? [DIGITAL_SIGNATURE, KEY_ENCIPHERMENT] : [DIGITAL_SIGNATURE];
    const purpose = kind === "server" ? ID_KP_SERVER_AUTH : ID_KP_CLIENT_AUTH;
    der = Buffer.concat([
      extensionDer(ID_CE_BASIC_CONSTRAINTS, true, encodeTlv(TAG_SEQUENCE)),
      extensionDer(ID_CE_KEY_USAGE, true, encodeNamedBits(usage)),
      extensionDer(ID_CE_EXT_KEY_USAGE, false, encodeTlv(TAG_SEQUENCE, encodeOid(purpose))),
    ]);
    profileExtensions.set(key, der);
  }
  return der;
}

const authorityKeyIdentifiers = new WeakMap<Uint8Array, Uint8Array>();

function authorityKeyIdentifierDer(keyIdentifier: Uint8Array): Uint8Array {
  let der = authorityKeyIdentifiers.get(keyIdentifier);
  if (!der) {
    const value = encodeTlv(TAG_SEQUENCE, encodeTlv(TAG_KEY_IDENTIFIER, keyIdentifier));
    der = extensionDer(ID_CE_AUTHORITY_KEY_IDENTIFIER, false, value);
    authorityKeyIdentifiers.set(keyIdentifier, der);
  }
  return der;
}

function extensionDer(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return encodeTlv(TAG_SEQUENCE, encodeOid(oid), ...(critical ? [DER_TRUE] : []), encodeTlv(TAG_OCTET_STRING, value));
}

/** O (when the CA has one) then CN, each a PrintableString when it can be, as @peculiar/x509 encodes names. */
function leafNameDer(commonName: string, organization: string | undefined): Uint8Array {
  const attribute = (type: string, value: string) =>
    encodeTlv(
      TAG_SET,
      encodeTlv(
        TAG_SEQUENCE,
        encodeOid(type),
        encodeText(isPrintableString(value) ? TAG_PRINTABLE_STRING : TAG_UTF8_STRING, value),
      ),
    );
  return encodeTlv(
    TAG_SEQUENCE,
    ...(organization ? [attribute(ID_AT_ORGANIZATION, organization)] : []),
    attribute(ID_AT_COMMON_NAME, commonName),
  );
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
function positiveInteger(hex: string): Uint8Array {
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  return bytes[0]! & 0x80 ? Buffer.concat([Uint8Array.of(0), bytes]) : bytes;
}
