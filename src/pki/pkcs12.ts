/**
 * PKCS#12 (RFC 7292) files: a key, its certificate and the CA chain in one
 * password-protected file, for consumers that import that way (NSS pk12util,
 * Windows, Java). The leaf's friendlyName becomes its NSS nickname, which is
 * what upsd's CERTIDENT names.
 *
 * The layout is what `openssl pkcs12 -export` writes: certificates in an
 * encrypted SafeContents, the key in a pkcs8ShroudedKeyBag in a plain one, an
 * HMAC over both. All crypto is node:crypto (OpenSSL): one provider that has
 * PBKDF2, AES, 3DES and the hashes for the PKCS#12 KDF (WebCrypto lacks 3DES).
 */
import { createCipheriv, createHash, createHmac, createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { EncryptedContent, EncryptedContentInfo, ContentInfo, id_data, id_encryptedData } from "@peculiar/asn1-cms";
import {
  AuthenticatedSafe,
  CertBag,
  id_certBag,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
  MacData,
  PFX,
  PKCS12Attribute,
  SafeBag,
  SafeContents,
} from "@peculiar/asn1-pfx";
import { EncryptedData as KeyData, EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { DigestInfo } from "@peculiar/asn1-rsa";
import { AsnBmpStringConverter, AsnConvert, AsnProp, AsnPropTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { pbes2Encrypt } from "./pbes2.js";
import { NutcaError } from "../errors.js";

/**
 * Iterations for every key derivation in the file (key, certificates, MAC).
 * OpenSSL 3 writes 2,048 and Java's keytool 10,000; 100,000 makes guessing a
 * human-chosen password ~50 times dearer than OpenSSL's file while staying far
 * under what readers cap (.NET 600,000 for PBES1 and in total, Go's pkcs12
 * 1,000,000, the JDK 5,000,000) and quick for pk12util on a small router. The
 * CA key at rest gets 600,000 (pkcs8.ts); a .p12 with the default generated
 * 144-bit password gains nothing from more.
 */
export const PKCS12_ITERATIONS = 100_000;

export interface Pkcs12Input {
  /** Unencrypted PKCS#8 DER; the leaf certificate DER; the CA certificates' DER, intermediates then root. */
  readonly keyPkcs8: Uint8Array;
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  /** The leaf's name in the importing store: the NSS nickname. */
  readonly friendlyName: string;
  readonly password: string;
  /** 3DES and a SHA-1 MAC for consumers older than PBES2 (Windows < 10 1709, OpenSSL 1.0, old Java). */
  readonly legacy?: boolean;
  readonly iterations?: number;
}

const OID = {
  pbeSha1TripleDes: "1.2.840.113549.1.12.1.3",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
} as const;

/** pkcs-12PbeParams (RFC 7292 appendix C). */
class Pkcs12PbeParams {
  @AsnProp({ type: OctetString }) salt = new OctetString();
  @AsnProp({ type: AsnPropTypes.Integer }) iterations = 0;
}

/** CMS EncryptedData (RFC 5652 section 8), which @peculiar/asn1-cms does not define. */
class EncryptedData {
  @AsnProp({ type: AsnPropTypes.Integer }) version = 0;
  @AsnProp({ type: EncryptedContentInfo }) encryptedContentInfo = new EncryptedContentInfo();
}

interface Scheme {
  readonly encrypt: (
    plain: Uint8Array,
    password: string,
    iterations: number,
  ) => Promise<{ algorithm: AlgorithmIdentifier; data: Buffer }>;
  readonly macHash: "sha1" | "sha256";
  readonly macOid: string;
  readonly saltLength: number;
}

/** PBES2 (see pbes2.ts) and a SHA-256 MAC. */
const MODERN: Scheme = {
  macHash: "sha256",
  macOid: OID.sha256,
  saltLength: 16,
  encrypt: pbes2Encrypt,
};

/** pbeWithSHAAnd3-KeyTripleDES-CBC: key and IV from the PKCS#12 KDF with SHA-1 (8-byte salts, as OpenSSL writes). */
const LEGACY: Scheme = {
  macHash: "sha1",
  macOid: OID.sha1,
  saltLength: 8,
  encrypt: async (plain, password, iterations) => {
    const salt = randomBytes(8);
    const key = pkcs12Kdf("sha1", password, salt, 1, iterations, 24);
    const iv = pkcs12Kdf("sha1", password, salt, 2, iterations, 8);
    const params = Object.assign(new Pkcs12PbeParams(), { salt: new OctetString(salt), iterations });
    return {
      algorithm: new AlgorithmIdentifier({ algorithm: OID.pbeSha1TripleDes, parameters: AsnConvert.serialize(params) }),
      data: cipher("des-ede3-cbc", key, iv, plain),
    };
  },
};

/** The DER of a PFX holding the key, its certificate (with friendlyName and localKeyID) and the CA chain. */
export async function buildPkcs12(input: Pkcs12Input): Promise<Uint8Array> {
  const { password, friendlyName } = input;
  const iterations = input.iterations ?? PKCS12_ITERATIONS;
  if (password === "") throw new NutcaError("BAD_PASSPHRASE", "the PKCS#12 password is empty", "give a password");
  if (friendlyName.trim() === "") throw new NutcaError("BAD_NAME", "the PKCS#12 friendly name is empty");
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new NutcaError("INTERNAL", `invalid PKCS#12 iteration count ${iterations}`);
  }
  checkInputs(input);
  const scheme = input.legacy ? LEGACY : MODERN;

  // OpenSSL's choice of localKeyID: it pairs the key with its certificate on import.
  const localKeyId = createHash("sha1").update(input.certificate).digest();
  const leafAttributes = [
    attribute(OID.friendlyName, AsnBmpStringConverter.toASN(friendlyName).toBER(false)),
    attribute(OID.localKeyId, AsnConvert.serialize(new OctetString(localKeyId))),
  ];

  const certBags = [input.certificate, ...input.chain].map((der, index) => {
    const bag = new CertBag({ certId: id_x509Certificate, certValue: AsnConvert.serialize(new OctetString(der)) });
    return new SafeBag({
      bagId: id_certBag,
      bagValue: AsnConvert.serialize(bag),
      ...(index === 0 ? { bagAttributes: leafAttributes } : {}),
    });
  });
  const certs = await scheme.encrypt(der(new SafeContents(certBags)), password, iterations);
  const certInfo = Object.assign(new EncryptedData(), {
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: id_data,
      contentEncryptionAlgorithm: certs.algorithm,
      encryptedContent: new EncryptedContent({ value: new OctetString(certs.data) }),
    }),
  });

  const key = await scheme.encrypt(input.keyPkcs8, password, iterations);
  const shrouded = new EncryptedPrivateKeyInfo({
    encryptionAlgorithm: key.algorithm,
    encryptedData: new KeyData(key.data),
  });
  const keyBag = new SafeBag({
    bagId: id_pkcs8ShroudedKeyBag,
    bagValue: AsnConvert.serialize(shrouded),
    bagAttributes: leafAttributes,
  });

  const authenticatedSafe = der(
    new AuthenticatedSafe([
      new ContentInfo({ contentType: id_encryptedData, content: AsnConvert.serialize(certInfo) }),
      dataContent(der(new SafeContents([keyBag]))),
    ]),
  );

  // The MAC covers the AuthenticatedSafe's DER; its key comes from the PKCS#12 KDF (ID 3) with the MAC's hash.
  const macSalt = randomBytes(scheme.saltLength);
  const macKey = pkcs12Kdf(scheme.macHash, password, macSalt, 3, iterations, scheme.macHash === "sha1" ? 20 : 32);
  const mac = createHmac(scheme.macHash, macKey).update(authenticatedSafe).digest();
  const pfx = new PFX({
    version: 3,
    authSafe: dataContent(authenticatedSafe),
    macData: new MacData({
      mac: new DigestInfo({
        digestAlgorithm: new AlgorithmIdentifier({ algorithm: scheme.macOid, parameters: null }),
        digest: new OctetString(mac),
      }),
      macSalt: new OctetString(macSalt),
      iterations,
    }),
  });
  return der(pfx);
}

/**
 * The PKCS#12 key derivation (RFC 7292 appendix B.2). The password is a
 * BMPString with its two-byte terminator; UTF-16BE, as OpenSSL 3 converts a
 * UTF-8 password. `id` is 1 for a key, 2 for an IV, 3 for a MAC key.
 */
export function pkcs12Kdf(
  hash: "sha1" | "sha256",
  password: string,
  salt: Uint8Array,
  id: 1 | 2 | 3,
  iterations: number,
  length: number,
): Buffer {
  const u = hash === "sha1" ? 20 : 32;
  const v = 64; // the block size of SHA-1 and SHA-256
  const bmp = Buffer.concat([Buffer.from(password, "utf16le").swap16(), Buffer.alloc(2)]);
  const repeat = (bytes: Uint8Array) => {
    const out = Buffer.alloc(v * Math.ceil(bytes.length / v));
    for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
    return out;
  };
  const diversifier = Buffer.alloc(v, id);
  const I = Buffer.concat([repeat(salt), repeat(bmp)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let a = createHash(hash).update(diversifier).update(I).digest();
    for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest();
    blocks.push(a);
    if (produced + u >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, B being A repeated to v bytes.
    const b = repeat(a);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + b[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** A PKCS#12 file whose key does not open its certificate would import and then fail at the first handshake. */
function checkInputs(input: Pkcs12Input): void {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(input.certificate);
    for (const ca of input.chain) new X509Certificate(ca);
  } catch (error) {
    throw new NutcaError("STORE_CORRUPT", "a certificate for the PKCS#12 file cannot be read", "run nutca doctor", {
      cause: error,
    });
  }
  const key = createPrivateKey({ key: Buffer.from(input.keyPkcs8), format: "der", type: "pkcs8" });
  if (!leaf.checkPrivateKey(key)) {
    throw new NutcaError("STORE_CORRUPT", "the private key does not match the certificate", "run nutca doctor");
  }
}

function attribute(id: string, value: ArrayBuffer): PKCS12Attribute {
  // PKCS12Attribute's constructor drops its parameters (asn1-pfx 2.11.1), so assign them.
  return Object.assign(new PKCS12Attribute(), { attrId: id, attrValues: [value] });
}

function dataContent(content: Uint8Array): ContentInfo {
  return new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(content)) });
}

function cipher(name: string, key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Buffer {
  const encryptor = createCipheriv(name, key, iv);
  return Buffer.concat([encryptor.update(plain), encryptor.final()]);
}

function der(value: object): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}
