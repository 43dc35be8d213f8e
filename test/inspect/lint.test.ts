// The certificate lint: clean for what nutca issues, one finding per broken rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TAG_GENERALIZED_TIME, TAG_UTC_TIME, timeEncodingProblem } from "../../src/pki/der.js";
import { lintCertificate } from "../../src/pki/lint.js";
import { generateKeyPair } from "../../src/pki/keys.js";
import { randomSerial } from "../../src/pki/serial.js";
import { NEVER } from "../../src/pki/validity.js";
import { x509 } from "../../src/pki/x509.js";
import { signTestLeaf } from "../helpers/leaf.js";
import { ECDSA_SHA256, makeCa, makeCertificate, makeEd25519 } from "./fixtures.js";

const NOW = new Date();
const codes = (findings: { code: string }[]) => findings.map((finding) => finding.code);

test("what nutca issues lints clean: the CA and a server leaf", async () => {
  const ca = await makeCa();
  assert.deepEqual(lintCertificate(ca.certificate, { now: NOW }), []);
  const { certificate: leaf } = await signTestLeaf(
    { kind: "server", commonName: "ups1.example.net", dns: ["ups1.example.net"], ip: ["192.0.2.10"], now: NOW },
    ca,
  );
  assert.deepEqual(lintCertificate(leaf, { now: NOW, issuer: ca.certificate }), []);
});

test("NUT rules: Ed25519 key, server certificate without SAN, IP only as a DNS SAN", async () => {
  const ca = await makeCa();
  assert.ok(codes(lintCertificate(await makeEd25519(), { now: NOW })).includes("ed25519-key"));
  const noSan = await makeCertificate(ca, { dns: [] });
  assert.ok(codes(lintCertificate(noSan.certificate, { now: NOW })).includes("server-without-san"));
  const ipAsDns = await makeCertificate(ca, { dns: ["ups1.example.net", "192.0.2.10"] });
  const findings = lintCertificate(ipAsDns.certificate, { now: NOW });
  assert.deepEqual(codes(findings), ["ip-as-dns-san"]);
  assert.match(findings[0]!.fix, /--ip 192\.0\.2\.10/);
  const both = await makeCertificate(ca, { dns: ["192.0.2.10"], ip: ["192.0.2.10"] });
  assert.deepEqual(lintCertificate(both.certificate, { now: NOW }), [], "an IP also present as an IP entry is fine");
  const client = await makeCertificate(ca, { eku: "client", dns: [] });
  assert.deepEqual(lintCertificate(client.certificate, { now: NOW }), [], "a client certificate needs no SAN");
});

test("RFC 5280 rules: AKI, serial entropy, validity, issuer's expiry", async () => {
  const ca = await makeCa();
  const dns = ["leaf.example.net"];
  const noAki = await makeCertificate(ca, { dns, aki: false });
  assert.deepEqual(codes(lintCertificate(noAki.certificate, { now: NOW })), ["no-aki"]);
  const shortSerial = await makeCertificate(ca, { dns, serial: "01" });
  assert.deepEqual(codes(lintCertificate(shortSerial.certificate, { now: NOW })), ["serial-low-entropy"]);
  const expired = await makeCertificate(ca, {
    dns,
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2021-01-01T00:00:00Z"),
  });
  assert.deepEqual(codes(lintCertificate(expired.certificate, { now: NOW })), ["expired"]);
  const soon = await makeCertificate(ca, { dns, notAfter: new Date(NOW.getTime() + 5 * 86_400_000) });
  assert.deepEqual(codes(lintCertificate(soon.certificate, { now: NOW })), ["expires-soon"]);
  const shortCa = await makeCertificate(ca, { ca: true, cn: "Short CA", notAfter: new Date("2040-01-01T00:00:00Z") });
  const outliving = await makeCertificate(ca, { dns });
  assert.ok(
    codes(lintCertificate(outliving.certificate, { now: NOW, issuer: shortCa.certificate })).includes(
      "outlives-issuer",
    ),
  );
});

test("time encodings: UTCTime to 2049, GeneralizedTime from 2050, whole seconds and Z", () => {
  assert.equal(timeEncodingProblem({ tag: TAG_UTC_TIME, text: "491231235959Z" }), undefined);
  assert.equal(timeEncodingProblem({ tag: TAG_GENERALIZED_TIME, text: "99991231235959Z" }), undefined);
  assert.match(timeEncodingProblem({ tag: TAG_GENERALIZED_TIME, text: "20301231235959Z" })!, /before 2050/);
  assert.match(timeEncodingProblem({ tag: TAG_GENERALIZED_TIME, text: "20501231235959.5Z" })!, /whole seconds/);
  assert.match(timeEncodingProblem({ tag: TAG_UTC_TIME, text: "4912312359Z" })!, /YYMMDDHHMMSSZ/);
});

test("a CA certificate without its CA extensions is flagged", async () => {
  const keys = await generateKeyPair("ec-p256");
  const weak = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: "CN=Weak CA",
    notBefore: new Date(NOW.getTime() - 3600_000),
    notAfter: NEVER,
    keys,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  assert.deepEqual(codes(lintCertificate(weak, { now: NOW })).sort(), [
    "ca-basic-constraints",
    "ca-key-usage",
    "ca-no-ski",
  ]);
});
