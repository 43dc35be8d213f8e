// Reading any file inspect is pointed at: PEM blocks and DER of every kind, and PKCS#12.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { NutcaError } from "../../src/errors.js";
import { createCrl } from "../../src/pki/crl.js";
import { exportPkcs8, generateKeyPair } from "../../src/pki/keys.js";
import { lintCrl } from "../../src/pki/lint-other.js";
import { decodeObjects, isPkcs12 } from "../../src/pki/objects.js";
import { readPkcs12 } from "../../src/pki/p12-read.js";
import { buildPkcs12 } from "../../src/pki/pkcs12.js";
import { encryptPkcs8 } from "../../src/pki/encrypt-pkcs8.js";
import { x509 } from "../../src/pki/x509.js";
import { ECDSA_SHA256, makeCa, makeCertificate, pem } from "./fixtures.js";

const kinds = (bytes: Uint8Array | string) => decodeObjects(Buffer.from(bytes)).map((object) => object.kind);

test("PEM: a chain, a key and a CRL in one file, in file order", async () => {
  const ca = await makeCa();
  const leaf = await makeCertificate(ca, { dns: ["ups1.example.net"] });
  const crl = await createCrl(
    { number: 1, now: new Date(), nextUpdate: new Date(Date.now() + 864e5 * 400), revoked: [] },
    ca,
  );
  const crlPem = x509.PemConverter.encode(crl.rawData, "X509 CRL");
  const text = pem(leaf.certificate) + leaf.keyPem + pem(ca.certificate) + crlPem + "\n";
  assert.deepEqual(kinds(text), ["certificate", "private-key", "certificate", "crl"]);
  const labelled = decodeObjects(Buffer.from(x509.PemConverter.encode(crl.rawData, "CRL")))[0]!;
  assert.equal(labelled.kind, "crl");
  const findings = lintCrl((labelled as { crl: x509.X509Crl }).crl, { now: new Date(), label: "CRL" });
  assert.deepEqual(
    findings.map((finding) => finding.code),
    ["crl-pem-label"],
  );
});

test("DER: certificate, CRL, request, keys and PKCS#12 are told apart", async () => {
  const ca = await makeCa();
  const leaf = await makeCertificate(ca, { dns: ["ups1.example.net"] });
  assert.deepEqual(kinds(new Uint8Array(leaf.certificate.rawData)), ["certificate"]);
  const crl = await createCrl(
    { number: 2, now: new Date(), nextUpdate: new Date(Date.now() + 864e5), revoked: [] },
    ca,
  );
  assert.deepEqual(kinds(new Uint8Array(crl.rawData)), ["crl"]);
  const keys = await generateKeyPair("ec-p256");
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: "CN=req.example.net",
    keys,
    signingAlgorithm: ECDSA_SHA256,
  });
  assert.deepEqual(kinds(new Uint8Array(csr.rawData)), ["csr"]);
  const pkcs8 = await exportPkcs8(keys.privateKey);
  assert.deepEqual(kinds(pkcs8), ["private-key"]);
  const sec1 = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }).export({
    format: "der",
    type: "sec1",
  });
  assert.deepEqual(kinds(sec1), ["private-key"]);
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
  assert.deepEqual(kinds(rsa.privateKey.export({ format: "der", type: "pkcs1" })), ["private-key"]);
  assert.deepEqual(kinds(rsa.publicKey.export({ format: "der", type: "spki" })), ["public-key"]);
  assert.deepEqual(kinds(Buffer.from("hello, not a certificate")), []);
});

test("an encrypted key is described, not opened", async () => {
  const keys = await generateKeyPair("ec-p256");
  const encrypted = await encryptPkcs8(await exportPkcs8(keys.privateKey), "a passphrase", 1000);
  const [object] = decodeObjects(Buffer.from(encrypted));
  assert.equal(object?.kind, "encrypted-key");
  assert.equal(
    (object as { protection: string }).protection,
    "PBES2 (PBKDF2-HMAC-SHA256, 1000 iterations, AES-256-CBC)",
  );
});

test("PKCS#12: friendlyName, certificates and key come back with the password; a wrong one is BAD_PASSPHRASE", async () => {
  const ca = await makeCa();
  const leaf = await makeCertificate(ca, { dns: ["ups1.example.net"] });
  for (const legacy of [false, true]) {
    const p12 = await buildPkcs12({
      keyPkcs8: new Uint8Array(createPrivateKey(leaf.keyPem).export({ format: "der", type: "pkcs8" })),
      certificate: new Uint8Array(leaf.certificate.rawData),
      chain: [new Uint8Array(ca.certificate.rawData)],
      friendlyName: "nut-server",
      password: "p12 password",
      legacy,
      iterations: 1000,
    });
    assert.ok(isPkcs12(p12));
    assert.deepEqual(kinds(p12), ["pkcs12"]);
    if (legacy) {
      // pkijs cannot decrypt PBES1 3DES: the MAC proves the password right, so inspect names the algorithm.
      await assert.rejects(
        readPkcs12(p12, "p12 password"),
        (error: unknown) => error instanceof NutcaError && error.code === "BAD_FILE" && /TripleDES/.test(error.message),
      );
      continue;
    }
    const contents = await readPkcs12(p12, "p12 password");
    assert.equal(contents.certificates.length, 2);
    assert.equal(contents.certificates[0]!.friendlyName, "nut-server");
    assert.equal(contents.keys[0]!.friendlyName, "nut-server");
    assert.ok(contents.protection.some((line) => line.includes("AES-256-CBC")));
    await assert.rejects(
      readPkcs12(p12, "wrong"),
      (error: unknown) => error instanceof NutcaError && error.code === "BAD_PASSPHRASE",
    );
  }
});
