/**
 * Encrypted PKCS#8 for keys at rest. Node's own encrypted export uses only
 * 2,048 PBKDF2 iterations, so the PBES2 structure is built here:
 * PBKDF2-HMAC-SHA256 with 600,000 iterations and AES-256-CBC, which
 * `openssl pkey` reads (and decryptPkcs8 in pkcs8.ts).
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { EncryptedData, EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
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

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
