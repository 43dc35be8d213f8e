// buildPkcs12 read back by independent code: pkijs for the modern (PBES2)
// files, and for the legacy (3DES) ones, which pkijs cannot decrypt, the
// structure schemas plus node:crypto with the KDF checked against known vectors.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createDecipheriv, createHash, createHmac, webcrypto } from "node:crypto";
import * as pkijs from "pkijs";
import { EncryptedContentInfo } from "@peculiar/asn1-cms";
import { AuthenticatedSafe, CertBag, PFX, SafeContents } from "@peculiar/asn1-pfx";
import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AsnConvert, AsnProp, AsnPropTypes, OctetString } from "@peculiar/asn1-schema";
import type { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { NutcaError } from "../../src/errors.js";
import { buildPkcs12, pkcs12Kdf, PKCS12_ITERATIONS } from "../../src/pki/pkcs12.js";
import { makeFixture, type Fixture } from "./fixtures.js";

const OID = {
  certBag: "1.2.840.113549.1.12.10.1.3",
  keyBag: "1.2.840.113549.1.12.10.1.2",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  encryptedData: "1.2.840.113549.1.7.6",
  data: "1.2.840.113549.1.7.1",
  pbes2: "1.2.840.113549.1.5.13",
  tripleDes: "1.2.840.113549.1.12.1.3",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
};
const engine = new pkijs.CryptoEngine({ name: "node", crypto: webcrypto as unknown as Crypto });
const FAST = 2048;

interface Bag {
  readonly bagId: string;
  readonly friendlyName?: string;
  readonly localKeyId?: string;
  /** The certificate, or the decrypted PKCS#8 key, as DER. */
  readonly der: Uint8Array;
}

const hex = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes as Uint8Array).toString("hex");

/** Opens a PBES2 PFX with pkijs, checking the MAC; the bags in file order. */
async function openModern(der: Uint8Array, password: string): Promise<{ bags: Bag[]; pfx: pkijs.PFX }> {
  const pw = new TextEncoder().encode(password).buffer as ArrayBuffer;
  const pfx = pkijs.PFX.fromBER(new Uint8Array(der));
  await pfx.parseInternalValues({ password: pw, checkIntegrity: true }, engine);
  const safe = pfx.parsedValue!.authenticatedSafe!;
  const params = safe.safeContents.map((info) => (info.contentType === OID.encryptedData ? { password: pw } : {}));
  await safe.parseInternalValues({ safeContents: params }, engine);
  const bags: Bag[] = [];
  for (const contents of safe.parsedValue.safeContents as { value: pkijs.SafeContents }[]) {
    for (const bag of contents.value.safeBags) {
      const attributes = new Map((bag.bagAttributes ?? []).map((a) => [a.type, a.values[0]]));
      let bytes: ArrayBuffer;
      if (bag.bagId === OID.keyBag) {
        // parseInternalValues is protected in pkijs's types, though it is how a shrouded key is opened.
        const shrouded = bag.bagValue as unknown as {
          parseInternalValues(p: { password: ArrayBuffer }, c: pkijs.ICryptoEngine): Promise<void>;
          parsedValue: pkijs.PrivateKeyInfo;
        };
        await shrouded.parseInternalValues({ password: pw }, engine);
        bytes = shrouded.parsedValue.toSchema().toBER();
      } else {
        bytes = (bag.bagValue as pkijs.CertBag).parsedValue.toSchema().toBER();
      }
      bags.push({
        bagId: bag.bagId,
        friendlyName: attributes.get(OID.friendlyName)?.valueBlock.value,
        localKeyId: attributes.has(OID.localKeyId)
          ? hex(attributes.get(OID.localKeyId).valueBlock.valueHexView)
          : undefined,
        der: new Uint8Array(bytes),
      });
    }
  }
  return { bags, pfx };
}

class EncryptedData {
  @AsnProp({ type: AsnPropTypes.Integer }) version = 0;
  @AsnProp({ type: EncryptedContentInfo }) encryptedContentInfo = new EncryptedContentInfo();
}
class PbeParams {
  @AsnProp({ type: AsnPropTypes.OctetString }) salt = new ArrayBuffer(0);
  @AsnProp({ type: AsnPropTypes.Integer }) iterations = 0;
}

function tripleDesDecrypt(algorithm: AlgorithmIdentifier, data: ArrayBuffer, password: string): Uint8Array {
  assert.equal(algorithm.algorithm, OID.tripleDes);
  const { salt, iterations } = AsnConvert.parse(algorithm.parameters!, PbeParams);
  const key = pkcs12Kdf("sha1", password, new Uint8Array(salt), 1, iterations, 24);
  const iv = pkcs12Kdf("sha1", password, new Uint8Array(salt), 2, iterations, 8);
  const decipher = createDecipheriv("des-ede3-cbc", key, iv);
  return Buffer.concat([decipher.update(new Uint8Array(data)), decipher.final()]);
}

/** Opens a legacy PFX: SHA-1 MAC checked, certificates and key decrypted with 3DES. */
function openLegacy(der: Uint8Array, password: string): Bag[] {
  const pfx = AsnConvert.parse(der, PFX);
  const content = AsnConvert.parse(pfx.authSafe.content, OctetString);
  const { mac, macSalt, iterations } = pfx.macData;
  assert.equal(mac.digestAlgorithm.algorithm, OID.sha1);
  const macKey = pkcs12Kdf("sha1", password, new Uint8Array(macSalt.buffer), 3, iterations, 20);
  const expected = createHmac("sha1", macKey).update(new Uint8Array(content.buffer)).digest();
  assert.equal(hex(mac.digest.buffer), hex(expected), "MAC");
  const bags: Bag[] = [];
  for (const info of AsnConvert.parse(content.buffer, AuthenticatedSafe)) {
    let plain: ArrayBuffer | Uint8Array;
    if (info.contentType === OID.encryptedData) {
      const { encryptedContentInfo: eci } = AsnConvert.parse(info.content, EncryptedData);
      plain = tripleDesDecrypt(eci.contentEncryptionAlgorithm, eci.encryptedContent!.value!.buffer, password);
    } else {
      plain = AsnConvert.parse(info.content, OctetString).buffer;
    }
    for (const bag of AsnConvert.parse(plain, SafeContents)) {
      const attributes = new Map((bag.bagAttributes ?? []).map((a) => [a.attrId, a.attrValues[0]!]));
      const name = attributes.get(OID.friendlyName);
      const id = attributes.get(OID.localKeyId);
      let bytes: Uint8Array;
      if (bag.bagId === OID.keyBag) {
        const info = AsnConvert.parse(bag.bagValue, EncryptedPrivateKeyInfo);
        bytes = tripleDesDecrypt(info.encryptionAlgorithm, info.encryptedData.buffer, password);
      } else {
        bytes = new Uint8Array(AsnConvert.parse(AsnConvert.parse(bag.bagValue, CertBag).certValue, OctetString).buffer);
      }
      bags.push({
        bagId: bag.bagId,
        // BMPString: tag, length, UTF-16BE (short names only here).
        friendlyName: name && Buffer.from(name.slice(2)).swap16().toString("utf16le"),
        localKeyId: id && hex(AsnConvert.parse(id, OctetString).buffer),
        der: bytes,
      });
    }
  }
  return bags;
}

function assertLayout(bags: Bag[], fixture: Fixture, friendlyName: string): void {
  const certs = bags.filter((bag) => bag.bagId === OID.certBag);
  const keys = bags.filter((bag) => bag.bagId === OID.keyBag);
  assert.equal(keys.length, 1);
  assert.deepEqual(
    certs.map((bag) => hex(bag.der)),
    [fixture.certificate, ...fixture.chain].map(hex),
    "leaf, then intermediate, then root",
  );
  const [leaf, ...cas] = certs;
  const key = keys[0]!;
  const sha1 = createHash("sha1").update(fixture.certificate).digest("hex");
  assert.equal(leaf!.friendlyName, friendlyName);
  assert.equal(key.friendlyName, friendlyName);
  assert.equal(leaf!.localKeyId, sha1);
  assert.equal(key.localKeyId, leaf!.localKeyId);
  for (const ca of cas) assert.equal(ca.localKeyId, undefined, "CA certificates carry no localKeyID");
  assert.equal(hex(key.der), hex(fixture.keyPkcs8));
}

describe("buildPkcs12", () => {
  let ec: Fixture;
  before(async () => {
    ec = await makeFixture("ec-p256");
  });

  test("modern: pkijs reads it back with the MAC, friendlyName, localKeyID and the whole chain", async () => {
    const der = await buildPkcs12({ ...ec, friendlyName: "ups1", password: "s3cret-pw", iterations: FAST });
    const { bags, pfx } = await openModern(der, "s3cret-pw");
    assertLayout(bags, ec, "ups1");
    assert.equal(pfx.macData!.mac.digestAlgorithm.algorithmId, OID.sha256);
    assert.deepEqual(
      pfx.parsedValue!.authenticatedSafe!.safeContents.map((info) => info.contentType),
      [OID.encryptedData, OID.data],
      "certificates encrypted, the key in a shrouded bag, as OpenSSL writes",
    );
  });

  test("modern by default, with the documented iteration count everywhere", async () => {
    const der = await buildPkcs12({ ...ec, friendlyName: "ups1", password: "s3cret-pw" });
    const pfx = AsnConvert.parse(der, PFX);
    assert.equal(pfx.macData.iterations, PKCS12_ITERATIONS);
    assert.ok(PKCS12_ITERATIONS >= 10_000);
    const { bags } = await openModern(der, "s3cret-pw");
    assertLayout(bags, ec, "ups1");
    const safe = AsnConvert.parse(AsnConvert.parse(pfx.authSafe.content, OctetString).buffer, AuthenticatedSafe);
    const { encryptedContentInfo } = AsnConvert.parse(safe[0]!.content, EncryptedData);
    assert.equal(encryptedContentInfo.contentEncryptionAlgorithm.algorithm, OID.pbes2);
  });

  test("a wrong password fails the integrity check", async () => {
    const der = await buildPkcs12({ ...ec, friendlyName: "ups1", password: "right", iterations: FAST });
    await assert.rejects(openModern(der, "wrong"));
  });

  test("a non-ASCII password and friendly name round-trip (UTF-8 for PBKDF2, UTF-16 for the MAC)", async () => {
    const password = "Grüße € 𝄞";
    const der = await buildPkcs12({ ...ec, friendlyName: "Onduleur №1", password, iterations: FAST });
    assertLayout((await openModern(der, password)).bags, ec, "Onduleur №1");
  });

  test("RSA keys work the same", async () => {
    const rsa = await makeFixture("rsa-2048", "ups-rsa");
    const der = await buildPkcs12({ ...rsa, friendlyName: "ups-rsa", password: "pw", iterations: FAST });
    assertLayout((await openModern(der, "pw")).bags, rsa, "ups-rsa");
  });

  test("legacy: 3DES for key and certificates, SHA-1 MAC, same bags and attributes", async () => {
    const der = await buildPkcs12({
      ...ec,
      friendlyName: "ups1",
      password: "s3cret-pw",
      legacy: true,
      iterations: FAST,
    });
    assertLayout(openLegacy(der, "s3cret-pw"), ec, "ups1");
    assert.throws(() => openLegacy(der, "wrong"), /MAC/);
  });

  test("no chain: only the leaf certificate", async () => {
    const der = await buildPkcs12({ ...ec, chain: [], friendlyName: "ups1", password: "pw", iterations: FAST });
    assertLayout((await openModern(der, "pw")).bags, { ...ec, chain: [] }, "ups1");
  });

  test("bad input is refused with a NutcaError", async () => {
    const other = await makeFixture("ec-p256", "other");
    const cases: [Partial<Parameters<typeof buildPkcs12>[0]>, string][] = [
      [{ password: "" }, "BAD_PASSPHRASE"],
      [{ friendlyName: " " }, "BAD_NAME"],
      [{ iterations: 0 }, "INTERNAL"],
      [{ keyPkcs8: other.keyPkcs8 }, "STORE_CORRUPT"],
      [{ chain: [new Uint8Array([0x30, 0x00])] }, "STORE_CORRUPT"],
    ];
    for (const [change, code] of cases) {
      await assert.rejects(
        buildPkcs12({ ...ec, friendlyName: "ups1", password: "pw", iterations: FAST, ...change }),
        (error: unknown) => error instanceof NutcaError && error.code === code,
        JSON.stringify(Object.keys(change)),
      );
    }
  });
});

describe("pkcs12Kdf", () => {
  // RFC 7292 appendix B.2 vectors (also in OpenSSL's and Bouncy Castle's tests);
  // checked with `openssl kdf ... PKCS12KDF` given the BMPString password as hexpass.
  const vectors: [string, string, 1 | 2 | 3, number, number, string][] = [
    ["smeg", "0a58cf64530d823f", 1, 1, 24, "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"],
    ["queeg", "05dec959acff72f7", 2, 1000, 8, "11dedad7758d4860"],
  ];
  for (const [password, salt, id, iterations, length, expected] of vectors) {
    test(`"${password}" id ${id}, ${iterations} iterations`, () => {
      assert.equal(
        pkcs12Kdf("sha1", password, Buffer.from(salt, "hex"), id, iterations, length).toString("hex"),
        expected,
      );
    });
  }
  test("SHA-256, as for the modern MAC (openssl kdf -kdfopt digest:SHA256)", () => {
    const key = pkcs12Kdf("sha256", "nutca", Buffer.from("0001020304050607", "hex"), 3, 2048, 32);
    assert.equal(key.toString("hex"), "f68239113c21ab4ddfe50d55e8d1813d88da09551ab7f62cc3b26f3569d2a680");
  });
});
