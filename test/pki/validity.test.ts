import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NutcaError } from "../../src/errors.js";
import {
  assertNotAfterWithin,
  CLOCK_SKEW_MS,
  describeNotAfter,
  isNever,
  NEVER,
  notBeforeFor,
  parseNotAfter,
  wholeSeconds,
} from "../../src/pki/validity.js";

const NOW = new Date("2026-11-26T12:34:56.789Z");
const DAY = 24 * 60 * 60 * 1000;

function rejects(text: string, fragment: RegExp, now = NOW): void {
  assert.throws(
    () => parseNotAfter(text, now),
    (error: unknown) => {
      assert.ok(error instanceof NutcaError, `expected a NutcaError for ${JSON.stringify(text)}`);
      assert.equal(error.code, "BAD_DATE");
      assert.equal(error.exitCode, 2);
      assert.match(error.line, fragment);
      return true;
    },
  );
}

describe("parseNotAfter", () => {
  test("never is 9999-12-31T23:59:59Z, in any case", () => {
    assert.equal(NEVER.toISOString(), "9999-12-31T23:59:59.000Z");
    assert.equal(parseNotAfter("never", NOW).toISOString(), "9999-12-31T23:59:59.000Z");
    assert.equal(parseNotAfter(" NEVER ", NOW).getTime(), NEVER.getTime());
    assert.ok(isNever(parseNotAfter("never", NOW)));
    assert.equal(describeNotAfter(NEVER), "never (9999-12-31T23:59:59Z)");
  });

  test("durations in days, weeks and years count from now, in whole seconds", () => {
    const base = wholeSeconds(NOW).getTime();
    assert.equal(parseNotAfter("1d", NOW).getTime(), base + DAY);
    assert.equal(parseNotAfter("825d", NOW).getTime(), base + 825 * DAY);
    assert.equal(parseNotAfter("2w", NOW).getTime(), base + 14 * DAY);
    assert.equal(parseNotAfter("52w", NOW).getTime(), base + 364 * DAY);
    assert.equal(parseNotAfter("10y", NOW).toISOString(), "2036-11-26T12:34:56.000Z");
    assert.equal(parseNotAfter("1Y", NOW).toISOString(), "2027-11-26T12:34:56.000Z");
  });

  test("a date alone means 23:59:59Z of that day", () => {
    assert.equal(parseNotAfter("2035-12-31", NOW).toISOString(), "2035-12-31T23:59:59.000Z");
    assert.equal(parseNotAfter("2032-02-29", NOW).toISOString(), "2032-02-29T23:59:59.000Z", "leap day");
    assert.equal(parseNotAfter("2026-11-26", NOW).toISOString(), "2026-11-26T23:59:59.000Z", "today, later on");
    assert.equal(parseNotAfter("9999-12-31", NOW).getTime(), NEVER.getTime());
  });

  test("a date-time with a zone is taken as given, without fractions of a second", () => {
    assert.equal(parseNotAfter("2030-06-01T10:20:30Z", NOW).toISOString(), "2030-06-01T10:20:30.000Z");
    assert.equal(parseNotAfter("2030-06-01T10:20:30.999Z", NOW).toISOString(), "2030-06-01T10:20:30.000Z");
    assert.equal(parseNotAfter("2030-06-01T12:00+02:00", NOW).toISOString(), "2030-06-01T10:00:00.000Z");
  });

  test("every result is in whole seconds", () => {
    for (const text of ["never", "1d", "3w", "7y", "2031-01-01", "2031-01-01T00:00:00.123Z"]) {
      assert.equal(parseNotAfter(text, NOW).getTime() % 1000, 0, text);
    }
  });

  test("refuses dates that do not exist", () => {
    for (const text of ["2030-02-30", "2031-02-29", "2030-13-01", "2030-00-10", "2030-04-31", "2030-01-01T24:00Z"]) {
      rejects(text, /cannot read the expiry/);
    }
  });

  test("refuses what it cannot read", () => {
    for (const text of ["5x", "0d", "-1d", "1.5y", "d", "", "tomorrow", "2030/01/01", "31-12-2035", "2030-1-1"]) {
      rejects(text, /cannot read the expiry/);
    }
  });

  test("refuses the past and now itself", () => {
    rejects("2020-01-01", /in the past/);
    rejects("2026-11-25", /in the past/);
    rejects("2026-11-26T12:34:56Z", /in the past/, new Date("2026-11-26T12:34:56.000Z"));
  });

  test("refuses anything after 9999-12-31", () => {
    rejects("8000y", /after 9999-12-31/);
  });
});

describe("notBefore and caps", () => {
  test("notBefore is an hour in the past, in whole seconds", () => {
    const notBefore = notBeforeFor(NOW);
    assert.equal(notBefore.getTime() % 1000, 0);
    assert.equal(notBefore.toISOString(), "2026-11-26T11:34:56.000Z");
    assert.equal(CLOCK_SKEW_MS, 60 * 60 * 1000);
  });

  test("a leaf may expire with its CA, not after", () => {
    const ca = new Date("2040-01-01T23:59:59Z");
    assertNotAfterWithin(ca, ca);
    assertNotAfterWithin(new Date("2039-12-31T00:00:00Z"), ca);
    assert.throws(
      () => assertNotAfterWithin(new Date("2040-01-02T00:00:00Z"), ca),
      (error: unknown) => error instanceof NutcaError && error.code === "BAD_DATE" && /after the CA's/.test(error.line),
    );
  });
});
