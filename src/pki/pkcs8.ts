/**
 * Encrypted PKCS#8 for keys at rest. Node's own encrypted export uses only
 * 2,048 PBKDF2 iterations, so the PBES2 structure is built here:
 * PBKDF2-HMAC-SHA256 with 600,000 iterations and AES-256-CBC, which
 * `openssl pkey` reads. Decryption is left to OpenSSL inside node:crypto.
 */
import { createPrivateKey } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { EncryptedData, EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { NutcaError } from "../errors.js";
import { pbes2Encrypt } from "./pbes2.js";
import { pemEncode } from "./pem.js";

export const PBKDF2_ITERATIONS = 600_000;

export async function encryptPkcs8(
  pkcs8: Uint8Array,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<string> {
  const { algorithm, data } = await pbes2Encrypt(pkcs8, passphrase, iterations);
  const info = new EncryptedPrivateKeyInfo({
    encryptionAlgorithm: algorithm,
    encryptedData: new EncryptedData(toArrayBuffer(data)),
  });
  return pemEncode(AsnConvert.serialize(info), "ENCRYPTED PRIVATE KEY");
}

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

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
