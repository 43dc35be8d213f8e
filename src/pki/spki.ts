import { createPublicKey } from "node:crypto";
import { NutcaError } from "../errors.js";
import { keyAlgorithm, keyTypeOfKeyObject, type KeyType } from "./keys.js";
import { engine } from "./x509.js";

/**
 * Imports a SubjectPublicKeyInfo (from a CSR, or from a certificate being
 * renewed with its key) as a WebCrypto key that a certificate can carry. Only
 * the key types nutca issues are accepted: the same rule as for keys it makes.
 */
export async function importPublicKey(
  spki: Uint8Array,
  crypto: Crypto = engine,
): Promise<{ publicKey: CryptoKey; keyType: KeyType }> {
  const keyType = publicKeyType(spki);
  const publicKey = await crypto.subtle.importKey("spki", new Uint8Array(spki), keyAlgorithm(keyType), true, [
    "verify",
  ]);
  return { publicKey, keyType };
}

/** The type of a SubjectPublicKeyInfo's key, when it is one nutca issues for. */
export function publicKeyType(spki: Uint8Array): KeyType {
  try {
    return keyTypeOfKeyObject(createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }));
  } catch (error) {
    if (error instanceof NutcaError) throw error;
    throw new NutcaError("BAD_CSR", "the public key cannot be read", "make a new request with an EC or RSA key", {
      cause: error,
    });
  }
}
