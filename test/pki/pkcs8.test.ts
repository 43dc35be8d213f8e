import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { NutcaError } from "../../src/errors.js";
import { encryptPkcs8, PBKDF2_ITERATIONS } from "../../src/pki/encrypt-pkcs8.js";
import { decryptPkcs8, isEncryptedPem, pkcs8ToPem } from "../../src/pki/pkcs8.js";

/** Unit tests use few iterations; the CLI and interop tests check the real 600,000. */
const FAST = 1000;

function pkcs8Of(type: "ec" | "rsa"): Uint8Array {
  const { privateKey } =
    type === "ec"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }));
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  const load = (der: Uint8Array) => createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" });
  return load(a).equals(load(b));
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
}

function throwsCode(fn: () => unknown, code: string, exitCode: 1 | 2, fragment?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof NutcaError, `expected a NutcaError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.exitCode, exitCode);
    if (fragment) assert.match(error.line, fragment);
    return true;
  });
}

describe("encrypted PKCS#8", () => {
  test("the default is 600,000 PBKDF2 iterations", () => {
    assert.equal(PBKDF2_ITERATIONS, 600_000);
  });

  for (const type of ["ec", "rsa"] as const) {
    test(`an ${type} key encrypts and decrypts back to the same key`, async () => {
      const der = pkcs8Of(type);
      const pem = await encryptPkcs8(der, "s3cret passphrase", FAST);
      assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      assert.match(pem, /-----END ENCRYPTED PRIVATE KEY-----\n?$/);
      assert.ok(isEncryptedPem(pem));
      assert.ok(!pem.includes(Buffer.from(der).toString("base64").slice(0, 40)), "the key is not in the clear");
      assert.ok(sameKey(decryptPkcs8(pem, "s3cret passphrase"), der));
    });
  }

  test("the PBES2 structure names PBKDF2 with the given iteration count", async () => {
    const pem = await encryptPkcs8(pkcs8Of("ec"), "passphrase", FAST);
    const info = AsnConvert.parse(pemBody(pem), EncryptedPrivateKeyInfo);
    assert.equal(info.encryptionAlgorithm.algorithm, "1.2.840.113549.1.5.13", "PBES2");
    const params = Buffer.from(info.encryptionAlgorithm.parameters!);
    assert.ok(params.includes(Buffer.from("06092a864886f70d01050c", "hex")), "PBKDF2 OID");
    assert.ok(params.includes(Buffer.from("0202" + FAST.toString(16).padStart(4, "0"), "hex")), "iteration count");
    assert.ok(params.includes(Buffer.from("06082a864886f70d0209", "hex")), "hmacWithSHA256 OID");
    assert.ok(params.includes(Buffer.from("060960864801650304012a", "hex")), "aes-256-cbc OID");
  });

  test("two encryptions of one key differ (fresh salt and IV)", async () => {
    const der = pkcs8Of("ec");
    const [a, b] = await Promise.all([encryptPkcs8(der, "passphrase", FAST), encryptPkcs8(der, "passphrase", FAST)]);
    assert.notEqual(a, b);
  });

  test("a UTF-8 passphrase round-trips", async () => {
    const der = pkcs8Of("ec");
    const pem = await encryptPkcs8(der, "pässwörd ✓ 鍵", FAST);
    assert.ok(sameKey(decryptPkcs8(pem, "pässwörd ✓ 鍵"), der));
  });

  test("a wrong passphrase is BAD_PASSPHRASE (exit 2), never a crash", async () => {
    const pem = await encryptPkcs8(pkcs8Of("ec"), "right passphrase", FAST);
    for (const wrong of ["wrong passphrase", "right passphrasE", "", "right passphrase "]) {
      throwsCode(() => decryptPkcs8(pem, wrong), "BAD_PASSPHRASE", 2, /wrong passphrase/);
    }
  });

  test("an encrypted key without a passphrase is PASSPHRASE_REQUIRED", async () => {
    const pem = await encryptPkcs8(pkcs8Of("ec"), "right passphrase", FAST);
    throwsCode(() => decryptPkcs8(pem, undefined), "PASSPHRASE_REQUIRED", 2, /encrypted/);
  });

  test("an unencrypted key reads without a passphrase", () => {
    const der = pkcs8Of("ec");
    const pem = pkcs8ToPem(der);
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.ok(!isEncryptedPem(pem));
    assert.ok(sameKey(decryptPkcs8(pem, undefined), der));
  });

  test("a garbage unencrypted key is STORE_CORRUPT (exit 1)", () => {
    throwsCode(() => decryptPkcs8("garbage\n", undefined), "STORE_CORRUPT", 1, /cannot be read/);
    throwsCode(
      () => decryptPkcs8("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", undefined, "the key of x"),
      "STORE_CORRUPT",
      1,
      /the key of x/,
    );
  });
});
