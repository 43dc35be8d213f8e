// The hand-written DER encoders against the asn1js / asn1-x509 encodings they stand in for, byte for
// byte, and whole leaves against a parse and re-serialisation through the asn1-x509 Certificate schema.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, KeyUsage, KeyUsageFlags, Time } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { encodeNamedBits, encodeOid, encodeTime, encodeTlv, TAG_OCTET_STRING } from "../../src/pki/der-encode.js";
import { generateKeyPair, type KeyType } from "../../src/pki/keys.js";
import { parsePermitted } from "../../src/pki/name-constraints.js";
import { createCaCertificate } from "../../src/pki/profiles.js";
import { NEVER } from "../../src/pki/validity.js";
import { signTestLeaf } from "../helpers/leaf.js";

const bytes = (value: ArrayBuffer | Uint8Array) => new Uint8Array(value);

describe("der-encode", () => {
  test("times: UTCTime from 1950 through 2049, GeneralizedTime otherwise, as asn1-x509's Time", () => {
    for (const iso of [
      "1950-01-01T00:00:00Z",
      "1999-12-31T23:59:59Z",
      "2026-11-27T03:04:05Z",
      "2049-12-31T23:59:59Z",
      "2050-01-01T00:00:00Z",
      "9999-12-31T23:59:59Z",
    ]) {
      const date = new Date(iso);
      assert.deepEqual(bytes(encodeTime(date)), bytes(AsnConvert.serialize(new Time(date))), iso);
    }
  });

  test("object identifiers, multi-byte arcs and a first arc of 2 included, as asn1js", () => {
    for (const oid of ["2.5.4.3", "1.2.840.113549.1.1.11", "1.3.6.1.5.5.7.3.2", "2.999.1", "1.2.4294967295"]) {
      assert.deepEqual(bytes(encodeOid(oid)), bytes(new asn1js.ObjectIdentifier({ value: oid }).toBER()), oid);
    }
  });

  test("named bits: trailing zero bits dropped, as asn1-x509's KeyUsage", () => {
    const cases: [number[], number][] = [
      [[0], KeyUsageFlags.digitalSignature],
      [[0, 2], KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment],
      [[5, 6], KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign],
      [[8], KeyUsageFlags.decipherOnly],
    ];
    for (const [bits, flags] of cases) {
      assert.deepEqual(bytes(encodeNamedBits(bits)), bytes(AsnConvert.serialize(new KeyUsage(flags))), String(bits));
    }
  });

  test("lengths: short form to 127, long form beyond, as asn1js", () => {
    for (const length of [0, 1, 127, 128, 255, 256, 65535, 65536]) {
      const content = new Uint8Array(length).fill(0x5a);
      const expected = new asn1js.OctetString({ valueHex: content }).toBER();
      assert.deepEqual(bytes(encodeTlv(TAG_OCTET_STRING, content)), bytes(expected), `length ${length}`);
    }
  });
});

describe("a leaf made with der-encode", () => {
  const cases: { caKey: KeyType; leafKey: KeyType; organization?: string; commonName: string }[] = [
    { caKey: "ec-p256", leafKey: "ec-p256", commonName: "ups1.example.net" },
    { caKey: "ec-p384", leafKey: "rsa-2048", organization: "Acme, Inc", commonName: "Bürö UPS" },
    { caKey: "rsa-2048", leafKey: "ec-p384", organization: "Example", commonName: "a+b, c; <d>=e" },
  ];
  for (const { caKey, leafKey, organization, commonName } of cases) {
    test(`${caKey} CA, ${leafKey} leaf: asn1-x509 parses it and serialises it back to the same bytes`, async () => {
      const keys = await generateKeyPair(caKey);
      const certificate = await createCaCertificate({
        commonName: "Oracle CA",
        organization,
        keyType: caKey,
        keys,
        notAfter: NEVER,
        permitted: parsePermitted([], []),
        pathLength: 0,
        now: new Date(),
      });
      for (const kind of ["server", "client"] as const) {
        const { facts } = await signTestLeaf(
          {
            kind,
            commonName,
            organization,
            keyType: leafKey,
            dns: ["ups1.example.net", "ups1"],
            ip: ["192.0.2.7", "2001:db8::7", "::ffff:192.0.2.8"],
            notAfter: new Date("2049-12-31T23:59:59Z"),
          },
          { certificate, privateKey: keys.privateKey, keyType: caKey },
        );
        const reserialised = AsnConvert.serialize(AsnConvert.parse(facts.der, Certificate));
        assert.deepEqual(bytes(reserialised), bytes(facts.der), kind);
      }
    });
  }
});
