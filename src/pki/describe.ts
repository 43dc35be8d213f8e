/**
 * Readable facts about certificates and keys, shared by inspect, probe and
 * doctor. Key details come from node:crypto, which reads every key type
 * (including the Ed25519 keys NUT cannot use, so they can be reported).
 */
import { createHash, createPublicKey, X509Certificate as NodeCertificate, type KeyObject } from "node:crypto";
import { children, decodeOid, readTlv } from "./der.js";
import { subjectHash } from "./subject-hash.js";
import { describeNotAfter } from "./validity.js";
import { x509 } from "./x509.js";

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.10": "RSASSA-PSS",
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.10045.4.1": "ecdsa-with-SHA1",
  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
  "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
};

export const EKU_NAMES: Record<string, string> = {
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  "2.5.29.37.0": "anyExtendedKeyUsage",
};

const KEY_USAGE_NAMES: [number, string][] = [
  [x509.KeyUsageFlags.digitalSignature, "digitalSignature"],
  [x509.KeyUsageFlags.nonRepudiation, "nonRepudiation"],
  [x509.KeyUsageFlags.keyEncipherment, "keyEncipherment"],
  [x509.KeyUsageFlags.dataEncipherment, "dataEncipherment"],
  [x509.KeyUsageFlags.keyAgreement, "keyAgreement"],
  [x509.KeyUsageFlags.keyCertSign, "keyCertSign"],
  [x509.KeyUsageFlags.cRLSign, "cRLSign"],
  [x509.KeyUsageFlags.encipherOnly, "encipherOnly"],
  [x509.KeyUsageFlags.decipherOnly, "decipherOnly"],
];

/** The outer signature algorithm of a certificate, CRL or CSR (all: SEQUENCE { tbs, algorithm, signature }). */
export function signatureAlgorithmOf(der: Uint8Array): { oid: string; name: string } {
  const algorithm = children(readTlv(der).content)[1];
  const oid = algorithm ? children(algorithm.content)[0] : undefined;
  const text = oid?.tag === 0x06 ? decodeOid(oid.content) : "unknown";
  return { oid: text, name: SIGNATURE_ALGORITHMS[text] ?? text };
}

export interface KeyFacts {
  /** e.g. "EC P-256", "RSA 2048", "Ed25519". */
  readonly description: string;
  readonly type: string;
  readonly bits?: number;
  readonly curve?: string;
  /** SHA-256 of the SubjectPublicKeyInfo, to match keys, certificates and requests. */
  readonly spkiSha256: string;
}

const CURVES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

export function keyFacts(key: KeyObject): KeyFacts {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  const spki = publicKey.export({ format: "der", type: "spki" });
  const spkiSha256 = createHash("sha256").update(spki).digest("hex").toUpperCase();
  const type = key.asymmetricKeyType ?? "unknown";
  const details = key.asymmetricKeyDetails ?? {};
  if (type === "ec") {
    const curve = CURVES[details.namedCurve ?? ""] ?? details.namedCurve ?? "unknown curve";
    return { description: `EC ${curve}`, type, curve, spkiSha256 };
  }
  if (type === "rsa" || type === "rsa-pss") {
    const bits = details.modulusLength ?? 0;
    return { description: `${type === "rsa" ? "RSA" : "RSA-PSS"} ${bits}`, type, bits, spkiSha256 };
  }
  const names: Record<string, string> = { ed25519: "Ed25519", ed448: "Ed448", x25519: "X25519", x448: "X448" };
  return { description: names[type] ?? type, type, spkiSha256 };
}

const parsed = new WeakMap<x509.X509Certificate, NodeCertificate>();

/** node's view of the certificate, parsed once per certificate object (inspect asks for it many times). */
export function nodeCertificate(certificate: x509.X509Certificate): NodeCertificate {
  let node = parsed.get(certificate);
  if (!node) parsed.set(certificate, (node = new NodeCertificate(Buffer.from(certificate.rawData))));
  return node;
}

export function certificateKeyFacts(certificate: x509.X509Certificate): KeyFacts {
  return keyFacts(nodeCertificate(certificate).publicKey);
}

export function fingerprint(der: ArrayBuffer | Uint8Array, algorithm: "sha256" | "sha1" = "sha256"): string {
  return createHash(algorithm)
    .update(new Uint8Array(der))
    .digest("hex")
    .toUpperCase()
    .replace(/(..)(?!$)/g, "$1:");
}

export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly selfIssued: boolean;
  readonly ca: boolean;
  readonly pathLength?: number;
  readonly keyUsage: string[];
  readonly extendedKeyUsage: string[];
  readonly dns: string[];
  readonly ip: string[];
  readonly otherNames: string[];
  readonly key: string;
  readonly signatureAlgorithm: string;
  readonly sha256: string;
  readonly subjectHash: string;
}

export function extendedKeyUsages(certificate: x509.X509Certificate): string[] | undefined {
  const extension = certificate.getExtension(x509.ExtendedKeyUsageExtension);
  return extension ? Array.from(extension.usages, (usage) => EKU_NAMES[String(usage)] ?? String(usage)) : undefined;
}

export function keyUsages(certificate: x509.X509Certificate): string[] | undefined {
  const extension = certificate.getExtension(x509.KeyUsagesExtension);
  return extension ? KEY_USAGE_NAMES.filter(([flag]) => extension.usages & flag).map(([, name]) => name) : undefined;
}

/** SANs split by kind; names of other kinds are kept as text. */
export function sanEntries(
  extensions: readonly x509.Extension[],
): { dns: string[]; ip: string[]; other: string[] } | undefined {
  const extension = extensions.find((item) => item.type === "2.5.29.17");
  if (!extension) return undefined;
  const names = new x509.SubjectAlternativeNameExtension(extension.rawData).names.items;
  const result = { dns: [] as string[], ip: [] as string[], other: [] as string[] };
  for (const name of names) {
    if (name.type === "dns") result.dns.push(name.value);
    else if (name.type === "ip") result.ip.push(name.value);
    else result.other.push(`${name.type}:${name.value}`);
  }
  return result;
}

export function certificateFacts(certificate: x509.X509Certificate): CertificateFacts {
  const basic = certificate.getExtension(x509.BasicConstraintsExtension);
  const sans = sanEntries(certificate.extensions) ?? { dns: [], ip: [], other: [] };
  const der = new Uint8Array(certificate.rawData);
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serial: certificate.serialNumber.toUpperCase(),
    notBefore: certificate.notBefore.toISOString().replace(".000Z", "Z"),
    notAfter: describeNotAfter(certificate.notAfter),
    selfIssued: certificate.subject === certificate.issuer,
    ca: basic?.ca === true,
    ...(basic?.pathLength !== undefined ? { pathLength: basic.pathLength } : {}),
    keyUsage: keyUsages(certificate) ?? [],
    extendedKeyUsage: extendedKeyUsages(certificate) ?? [],
    dns: sans.dns,
    ip: sans.ip,
    otherNames: sans.other,
    key: certificateKeyFacts(certificate).description,
    signatureAlgorithm: signatureAlgorithmOf(der).name,
    sha256: fingerprint(der),
    subjectHash: subjectHash(new Uint8Array(certificate.subjectName.toArrayBuffer())),
  };
}
