// The leaf builder (asn1 schemas + node:crypto) against @peculiar/x509's reading of what it makes,
// for every CA key type: same profile as design.md, issuer byte-equal to the CA's subject, a valid signature.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { readCaFacts } from "../../src/pki/ca-facts.js";
import { generateKeyPair, generateLeafKey, KEY_TYPES, type KeyType } from "../../src/pki/keys.js";
import { createCaCertificate, distinguishedName } from "../../src/pki/profiles.js";
import { parsePermitted } from "../../src/pki/name-constraints.js";
import { NEVER } from "../../src/pki/validity.js";
import { x509 } from "../../src/pki/x509.js";
import { signTestLeaf } from "../helpers/leaf.js";

const NOW = new Date("2026-11-26T12:00:00Z");

async function makeCa(keyType: KeyType, notAfter = NEVER, organization?: string) {
  const keys = await generateKeyPair(keyType);
  const certificate = await createCaCertificate({
    commonName: "Leaf Test CA",
    organization,
    keyType,
    keys,
    notAfter,
    permitted: parsePermitted(["example.net"], ["192.0.2.0/24"]),
    pathLength: 0,
    now: NOW,
  });
  return { certificate, privateKey: keys.privateKey, keyType };
}

describe("createLeafCertificate", () => {
  for (const keyType of KEY_TYPES.filter((type) => type !== "rsa-4096")) {
    test(`a ${keyType} CA signs a server leaf that @peculiar/x509 reads as the profile says`, async () => {
      const ca = await makeCa(keyType);
      const { certificate: leaf } = await signTestLeaf(
        { kind: "server", commonName: "ups1.example.net", dns: ["ups1.example.net"], ip: ["192.0.2.7"], now: NOW },
        ca,
      );
      assert.equal(await leaf.verify({ publicKey: ca.certificate.publicKey, signatureOnly: true }), true);
      assert.deepEqual(
        new Uint8Array(leaf.issuerName.toArrayBuffer()),
        new Uint8Array(ca.certificate.subjectName.toArrayBuffer()),
      );
      assert.equal(leaf.notAfter.toISOString(), NEVER.toISOString());
      assert.equal(leaf.notBefore.toISOString(), "2026-11-26T11:00:00.000Z");
      const basic = leaf.getExtension(x509.BasicConstraintsExtension)!;
      assert.deepEqual([basic.critical, basic.ca], [true, false]);
      const usage = leaf.getExtension(x509.KeyUsagesExtension)!;
      assert.deepEqual([usage.critical, usage.usages], [true, x509.KeyUsageFlags.digitalSignature]);
      assert.deepEqual([...leaf.getExtension(x509.ExtendedKeyUsageExtension)!.usages], ["1.3.6.1.5.5.7.3.1"]);
      const ski = leaf.getExtension(x509.SubjectKeyIdentifierExtension)!;
      assert.equal(ski.keyId, Buffer.from(await leaf.publicKey.getKeyIdentifier()).toString("hex"));
      const aki = leaf.getExtension(x509.AuthorityKeyIdentifierExtension)!;
      assert.equal(aki.keyId, ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);
      const sans = leaf.getExtension(x509.SubjectAlternativeNameExtension)!.names.items;
      assert.deepEqual(
        sans.map((name) => [name.type, name.value]),
        [
          ["dns", "ups1.example.net"],
          ["ip", "192.0.2.7"],
        ],
      );
    });
  }

  test("a client leaf: clientAuth, no SAN extension when it has no names; RSA keys may encipher", async () => {
    const ca = await makeCa("ec-p256");
    const { certificate: leaf } = await signTestLeaf(
      { kind: "client", commonName: "monitor", keyType: "rsa-2048" },
      ca,
    );
    assert.deepEqual([...leaf.getExtension(x509.ExtendedKeyUsageExtension)!.usages], ["1.3.6.1.5.5.7.3.2"]);
    assert.equal(leaf.getExtension(x509.SubjectAlternativeNameExtension), null);
    assert.equal(
      leaf.getExtension(x509.KeyUsagesExtension)!.usages,
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
  });

  test("the subject is encoded and printed the way @peculiar/x509 does it, special characters included", async () => {
    const ca = await makeCa("ec-p256", NEVER, "Acme, Inc");
    for (const commonName of ["ups1", "Bürö UPS", "a+b, c; <d>=e", '#1 "Main" \\ CA', " lead", "trail "]) {
      const { certificate: leaf, facts } = await signTestLeaf(
        { kind: "client", commonName, organization: "Acme, Inc" },
        ca,
      );
      const expected = distinguishedName(commonName, "Acme, Inc");
      assert.deepEqual(new Uint8Array(leaf.subjectName.toArrayBuffer()), new Uint8Array(expected.toArrayBuffer()));
      assert.equal(facts.subject, leaf.subject);
    }
  });

  test("a leaf may not outlive its CA", async () => {
    const ca = await makeCa("ec-p256", new Date("2030-01-01T00:00:00Z"));
    await assert.rejects(signTestLeaf({ kind: "client", commonName: "late" }, ca), { code: "BAD_DATE" });
  });
});

describe("readCaFacts", () => {
  for (const notAfter of [new Date("2030-06-30T12:34:56Z"), new Date("2051-01-01T00:00:00Z"), NEVER]) {
    test(`reads notAfter ${notAfter.toISOString()}, the key identifier and the constraints from the DER`, async () => {
      const ca = await makeCa("ec-p256", notAfter);
      const facts = readCaFacts(new Uint8Array(ca.certificate.rawData));
      assert.equal(facts.notAfter.toISOString(), notAfter.toISOString());
      assert.equal(
        Buffer.from(facts.keyIdentifier).toString("hex"),
        ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId,
      );
      assert.deepEqual(facts.permitted, { dns: ["example.net"], ip: ["192.0.2.0/24"] });
      assert.deepEqual(facts.publicKey, new Uint8Array(ca.certificate.publicKey.rawData));
    });
  }

  test("bytes that are not a certificate are rejected", () => {
    assert.throws(() => readCaFacts(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])));
  });
});

describe("generateLeafKey", () => {
  for (const keyType of ["ec-p256", "ec-p384", "rsa-2048"] as const) {
    test(`${keyType}: the SPKI is the private key's own public half, as OpenSSL encodes it`, async () => {
      const { spki, pkcs8Pem } = await generateLeafKey(keyType);
      const expected = createPublicKey(createPrivateKey(pkcs8Pem)).export({ format: "der", type: "spki" });
      assert.deepEqual(Buffer.from(spki), expected);
    });
  }
});
