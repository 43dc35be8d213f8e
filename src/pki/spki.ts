import { createPublicKey } from "node:crypto";
import { NutcaError } from "../errors.js";
import { keyTypeOfKeyObject, type KeyType } from "./keys.js";

/**
 * The type of a SubjectPublicKeyInfo's key (from a CSR, or from a certificate
 * being renewed with its key). Only the key types nutca issues are accepted:
 * the same rule as for keys it makes.
 */
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
