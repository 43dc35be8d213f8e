import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { id_ce_nameConstraints } from "@peculiar/asn1-x509";
import { NutcaError } from "../../src/errors.js";
import { generateKeyPair } from "../../src/pki/keys.js";
import {
  assertPermitted,
  dnsPermitted,
  hasConstraints,
  ipPermitted,
  NO_CONSTRAINTS,
  parsePermitted,
  permittedOf,
  type Permitted,
} from "../../src/pki/name-constraints.js";
import { createCaCertificate } from "../../src/pki/profiles.js";
import { parseNotAfter } from "../../src/pki/validity.js";
import { x509 } from "../../src/pki/x509.js";

const NOW = new Date("2026-11-26T12:00:00Z");
const EXAMPLE: Permitted = { dns: ["example.net"], ip: ["10.0.0.0/8", "fd00::/8"] };

describe("dnsPermitted", () => {
  test("a suffix allows itself and names under it, not names that merely end with it", () => {
    assert.equal(dnsPermitted("example.net", EXAMPLE), true);
    assert.equal(dnsPermitted("a.example.net", EXAMPLE), true);
    assert.equal(dnsPermitted("ups1.site.example.net", EXAMPLE), true);
    assert.equal(dnsPermitted("badexample.net", EXAMPLE), false);
    assert.equal(dnsPermitted("example.net.evil.com", EXAMPLE), false);
    assert.equal(dnsPermitted("net", EXAMPLE), false);
    assert.equal(dnsPermitted("evil.com", EXAMPLE), false);
  });

  test("any of several suffixes will do; no DNS constraint allows everything", () => {
    const two: Permitted = { dns: ["example.net", "example.org"], ip: [] };
    assert.equal(dnsPermitted("a.example.org", two), true);
    assert.equal(dnsPermitted("a.example.com", two), false);
    assert.equal(dnsPermitted("anything.example", NO_CONSTRAINTS), true);
    assert.equal(dnsPermitted("anything.example", { dns: [], ip: ["10.0.0.0/8"] }), true);
  });
});

describe("ipPermitted", () => {
  test("an address is allowed inside a permitted network only", () => {
    assert.equal(ipPermitted("10.0.0.1", EXAMPLE), true);
    assert.equal(ipPermitted("10.255.255.255", EXAMPLE), true);
    assert.equal(ipPermitted("11.0.0.1", EXAMPLE), false);
    assert.equal(ipPermitted("192.168.1.1", EXAMPLE), false);
    assert.equal(ipPermitted("fd12::1", EXAMPLE), true);
    assert.equal(ipPermitted("2001:db8::1", EXAMPLE), false);
  });

  test("an address family without a permitted network is refused (as verifiers do)", () => {
    const v4only: Permitted = { dns: [], ip: ["10.0.0.0/8"] };
    assert.equal(ipPermitted("::1", v4only), false);
    assert.equal(ipPermitted("::ffff:10.0.0.1", v4only), false);
  });

  test("no IP constraint allows every address", () => {
    assert.equal(ipPermitted("192.168.1.1", { dns: ["example.net"], ip: [] }), true);
  });

  test("prefix boundaries are exact", () => {
    const net: Permitted = { dns: [], ip: ["192.168.1.128/25"] };
    assert.equal(ipPermitted("192.168.1.128", net), true);
    assert.equal(ipPermitted("192.168.1.255", net), true);
    assert.equal(ipPermitted("192.168.1.127", net), false);
  });
});

describe("parsePermitted and assertPermitted", () => {
  test("parsePermitted normalizes suffixes (leading dot, case) and networks", () => {
    assert.deepEqual(parsePermitted([".Example.NET", "example.org."], ["10.0.0.0/8", "FD00::/8"]), {
      dns: ["example.net", "example.org"],
      ip: ["10.0.0.0/8", "fd00::/8"],
    });
    assert.equal(hasConstraints(NO_CONSTRAINTS), false);
    assert.equal(hasConstraints(EXAMPLE), true);
  });

  test("parsePermitted refuses a network with host bits and a bad suffix", () => {
    assert.throws(
      () => parsePermitted([], ["10.0.0.1/8"]),
      (e: unknown) => e instanceof NutcaError && e.code === "BAD_CIDR",
    );
    assert.throws(
      () => parsePermitted(["bad_suffix.net"], []),
      (e: unknown) => e instanceof NutcaError && e.code === "BAD_DNS_NAME",
    );
  });

  test("assertPermitted names the first name outside the constraints", () => {
    assertPermitted({ dns: ["a.example.net"], ip: ["10.1.2.3"] }, EXAMPLE);
    assertPermitted({ dns: ["evil.com"], ip: [] }, NO_CONSTRAINTS);
    for (const names of [
      { dns: ["a.example.net", "evil.com"], ip: [] },
      { dns: ["badexample.net"], ip: [] },
      { dns: [], ip: ["192.168.1.1"] },
    ]) {
      assert.throws(
        () => assertPermitted(names, EXAMPLE),
        (error: unknown) =>
          error instanceof NutcaError &&
          error.code === "NAME_CONSTRAINT" &&
          error.exitCode === 2 &&
          error.line.includes(`"${[...names.dns, ...names.ip].find((n) => !n.endsWith("a.example.net"))}"`),
      );
    }
  });

  test("a CA certificate carries the constraints in a critical extension that reads back", async () => {
    const keys = await generateKeyPair("ec-p256");
    const permitted = parsePermitted(["example.net"], ["10.0.0.0/8", "fd00::/8"]);
    const ca = await createCaCertificate({
      commonName: "Constrained CA",
      keys,
      notAfter: parseNotAfter("never", NOW),
      permitted,
      pathLength: 0,
      now: NOW,
    });
    const extension = ca.getExtension(id_ce_nameConstraints);
    assert.ok(extension, "nameConstraints present");
    assert.equal(extension.critical, true);
    const back = permittedOf(ca);
    assert.deepEqual(back, { dns: ["example.net"], ip: ["10.0.0.0/8", "fd00::/8"] });
    assert.equal(ipPermitted("10.9.9.9", back), true);
    assert.equal(ipPermitted("11.9.9.9", back), false);
    assert.equal(ipPermitted("fd00::5", back), true);

    const free = await createCaCertificate({
      commonName: "Free CA",
      keys,
      notAfter: parseNotAfter("never", NOW),
      permitted: NO_CONSTRAINTS,
      pathLength: 0,
      now: NOW,
    });
    assert.equal(free.getExtension(id_ce_nameConstraints), null);
    assert.deepEqual(permittedOf(free), NO_CONSTRAINTS);
    assert.deepEqual(permittedOf(new x509.X509Certificate(ca.rawData)), back);
  });
});
