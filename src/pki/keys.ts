/**
 * Keys, all through the one engine (engine.ts): generating, importing,
 * exporting, and telling what a key is and which signature it makes.
 */
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { RSAPublicKey } from "@peculiar/asn1-rsa";
import { AsnConvert } from "@peculiar/asn1-schema";
import { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { NutcaError } from "../errors.js";
import { engine } from "./engine.js";
import { pemEncode } from "./pem.js";
import type { x509 } from "./x509.js";

/** Key types NUT's consumers all accept (NSS cannot load Ed25519). */
export const KEY_TYPES = ["ec-p256", "ec-p384", "rsa-2048", "rsa-3072", "rsa-4096"] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const DEFAULT_KEY_TYPE: KeyType = "ec-p256";

const ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const ID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
/** The named curves nutca issues, by their encoded ECParameters OID (RFC 5480). */
const CURVES: Record<string, "P-256" | "P-384"> = { "06082a8648ce3d030107": "P-256", "06052b81040022": "P-384" };

export function parseKeyType(text: string): KeyType {
  const normalized = text.trim().toLowerCase();
  if ((KEY_TYPES as readonly string[]).includes(normalized)) return normalized as KeyType;
  throw new NutcaError("BAD_KEY_TYPE", `unknown key type "${text}"`, `use one of ${KEY_TYPES.join(", ")}`);
}

export function isRsa(type: KeyType): boolean {
  return type.startsWith("rsa-");
}

/** The WebCrypto algorithm a key of this type is generated with. */
function generationAlgorithm(type: KeyType): RsaHashedKeyGenParams | EcKeyGenParams {
  if (type === "ec-p256") return { name: "ECDSA", namedCurve: "P-256" };
  if (type === "ec-p384") return { name: "ECDSA", namedCurve: "P-384" };
  return {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
    modulusLength: Number(type.slice(4)),
    publicExponent: new Uint8Array([1, 0, 1]),
  };
}

export async function generateKeyPair(type: KeyType): Promise<CryptoKeyPair> {
  return engine.subtle.generateKey(generationAlgorithm(type), true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

/** A new leaf key: its SubjectPublicKeyInfo and its unencrypted PKCS#8 PEM (the file the store keeps at 0600). */
export async function generateLeafKey(type: KeyType): Promise<{ spki: Uint8Array<ArrayBuffer>; pkcs8Pem: string }> {
  const keys = await generateKeyPair(type);
  const [spki, pkcs8] = await Promise.all([
    engine.subtle.exportKey("spki", keys.publicKey),
    engine.subtle.exportKey("pkcs8", keys.privateKey),
  ]);
  return { spki: new Uint8Array(spki), pkcs8Pem: pemEncode(pkcs8, "PRIVATE KEY") };
}

export async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await engine.subtle.exportKey("pkcs8", key));
}

/** The key type of a key the engine holds; anything nutca does not issue is refused. */
function keyTypeOf(key: CryptoKey): KeyType {
  const algorithm = key.algorithm as Partial<EcKeyAlgorithm & RsaHashedKeyAlgorithm>;
  const type =
    algorithm.name === "ECDSA"
      ? `ec-${algorithm.namedCurve?.replace("-", "").toLowerCase()}`
      : `rsa-${algorithm.modulusLength}`;
  if ((KEY_TYPES as readonly string[]).includes(type)) return type as KeyType;
  throw unsupported([algorithm.name, algorithm.namedCurve ?? algorithm.modulusLength].filter(Boolean).join(" "));
}

/**
 * The signature a CA key makes, from the key itself (its curve or its
 * modulus), never from what a settings file says it is: ECDSA with the hash
 * that matches the curve, RSA PKCS#1 v1.5 with SHA-256.
 */
export function signingAlgorithmOf(key: CryptoKey): Algorithm | EcdsaParams {
  const type = keyTypeOf(key);
  if (type === "ec-p256") return { name: "ECDSA", hash: "SHA-256" } as EcdsaParams;
  if (type === "ec-p384") return { name: "ECDSA", hash: "SHA-384" } as EcdsaParams;
  return { name: "RSASSA-PKCS1-v1_5" };
}

/** Imports an unencrypted PKCS#8 key (DER) for signing; its algorithm is read from the key. */
export async function importPrivateKey(pkcs8: Uint8Array): Promise<CryptoKey> {
  const algorithm = importAlgorithm(pkcs8);
  const key = await engine.subtle.importKey("pkcs8", new Uint8Array(pkcs8), algorithm, true, ["sign"]);
  keyTypeOf(key);
  return key;
}

function importAlgorithm(pkcs8: Uint8Array): RsaHashedImportParams | EcKeyImportParams {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(pkcs8, PrivateKeyInfo);
  } catch (error) {
    throw new NutcaError("BAD_FILE", "the key is not a PKCS#8 private key", "restore it from a backup", {
      cause: error,
    });
  }
  const { algorithm, parameters } = info.privateKeyAlgorithm;
  if (algorithm === ID_RSA_ENCRYPTION) return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const curve = algorithm === ID_EC_PUBLIC_KEY ? curveOf(parameters) : undefined;
  if (curve) return { name: "ECDSA", namedCurve: curve };
  throw unsupported(algorithm);
}

function curveOf(parameters: ArrayBuffer | null | undefined): string | undefined {
  return parameters ? CURVES[Buffer.from(parameters).toString("hex")] : undefined;
}

function unsupported(what: string): NutcaError {
  return new NutcaError("BAD_KEY_TYPE", `unsupported key (${what})`, `use one of ${KEY_TYPES.join(", ")}`);
}

/**
 * The type of a SubjectPublicKeyInfo's key (from a CSR, or from a certificate
 * renewed with its key). Only the key types nutca issues are accepted: the
 * same rule as for keys it makes.
 */
export function keyTypeOfSpki(spki: Uint8Array): KeyType {
  let info: SubjectPublicKeyInfo;
  try {
    info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  } catch (error) {
    throw new NutcaError("BAD_CSR", "the public key cannot be read", "make a new request with an EC or RSA key", {
      cause: error,
    });
  }
  const { algorithm, parameters } = info.algorithm;
  if (algorithm === ID_EC_PUBLIC_KEY) {
    const curve = curveOf(parameters);
    if (curve === "P-256") return "ec-p256";
    if (curve === "P-384") return "ec-p384";
    throw unsupported("EC, on a curve other than P-256 and P-384");
  }
  if (algorithm === ID_RSA_ENCRYPTION) {
    const modulus = Buffer.from(AsnConvert.parse(info.subjectPublicKey, RSAPublicKey).modulus);
    const type = `rsa-${modulusBits(modulus)}`;
    if ((KEY_TYPES as readonly string[]).includes(type)) return type as KeyType;
    throw unsupported(`RSA ${modulusBits(modulus)} bits`);
  }
  throw unsupported(algorithm);
}

function modulusBits(modulus: Buffer): number {
  const start = modulus.findIndex((octet) => octet !== 0);
  if (start < 0) return 0;
  return (modulus.length - start) * 8 - Math.clz32(modulus[start]!) + 24;
}

/**
 * Whether a private key is the key of a certificate: its public half (the
 * JWK's public members: curve and point, or modulus and exponent) equals the
 * certificate's public key. The one rule signing (store/signer.ts) and doctor
 * apply to the CA key.
 */
export async function isKeyOf(privateKey: CryptoKey, certificate: x509.X509Certificate): Promise<boolean> {
  const [mine, theirs] = await Promise.all([
    engine.subtle.exportKey("jwk", privateKey),
    certificate.publicKey.export().then((key) => engine.subtle.exportKey("jwk", key)),
  ]);
  const publicMembers = ["kty", "crv", "x", "y", "n", "e"] as const;
  return publicMembers.every((member) => mine[member] === theirs[member]);
}
