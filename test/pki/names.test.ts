import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NutcaError } from "../../src/errors.js";
import {
  checkCommonName,
  inPrefix,
  ipToBytes,
  MAX_COMMON_NAME,
  parseCidr,
  parseDnsName,
  parseEntryName,
  parseIpAddress,
} from "../../src/pki/names.js";

function rejects(fn: () => unknown, code: string, fragment?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof NutcaError, `expected a NutcaError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.exitCode, 2);
    assert.ok(!error.line.includes("\n"));
    if (fragment) assert.match(error.line, fragment);
    return true;
  });
}

const label = (char: string, length: number) => char.repeat(length);

describe("parseDnsName", () => {
  test("accepts host names and normalizes case and a trailing dot", () => {
    assert.equal(parseDnsName("ups1"), "ups1");
    assert.equal(parseDnsName("UPS1.Example.NET"), "ups1.example.net");
    assert.equal(parseDnsName("ups1.example.net."), "ups1.example.net");
    assert.equal(parseDnsName("a-b.c0.example"), "a-b.c0.example");
    assert.equal(parseDnsName("xn--bcher-kva.example"), "xn--bcher-kva.example");
    assert.equal(parseDnsName("1host.example"), "1host.example");
  });

  test("refuses IP addresses and IP-looking names, pointing to --ip", () => {
    for (const text of ["1.2.3.4", "1.2.3.4.", "10.0.0", "::1", "2001:db8::1", "300.300.300.300"]) {
      rejects(() => parseDnsName(text), "BAD_DNS_NAME", /--ip/);
    }
  });

  test("refuses a numeric top-level label", () => {
    rejects(() => parseDnsName("host.123"), "BAD_DNS_NAME");
  });

  test("a label may have 63 characters, not 64", () => {
    assert.equal(parseDnsName(`${label("a", 63)}.example`), `${label("a", 63)}.example`);
    rejects(() => parseDnsName(`${label("a", 64)}.example`), "BAD_DNS_NAME", /not a valid DNS name/);
  });

  test("a name may have 253 characters (254 with the trailing dot), not 254", () => {
    const name253 = [label("a", 63), label("b", 63), label("c", 63), label("d", 61)].join(".");
    assert.equal(name253.length, 253);
    assert.equal(parseDnsName(name253), name253);
    assert.equal(parseDnsName(name253 + "."), name253);
    const name254 = [label("a", 63), label("b", 63), label("c", 63), label("d", 62)].join(".");
    assert.equal(name254.length, 254);
    rejects(() => parseDnsName(name254), "BAD_DNS_NAME");
  });

  test("refuses underscores, empty labels, edge hyphens, spaces and wildcards", () => {
    for (const text of [
      "under_score.example",
      "_srv.example",
      "a..b",
      ".example",
      "-bad.example",
      "bad-.example",
      "a b.example",
      "*.example.net",
      "",
      ".",
    ]) {
      rejects(() => parseDnsName(text), "BAD_DNS_NAME");
    }
  });
});

describe("parseIpAddress", () => {
  test("accepts dotted IPv4", () => {
    assert.equal(parseIpAddress("10.0.0.1"), "10.0.0.1");
    assert.equal(parseIpAddress(" 192.168.1.254 "), "192.168.1.254");
    assert.equal(parseIpAddress("0.0.0.0"), "0.0.0.0");
    assert.equal(parseIpAddress("255.255.255.255"), "255.255.255.255");
  });

  test("refuses IPv4 with leading zeros (octal to some parsers)", () => {
    for (const text of ["010.0.0.1", "10.00.0.1", "10.0.0.01", "00.0.0.0"])
      rejects(() => parseIpAddress(text), "BAD_IP");
  });

  test("refuses malformed addresses", () => {
    for (const text of ["256.1.1.1", "10.0.0", "10.0.0.1.2", "::g", "1:2:3:4:5:6:7:8:9", "ups1", "", "10.0.0.1/8"]) {
      rejects(() => parseIpAddress(text), "BAD_IP", /not a valid IP address/);
    }
  });

  test("returns IPv6 in canonical form (RFC 5952): lower case, no leading zeros, longest zero run as ::", () => {
    assert.equal(parseIpAddress("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
    assert.equal(parseIpAddress("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    assert.equal(parseIpAddress("2001:db8:0:0:0:1:0:0"), "2001:db8::1:0:0");
    assert.equal(parseIpAddress("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
    assert.equal(parseIpAddress("0:0:0:0:0:0:0:0"), "::");
    assert.equal(parseIpAddress("0:0:0:0:0:0:0:1"), "::1");
    assert.equal(parseIpAddress("fe80:0:0:0:0:0:0:0"), "fe80::");
    assert.equal(parseIpAddress("FD00::ABCD"), "fd00::abcd");
  });

  test("IPv6 canonical form: of two equal zero runs the first becomes ::", () => {
    assert.equal(parseIpAddress("0:0:1:0:0:2:3:4"), "::1:0:0:2:3:4");
  });

  test("refuses an IPv6 zone id", () => {
    rejects(() => parseIpAddress("fe80::1%eth0"), "BAD_IP");
  });

  test("ipToBytes gives 4 or 16 bytes, IPv4-mapped included", () => {
    assert.deepEqual([...ipToBytes("10.1.2.3")], [10, 1, 2, 3]);
    assert.deepEqual([...ipToBytes("::1")], [...Array<number>(15).fill(0), 1]);
    assert.deepEqual([...ipToBytes("::ffff:1.2.3.4")], [...Array<number>(10).fill(0), 0xff, 0xff, 1, 2, 3, 4]);
    assert.deepEqual([...ipToBytes("2001:db8::")].slice(0, 4), [0x20, 0x01, 0x0d, 0xb8]);
  });
});

describe("parseCidr", () => {
  test("accepts networks and canonicalizes them", () => {
    assert.deepEqual(parseCidr("10.0.0.0/8"), { address: "10.0.0.0", prefix: 8, text: "10.0.0.0/8" });
    assert.equal(parseCidr("192.168.1.0/24").text, "192.168.1.0/24");
    assert.equal(parseCidr("10.1.2.3/32").text, "10.1.2.3/32");
    assert.equal(parseCidr("0.0.0.0/0").text, "0.0.0.0/0");
    assert.equal(parseCidr("FD00:0::/8").text, "fd00::/8");
    assert.equal(parseCidr("2001:db8::/32").text, "2001:db8::/32");
  });

  test("refuses host bits past the prefix", () => {
    for (const text of ["10.0.0.1/8", "192.168.1.1/24", "10.0.0.0/0", "fd00::1/8", "2001:db8::1/64"]) {
      rejects(() => parseCidr(text), "BAD_CIDR", /not a valid network/);
    }
  });

  test("refuses a missing or too long prefix and bad addresses", () => {
    for (const text of ["10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0.0/", "010.0.0.0/8", "ups1/8", "10.0.0.0/8/8"]) {
      rejects(() => parseCidr(text), "BAD_CIDR");
    }
  });

  test("inPrefix compares the first bits only", () => {
    assert.equal(inPrefix(ipToBytes("10.200.3.4"), ipToBytes("10.0.0.0"), 8), true);
    assert.equal(inPrefix(ipToBytes("11.0.0.0"), ipToBytes("10.0.0.0"), 8), false);
    assert.equal(inPrefix(ipToBytes("192.168.1.130"), ipToBytes("192.168.1.128"), 25), true);
    assert.equal(inPrefix(ipToBytes("192.168.1.127"), ipToBytes("192.168.1.128"), 25), false);
    assert.equal(inPrefix(ipToBytes("::1"), ipToBytes("10.0.0.0"), 0), false, "different families never match");
  });
});

describe("entry and common names", () => {
  test("parseEntryName accepts file-safe names only", () => {
    for (const text of ["ups1", "ups1.example.net", "my_client-2", "A1"]) assert.equal(parseEntryName(text), text);
    for (const text of ["../x", "a/b", ".hidden", "x.", "a..b", "-x", "", "a b", label("a", 64)]) {
      rejects(() => parseEntryName(text), "BAD_NAME");
    }
  });

  test("checkCommonName allows 64 printable characters, not 65 or control characters", () => {
    assert.equal(MAX_COMMON_NAME, 64);
    assert.equal(checkCommonName(label("a", 64)), label("a", 64));
    rejects(() => checkCommonName(label("a", 65)), "BAD_NAME", /64/);
    rejects(() => checkCommonName("   "), "BAD_NAME");
    for (const text of ["a\tb", "a\u007fb"]) {
      assert.throws(
        () => checkCommonName(text),
        (error: unknown) => error instanceof NutcaError && error.code === "BAD_NAME",
      );
    }
  });

  test("an error quoting input with a newline is still one line", () => {
    rejects(() => checkCommonName("a\nb"), "BAD_NAME");
    rejects(() => parseDnsName("a\nb.example"), "BAD_DNS_NAME");
  });
});
