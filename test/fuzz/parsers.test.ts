// Every parser of user input either accepts a value or rejects it with a
// NutcaError carrying a one-line message: never another exception, never a hang.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { NutcaError } from "../../src/errors.js";
import { parseKeyType } from "../../src/pki/keys.js";
import { checkCommonName, parseCidr, parseDnsName, parseEntryName, parseIpAddress } from "../../src/pki/names.js";
import { parseNotAfter } from "../../src/pki/validity.js";

const NOW = new Date("2026-11-26T12:00:00Z");
const RUNS = 3000;

function acceptsOrRejectsCleanly(parse: (text: string) => unknown): (text: string) => void {
  return (text) => {
    try {
      parse(text);
    } catch (error) {
      assert.ok(error instanceof NutcaError, `not a NutcaError for ${JSON.stringify(text)}: ${String(error)}`);
      assert.ok(!error.line.includes("\n"), `multi-line message for ${JSON.stringify(text)}`);
    }
  };
}

/** Strings that look like the real thing often enough to reach the deeper branches. */
const hostish = fc.stringMatching(/^[a-zA-Z0-9.\-_:*%/ ]{0,80}$/);
const dateish = fc.stringMatching(/^[0-9a-zA-Z:+\-. ]{0,30}$/);
const parsers: [string, (text: string) => unknown, fc.Arbitrary<string>][] = [
  ["parseDnsName", parseDnsName, hostish],
  ["parseIpAddress", parseIpAddress, hostish],
  ["parseCidr", parseCidr, hostish],
  ["parseEntryName", parseEntryName, hostish],
  ["checkCommonName", (text) => checkCommonName(text), fc.string({ maxLength: 100 })],
  ["parseKeyType", parseKeyType, fc.string({ maxLength: 20 })],
  ["parseNotAfter", (text) => parseNotAfter(text, NOW), dateish],
];

for (const [name, parse, arbitrary] of parsers) {
  test(`${name} never throws anything but a one-line NutcaError`, () => {
    fc.assert(fc.property(fc.oneof(arbitrary, fc.string({ maxLength: 300 })), acceptsOrRejectsCleanly(parse)), {
      numRuns: RUNS,
    });
  });
}

test("parseDnsName accepts exactly what it returns, and its output re-parses to itself", () => {
  fc.assert(
    fc.property(fc.domain(), (domain) => {
      const parsed = parseDnsName(domain);
      assert.equal(parseDnsName(parsed), parsed);
    }),
    { numRuns: RUNS },
  );
});

test("parseIpAddress accepts every IPv4 and IPv6 address and is idempotent", () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (address) => {
      const parsed = parseIpAddress(address);
      assert.equal(parseIpAddress(parsed), parsed);
    }),
    { numRuns: RUNS },
  );
});

test("parseNotAfter of a duration is always in the future and in whole seconds", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2000 }), fc.constantFrom("d", "w", "y"), (count, unit) => {
      const date = parseNotAfter(`${count}${unit}`, NOW);
      assert.ok(date > NOW);
      assert.equal(date.getTime() % 1000, 0);
    }),
    { numRuns: RUNS },
  );
});
