/**
 * Encrypted PKCS#8 for keys at rest. Node's own encrypted export uses only
 * 2,048 PBKDF2 iterations, so the PBES2 structure is built here:
 * PBKDF2-HMAC-SHA256 with 600,000 iterations and AES-256-CBC, which
 * `openssl pkey` reads. Decryption is left to OpenSSL inside node:crypto.
 */
import { createCipheriv, createPrivateKey, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { AsnConvert, AsnProp, AsnPropTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { EncryptedData, EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { NutcaError } from "../errors.js";
import { x509 } from "./x509.js";

export const PBKDF2_ITERATIONS = 600_000;

const OID_PBES2 = "1.2.840.113549.1.5.13";
const OID_PBKDF2 = "1.2.840.113549.1.5.12";
const OID_HMAC_SHA256 = "1.2.840.113549.2.9";
const OID_AES256_CBC = "2.16.840.1.101.3.4.1.42";

class Pbkdf2Params {
  @AsnProp({ type: AsnPropTypes.OctetString }) salt = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Integer }) iterationCount = 0;
  @AsnProp({ type: AsnPropTypes.Integer, optional: true }) keyLength?: number;
  @AsnProp({ type: AlgorithmIdentifier }) prf = new AlgorithmIdentifier();
}

class Pbes2Params {
  @AsnProp({ type: AlgorithmIdentifier }) keyDerivationFunc = new AlgorithmIdentifier();
  @AsnProp({ type: AlgorithmIdentifier }) encryptionScheme = new AlgorithmIdentifier();
}

export async function encryptPkcs8(
  pkcs8: Uint8Array,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = await promisify(pbkdf2)(Buffer.from(passphrase, "utf8"), salt, iterations, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);

  const kdf = Object.assign(new Pbkdf2Params(), {
    salt: toArrayBuffer(salt),
    iterationCount: iterations,
    prf: new AlgorithmIdentifier({ algorithm: OID_HMAC_SHA256, parameters: null }),
  });
  const params = Object.assign(new Pbes2Params(), {
    keyDerivationFunc: new AlgorithmIdentifier({ algorithm: OID_PBKDF2, parameters: AsnConvert.serialize(kdf) }),
    encryptionScheme: new AlgorithmIdentifier({
      algorithm: OID_AES256_CBC,
      parameters: AsnConvert.serialize(new OctetString(toArrayBuffer(iv))),
    }),
  });
  const info = new EncryptedPrivateKeyInfo({
    encryptionAlgorithm: new AlgorithmIdentifier({ algorithm: OID_PBES2, parameters: AsnConvert.serialize(params) }),
    encryptedData: new EncryptedData(toArrayBuffer(encrypted)),
  });
  return x509.PemConverter.encode(AsnConvert.serialize(info), "ENCRYPTED PRIVATE KEY");
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
  return x509.PemConverter.encode(toArrayBuffer(pkcs8), "PRIVATE KEY");
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
