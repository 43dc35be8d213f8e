/**
 * Reads whatever a user points inspect or doctor at — certificates, chains,
 * requests, CRLs, keys, PKCS#12 — from PEM (any number of blocks) or DER, and
 * says what each object is. Keys stay KeyObjects: nothing secret is copied out.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { children, decodeOid, readTlv, TAG_INTEGER, TAG_SEQUENCE } from "./der.js";
import { isPem, pemBlocks, type PemBlock } from "./pem.js";
import { x509 } from "./x509.js";

export type PkiObject =
  | { readonly kind: "certificate"; readonly certificate: x509.X509Certificate; readonly label?: string }
  | { readonly kind: "csr"; readonly csr: x509.Pkcs10CertificateRequest; readonly label?: string }
  | { readonly kind: "crl"; readonly crl: x509.X509Crl; readonly label?: string }
  | { readonly kind: "private-key"; readonly key: KeyObject; readonly format: string; readonly label?: string }
  | {
      readonly kind: "encrypted-key";
      /** How it is protected, e.g. "PBES2 (PBKDF2-HMAC-SHA256, 600000 iterations, AES-256-CBC)". */
      readonly protection: string;
      readonly label?: string;
    }
  | { readonly kind: "public-key"; readonly key: KeyObject; readonly label?: string }
  | { readonly kind: "pkcs12"; readonly der: Uint8Array }
  | { readonly kind: "unknown"; readonly label: string; readonly reason: string };

/** Every object in the file, in file order. An empty list means nothing was recognised. */
export function decodeObjects(bytes: Uint8Array): PkiObject[] {
  if (!isPem(bytes)) {
    const object = decodeDer(bytes);
    return object ? [object] : [];
  }
  return pemBlocks(Buffer.from(bytes).toString("utf8")).map(decodePemBlock);
}

function decodePemBlock(block: PemBlock): PkiObject {
  const { label, headers, der, text: pem } = block;
  const fail = (reason: string): PkiObject => ({ kind: "unknown", label, reason });
  if (!der) return fail("cannot be parsed (the body is not base64)");
  try {
    switch (label) {
      case "CERTIFICATE":
      case "TRUSTED CERTIFICATE":
      case "X509 CERTIFICATE":
        return { kind: "certificate", certificate: new x509.X509Certificate(der), label };
      case "CERTIFICATE REQUEST":
      case "NEW CERTIFICATE REQUEST":
        return { kind: "csr", csr: new x509.Pkcs10CertificateRequest(der), label };
      case "X509 CRL":
      case "CRL":
        return { kind: "crl", crl: new x509.X509Crl(der), label };
      case "ENCRYPTED PRIVATE KEY":
        return { kind: "encrypted-key", protection: describeEncryptedPkcs8(der), label };
      case "PRIVATE KEY":
      case "RSA PRIVATE KEY":
      case "EC PRIVATE KEY": {
        if (headers.some((line) => /^Proc-Type:.*ENCRYPTED/i.test(line))) {
          const cipher =
            headers
              .find((line) => line.startsWith("DEK-Info:"))
              ?.slice(9)
              .trim() ?? "unknown cipher";
          return { kind: "encrypted-key", protection: `legacy PEM encryption (${cipher})`, label };
        }
        return { kind: "private-key", key: createPrivateKey({ key: pem, format: "pem" }), format: label, label };
      }
      case "PUBLIC KEY":
      case "RSA PUBLIC KEY":
        return { kind: "public-key", key: createPublicKey({ key: pem, format: "pem" }), label };
      case "PKCS12":
        return { kind: "pkcs12", der };
      default:
        return fail("not a type nutca reads");
    }
  } catch (error) {
    return fail(`cannot be parsed (${(error as Error).message.split("\n")[0]})`);
  }
}

function attempt<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

function decodeDer(der: Uint8Array): PkiObject | undefined {
  if (isPkcs12(der)) return { kind: "pkcs12", der };
  const buffer = Buffer.from(der);
  const bytes = new Uint8Array(der);
  const certificate = attempt(() => new x509.X509Certificate(bytes));
  if (certificate) return { kind: "certificate", certificate };
  const crl = attempt(() => new x509.X509Crl(bytes));
  if (crl) return { kind: "crl", crl };
  const csr = attempt(() => new x509.Pkcs10CertificateRequest(bytes));
  if (csr) return { kind: "csr", csr };
  const protection = attempt(() => describeEncryptedPkcs8(der));
  if (protection && !protection.startsWith("unknown")) return { kind: "encrypted-key", protection };
  for (const type of ["pkcs8", "sec1", "pkcs1"] as const) {
    const key = attempt(() => createPrivateKey({ key: buffer, format: "der", type }));
    if (key) return { kind: "private-key", key, format: `${type} DER` };
  }
  for (const type of ["spki", "pkcs1"] as const) {
    const key = attempt(() => createPublicKey({ key: buffer, format: "der", type }));
    if (key) return { kind: "public-key", key };
  }
  return undefined;
}

/** PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (data or signedData), ... } */
export function isPkcs12(der: Uint8Array): boolean {
  try {
    const outer = readTlv(der);
    if (outer.tag !== TAG_SEQUENCE) return false;
    const [version, authSafe] = children(outer.content);
    if (version?.tag !== TAG_INTEGER || version.content.length !== 1 || version.content[0] !== 3) return false;
    const oid = authSafe?.tag === TAG_SEQUENCE ? children(authSafe.content)[0] : undefined;
    return oid?.tag === 0x06 && decodeOid(oid.content).startsWith("1.2.840.113549.1.7.");
  } catch {
    return false;
  }
}

const ALGORITHMS: Record<string, string> = {
  "1.2.840.113549.1.5.13": "PBES2",
  "1.2.840.113549.1.5.12": "PBKDF2",
  "1.2.840.113549.2.7": "HMAC-SHA1",
  "1.2.840.113549.2.9": "HMAC-SHA256",
  "1.2.840.113549.2.10": "HMAC-SHA384",
  "1.2.840.113549.2.11": "HMAC-SHA512",
  "2.16.840.1.101.3.4.1.2": "AES-128-CBC",
  "2.16.840.1.101.3.4.1.22": "AES-192-CBC",
  "2.16.840.1.101.3.4.1.42": "AES-256-CBC",
  "1.2.840.113549.3.7": "DES-EDE3-CBC",
  "1.2.840.113549.1.12.1.1": "pbeWithSHAAnd128BitRC4",
  "1.2.840.113549.1.12.1.3": "pbeWithSHAAnd3-KeyTripleDES-CBC",
  "1.2.840.113549.1.12.1.6": "pbeWithSHAAnd40BitRC2-CBC",
};

export function algorithmName(oid: string): string {
  return ALGORITHMS[oid] ?? oid;
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING } */
export function describeEncryptedPkcs8(der: Uint8Array): string {
  const [algorithm, data] = children(readTlv(der).content);
  if (algorithm?.tag !== TAG_SEQUENCE || data?.tag !== 0x04) throw new Error("not an encrypted key");
  return describeAlgorithmIdentifier(algorithm.encoded);
}

/** A password-based encryption AlgorithmIdentifier in words (PBES2 parameters spelled out). */
export function describeAlgorithmIdentifier(der: Uint8Array): string {
  const [oid, params] = children(readTlv(der).content);
  if (oid?.tag !== 0x06) return "unknown algorithm";
  const name = algorithmName(decodeOid(oid.content));
  if (name !== "PBES2" || params?.tag !== TAG_SEQUENCE) return name;
  const [kdf, scheme] = children(params.content);
  const [kdfOid, kdfParams] = kdf ? children(kdf.content) : [];
  const cipher = scheme ? children(scheme.content)[0] : undefined;
  const parts: string[] = [];
  if (kdfOid && kdfParams?.tag === TAG_SEQUENCE) {
    const fields = children(kdfParams.content);
    const iterations = fields.find((field) => field.tag === TAG_INTEGER);
    const prf = fields.find((field) => field.tag === TAG_SEQUENCE);
    const prfOid = prf ? children(prf.content)[0] : undefined;
    const prfName = prfOid ? algorithmName(decodeOid(prfOid.content)) : "HMAC-SHA1";
    const count = iterations ? Number(BigInt("0x" + (Buffer.from(iterations.content).toString("hex") || "0"))) : 0;
    parts.push(`${algorithmName(decodeOid(kdfOid.content))}-${prfName}`, `${count} iterations`);
  }
  if (cipher) parts.push(algorithmName(decodeOid(cipher.content)));
  return `PBES2 (${parts.join(", ")})`;
}
