/**
 * PBES2 (RFC 8018) with PBKDF2-HMAC-SHA256 and AES-256-CBC: the scheme of the
 * store's encrypted CA key and of modern PKCS#12 files. The password is used
 * as UTF-8, as OpenSSL 3 and NSS read it.
 */
import { createCipheriv, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { AsnConvert, AsnProp, AsnPropTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";

const OID = {
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacSha256: "1.2.840.113549.2.9",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
} as const;

class Pbkdf2Params {
  @AsnProp({ type: OctetString }) salt = new OctetString();
  @AsnProp({ type: AsnPropTypes.Integer }) iterationCount = 0;
  @AsnProp({ type: AlgorithmIdentifier }) prf = new AlgorithmIdentifier();
}

class Pbes2Params {
  @AsnProp({ type: AlgorithmIdentifier }) keyDerivationFunc = new AlgorithmIdentifier();
  @AsnProp({ type: AlgorithmIdentifier }) encryptionScheme = new AlgorithmIdentifier();
}

/** Encrypts with a fresh 16-byte salt and IV; returns the AlgorithmIdentifier that describes how. */
export async function pbes2Encrypt(
  plain: Uint8Array,
  password: string,
  iterations: number,
): Promise<{ algorithm: AlgorithmIdentifier; data: Buffer }> {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = await promisify(pbkdf2)(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const kdf = Object.assign(new Pbkdf2Params(), {
    salt: new OctetString(salt),
    iterationCount: iterations,
    prf: new AlgorithmIdentifier({ algorithm: OID.hmacSha256, parameters: null }),
  });
  const params = Object.assign(new Pbes2Params(), {
    keyDerivationFunc: new AlgorithmIdentifier({ algorithm: OID.pbkdf2, parameters: AsnConvert.serialize(kdf) }),
    encryptionScheme: new AlgorithmIdentifier({
      algorithm: OID.aes256Cbc,
      parameters: AsnConvert.serialize(new OctetString(iv)),
    }),
  });
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: OID.pbes2, parameters: AsnConvert.serialize(params) }),
    data,
  };
}
