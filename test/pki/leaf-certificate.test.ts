// The leaf builder (@peculiar/x509 over the engine) for every CA key type: the profile of docs/architecture.md, checked by
// parsing what it makes and by the real `openssl verify -x509_strict` against the CA.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { generateKeyPair, KEY_TYPES, type KeyType } from "../../src/pki/keys.js";
import { createCaCertificate, distinguishedName } from "../../src/pki/profiles.js";
import { parsePermitted } from "../../src/pki/name-constraints.js";
import { NEVER } from "../../src/pki/validity.js";
import { x509 } from "../../src/pki/x509.js";
import { signTestLeaf } from "../helpers/leaf.js";
import { run } from "../helpers/tools.js";

const NOW = new Date();
const SIGNATURES: Record<KeyType, string> = {
  "ec-p256": "1.2.840.10045.4.3.2",
  "ec-p384": "1.2.840.10045.4.3.3",
  "rsa-2048": "1.2.840.113549.1.1.11",
  "rsa-3072": "1.2.840.113549.1.1.11",
  "rsa-4096": "1.2.840.113549.1.1.11",
};

async function makeCa(keyType: KeyType, notAfter = NEVER, organization?: string) {
  const keys = await generateKeyPair(keyType);
  const certificate = await createCaCertificate({
    commonName: "Leaf Test CA",
    organization,
    keys,
    notAfter,
    permitted: parsePermitted([], []),
    pathLength: 0,
    now: NOW,
  });
  return { certificate, privateKey: keys.privateKey };
}

/** `openssl verify -x509_strict` of a leaf against its CA, for the purpose its EKU names. */
function opensslVerify(ca: x509.X509Certificate, leaf: x509.X509Certificate, purpose: "sslserver" | "sslclient") {
  const dir = mkdtempSync(join(tmpdir(), "nutca-leaf-"));
  try {
    writeFileSync(join(dir, "ca.pem"), ca.toString("pem"));
    writeFileSync(join(dir, "leaf.pem"), leaf.toString("pem"));
    const args = ["verify", "-x509_strict", "-purpose", purpose, "-CAfile", join(dir, "ca.pem"), join(dir, "leaf.pem")];
    return run("openssl", args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("createLeafCertificate", () => {
  for (const keyType of KEY_TYPES.filter((type) => type !== "rsa-4096")) {
    test(`a ${keyType} CA signs a server leaf with its own algorithm that openssl -x509_strict verifies`, async () => {
      const ca = await makeCa(keyType);
      const { certificate: leaf } = await signTestLeaf(
        {
          kind: "server",
          commonName: "ups1.example.net",
          dns: ["ups1.example.net", "ups1"],
          ip: ["192.0.2.7", "2001:db8::7"],
          now: NOW,
        },
        ca,
      );
      const verified = opensslVerify(ca.certificate, leaf, "sslserver");
      assert.equal(verified.code, 0, verified.stderr + verified.stdout);
      assert.match(verified.stdout, /: OK$/m);
      assert.equal(leaf.signatureAlgorithm.name, ca.certificate.signatureAlgorithm.name);
      assert.equal(AsnConvert.parse(leaf.rawData, Certificate).signatureAlgorithm.algorithm, SIGNATURES[keyType]);
      assert.deepEqual(
        new Uint8Array(leaf.issuerName.toArrayBuffer()),
        new Uint8Array(ca.certificate.subjectName.toArrayBuffer()),
      );
      assert.equal(leaf.notAfter.toISOString(), NEVER.toISOString());
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
          ["dns", "ups1"],
          ["ip", "192.0.2.7"],
          ["ip", "2001:db8::7"],
        ],
      );
      const text = run("openssl", ["x509", "-noout", "-ext", "subjectAltName"], { input: leaf.toString("pem") });
      assert.match(text.stdout, /IP Address:192\.0\.2\.7, IP Address:2001:DB8:0:0:0:0:0:7/);
    });
  }

  test("a client leaf: clientAuth, no SAN extension when it has no names; an RSA key may encipher", async () => {
    const ca = await makeCa("ec-p384");
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
    const verified = opensslVerify(ca.certificate, leaf, "sslclient");
    assert.equal(verified.code, 0, verified.stderr + verified.stdout);
    const asServer = opensslVerify(ca.certificate, leaf, "sslserver");
    assert.notEqual(asServer.code, 0, "a client certificate is no server certificate");
  });

  test("UTF-8 and special characters in names: encoded as typed, printed by @peculiar/x509", async () => {
    const ca = await makeCa("ec-p256", NEVER, "Acme, Inc");
    for (const commonName of ["ups1", "Bürö UPS", "a+b, c; <d>=e", '#1 "Main" \\ CA', " lead", "trail "]) {
      const { certificate: leaf, facts } = await signTestLeaf(
        { kind: "client", commonName, organization: "Acme, Inc" },
        ca,
      );
      const expected = distinguishedName(commonName, "Acme, Inc");
      assert.deepEqual(new Uint8Array(leaf.subjectName.toArrayBuffer()), new Uint8Array(expected.toArrayBuffer()));
      assert.equal(facts.subject, leaf.subject);
      assert.deepEqual(leaf.subjectName.getField("CN"), [commonName]);
      const verified = opensslVerify(ca.certificate, leaf, "sslclient");
      assert.equal(verified.code, 0, `${commonName}: ${verified.stderr}${verified.stdout}`);
    }
    const utf8 = await signTestLeaf({ kind: "client", commonName: "Bürö UPS" }, ca);
    const printed = run("openssl", ["x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus"], {
      input: utf8.certificate.toString("pem"),
    });
    assert.match(printed.stdout, /CN=Bürö UPS/);
  });

  test("a leaf may not outlive its CA; one that ends with it is capped at the CA's second", async () => {
    const end = new Date("2030-01-01T00:00:00Z");
    const ca = await makeCa("ec-p256", end);
    await assert.rejects(signTestLeaf({ kind: "client", commonName: "late" }, ca), { code: "BAD_DATE" });
    const { certificate: leaf } = await signTestLeaf({ kind: "client", commonName: "on-time", notAfter: end }, ca);
    assert.equal(leaf.notAfter.toISOString(), end.toISOString());
  });

  test("the facts a ledger record keeps are those of the certificate itself", async () => {
    const ca = await makeCa("ec-p256");
    const { certificate: leaf, facts } = await signTestLeaf(
      { kind: "server", commonName: "ups2", dns: ["ups2"], ip: ["fe80::1"] },
      ca,
    );
    assert.equal(facts.serial, leaf.serialNumber.toUpperCase());
    assert.deepEqual([facts.dns, facts.ip], [["ups2"], ["fe80::1"]]);
    const thumbprint = Buffer.from(await leaf.getThumbprint("SHA-256"))
      .toString("hex")
      .toUpperCase();
    assert.equal(facts.sha256, thumbprint);
    assert.match(facts.pem, /^-----BEGIN CERTIFICATE-----\n/);
  });
});
