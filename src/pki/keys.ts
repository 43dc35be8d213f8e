import { createPrivateKey, generateKeyPair as generateKeyObjects, generateKeyPairSync, KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { NutcaError } from "../errors.js";
import { children, readTlv } from "./der.js";
import { encodeTlv, TAG_SEQUENCE } from "./der-encode.js";
import { engine } from "./engine.js";
import { pemEncode } from "./pem.js";

/** Key types NUT's consumers all accept (NSS cannot load Ed25519). */
export const KEY_TYPES = ["ec-p256", "ec-p384", "rsa-2048", "rsa-3072", "rsa-4096"] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const DEFAULT_KEY_TYPE: KeyType = "ec-p256";

export function parseKeyType(text: string): KeyType {
  const normalized = text.trim().toLowerCase();
  if ((KEY_TYPES as readonly string[]).includes(normalized)) return normalized as KeyType;
  throw new NutcaError("BAD_KEY_TYPE", `unknown key type "${text}"`, `use one of ${KEY_TYPES.join(", ")}`);
}

/** The WebCrypto algorithm a key of this type is generated, imported and used with. */
export function keyAlgorithm(type: KeyType): RsaHashedImportParams | EcKeyImportParams {
  switch (type) {
    case "ec-p256":
      return { name: "ECDSA", namedCurve: "P-256" };
    case "ec-p384":
      return { name: "ECDSA", namedCurve: "P-384" };
    default:
      return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  }
}

/** The signature algorithm a CA key of this type signs with. */
export function signingAlgorithm(type: KeyType): Algorithm | EcdsaParams {
  if (type === "ec-p256") return { name: "ECDSA", hash: "SHA-256" } as EcdsaParams;
  if (type === "ec-p384") return { name: "ECDSA", hash: "SHA-384" } as EcdsaParams;
  return { name: "RSASSA-PKCS1-v1_5" };
}

export function isRsa(type: KeyType): boolean {
  return type.startsWith("rsa-");
}

export async function generateKeyPair(type: KeyType, crypto: Crypto = engine): Promise<CryptoKeyPair> {
  const algorithm = keyAlgorithm(type);
  const params = isRsa(type)
    ? {
        ...algorithm,
        modulusLength: Number(type.slice(4)),
        publicExponent: new Uint8Array([1, 0, 1]),
      }
    : algorithm;
  return crypto.subtle.generateKey(params, true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

/** A new leaf key: its SubjectPublicKeyInfo and its unencrypted PKCS#8 PEM (the file the store keeps at 0600). */
export async function generateLeafKey(type: KeyType): Promise<{ spki: Uint8Array; pkcs8Pem: string }> {
  if (isRsa(type)) {
    // RSA generation takes long enough that it must not block the event loop (the progress bar, signals).
    const keys = await promisify(generateKeyObjects)("rsa", {
      modulusLength: Number(type.slice(4)),
      publicExponent: 0x10001,
    });
    return { spki: exportSpki(keys.publicKey), pkcs8Pem: pemEncode(exportPkcs8Der(keys.privateKey), "PRIVATE KEY") };
  }
  // EC generation takes microseconds, but OpenSSL's SPKI encoder costs more than the key and the
  // certificate's signature together: the SPKI is put together from the PKCS#8, which holds both halves.
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: type === "ec-p256" ? "P-256" : "P-384" });
  const pkcs8 = exportPkcs8Der(privateKey);
  return { spki: ecSpkiOfPkcs8(pkcs8) ?? exportSpki(publicKey), pkcs8Pem: pemEncode(pkcs8, "PRIVATE KEY") };
}

/**
 * PKCS#8 (RFC 5208) carries the curve in its AlgorithmIdentifier and the public point in the
 * ECPrivateKey's [1] field (RFC 5915): an SPKI (RFC 5480) is those two in a SEQUENCE.
 */
export function ecSpkiOfPkcs8(pkcs8: Uint8Array): Uint8Array | undefined {
  const [, algorithm, privateKey] = children(readTlv(pkcs8).content);
  if (!algorithm || privateKey?.tag !== 0x04) return undefined;
  const publicKey = children(readTlv(privateKey.content).content).find((field) => field.tag === 0xa1);
  return publicKey ? encodeTlv(TAG_SEQUENCE, algorithm.encoded, publicKey.content) : undefined;
}

function exportPkcs8Der(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: "der", type: "pkcs8" }));
}

function exportSpki(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: "der", type: "spki" }));
}

export async function exportPkcs8(key: CryptoKey, crypto: Crypto = engine): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey("pkcs8", key));
}

/** Tells the key type of an unencrypted PKCS#8 key (DER). */
export function keyTypeOfPkcs8(pkcs8: Uint8Array): KeyType {
  return keyTypeOfKeyObject(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }));
}

export function keyTypeOfKeyObject(key: KeyObject): KeyType {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "ec") {
    if (details.namedCurve === "prime256v1") return "ec-p256";
    if (details.namedCurve === "secp384r1") return "ec-p384";
  }
  if (key.asymmetricKeyType === "rsa") {
    const type = `rsa-${details.modulusLength}`;
    if ((KEY_TYPES as readonly string[]).includes(type)) return type as KeyType;
  }
  const what = [key.asymmetricKeyType, details.namedCurve ?? details.modulusLength].filter(Boolean).join(" ");
  throw new NutcaError("BAD_KEY_TYPE", `unsupported key (${what})`, `use one of ${KEY_TYPES.join(", ")}`);
}

export async function importPrivateKey(pkcs8: Uint8Array, crypto: Crypto = engine): Promise<CryptoKey> {
  const type = keyTypeOfPkcs8(pkcs8);
  return crypto.subtle.importKey("pkcs8", new Uint8Array(pkcs8), keyAlgorithm(type), true, ["sign"]);
}
