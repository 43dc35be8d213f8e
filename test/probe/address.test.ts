// probe's host[:port] parser: the forms people type, and nothing but a one-line USAGE error for the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { NUT_PORT, parseAddress } from "../../src/cli/commands/probe.js";
import { NutcaError } from "../../src/errors.js";

test("host, host:port, IPv4, bare and bracketed IPv6", () => {
  assert.deepEqual(parseAddress("ups1.example.net", NUT_PORT), { host: "ups1.example.net", port: 3493 });
  assert.deepEqual(parseAddress(" 192.0.2.10:4000 ", NUT_PORT), { host: "192.0.2.10", port: 4000 });
  assert.deepEqual(parseAddress("2001:db8::1", NUT_PORT), { host: "2001:db8::1", port: 3493 });
  assert.deepEqual(parseAddress("[2001:db8::1]:3494", NUT_PORT), { host: "2001:db8::1", port: 3494 });
  for (const bad of ["", "ups1:0", "ups1:65536", "ups1:port", "[ups1]:3493", "a b", "ups1:1:2", "[::1]x"]) {
    assert.throws(() => parseAddress(bad, NUT_PORT), { code: "USAGE" }, bad);
  }
});

test("any input is parsed or refused with a one-line NutcaError", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[\w.:[\]-]{0,40}$/)), (text) => {
      try {
        const { port } = parseAddress(text, NUT_PORT);
        assert.ok(Number.isInteger(port) && port >= 1 && port <= 65535);
      } catch (error) {
        assert.ok(error instanceof NutcaError && !error.line.includes("\n"), String(error));
      }
    }),
    { numRuns: 2000 },
  );
});
