/**
 * Private keys at rest, read: PKCS#8 PEM, encrypted (encrypt-pkcs8.ts) or
 * not. Decryption is left to OpenSSL inside node:crypto, so reading the CA
 * key to sign loads no ASN.1 library.
 */
import { createPrivateKey } from "node:crypto";
import { NutcaError } from "../errors.js";
import { pemEncode } from "./pem.js";

export function isEncryptedPem(pem: string): boolean {
  return pem.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----");
}

/** Reads a PEM private key (encrypted or not) into unencrypted PKCS#8 DER. */
export function decryptPkcs8(pem: string, passphrase: string | undefined, what = "the CA key"): Uint8Array {
  if (isEncryptedPem(pem) && passphrase === undefined) {
    throw new NutcaError("PASSPHRASE_REQUIRED", `${what} is encrypted and no passphrase was given`);
  }
  try {
    const key = createPrivateKey({ key: pem, format: "pem", passphrase: passphrase ?? "" });
    return new Uint8Array(key.export({ format: "der", type: "pkcs8" }));
  } catch (error) {
    if (isEncryptedPem(pem)) {
      throw new NutcaError(
        "BAD_PASSPHRASE",
        `wrong passphrase for ${what}`,
        "check the passphrase file or NUTCA_PASSPHRASE",
        {
          cause: error,
        },
      );
    }
    throw new NutcaError("STORE_CORRUPT", `${what} cannot be read`, "restore it from a backup", { cause: error });
  }
}

export function pkcs8ToPem(pkcs8: Uint8Array): string {
  return pemEncode(pkcs8, "PRIVATE KEY");
}
