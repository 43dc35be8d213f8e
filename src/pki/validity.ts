import { NutcaError } from "../errors.js";

/** RFC 5280 4.1.2.5 "no well-defined expiration": GeneralizedTime 99991231235959Z. */
export const NEVER = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));

/** notBefore is set this far in the past so a peer whose clock lags still accepts a new certificate. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;

export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export function notBeforeFor(now: Date): Date {
  return wholeSeconds(new Date(now.getTime() - CLOCK_SKEW_MS));
}

const DURATION = /^(\d{1,6})([dwy])$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses an expiry: `never`, an ISO date (valid through the end of that UTC day),
 * an ISO date-time with a zone, or a duration (`825d`, `52w`, `10y`) from `now`.
 * Throws BAD_DATE for anything else, and for a moment that is not after `now`.
 */
export function parseNotAfter(text: string, now: Date): Date {
  const value = text.trim().toLowerCase();
  const date = value === "never" ? NEVER : parseDateOrDuration(value, now);
  if (!date) {
    throw new NutcaError(
      "BAD_DATE",
      `cannot read the expiry "${text}"`,
      "use never, a date like 2035-12-31, or a duration like 825d, 52w, 10y",
    );
  }
  if (date.getTime() > NEVER.getTime()) {
    throw new NutcaError("BAD_DATE", `the expiry "${text}" is after 9999-12-31`, "use never for no expiry");
  }
  if (date.getTime() <= now.getTime()) {
    throw new NutcaError("BAD_DATE", `the expiry "${text}" is in the past`, "give a future date or a duration");
  }
  return wholeSeconds(date);
}

function parseDateOrDuration(value: string, now: Date): Date | undefined {
  const duration = DURATION.exec(value);
  if (duration) {
    const count = Number(duration[1]);
    const result = new Date(now.getTime());
    if (duration[2] === "y") result.setUTCFullYear(result.getUTCFullYear() + count);
    else result.setUTCDate(result.getUTCDate() + count * (duration[2] === "w" ? 7 : 1));
    return count > 0 ? result : undefined;
  }
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [year, month, day] = dateOnly.slice(1).map(Number) as [number, number, number];
    return realDate(year, month, day, 23, 59, 59);
  }
  const dateTime = DATE_TIME.exec(value.toUpperCase());
  if (dateTime) {
    const [year, month, day, hour, minute] = dateTime.slice(1, 6).map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const second = Number(dateTime[6] ?? 0);
    if (!realDate(year, month, day, hour, minute, second)) return undefined;
    const parsed = new Date(value.toUpperCase().replace(" ", "T"));
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  }
  return undefined;
}

/** A UTC date, or undefined when the fields do not name a real moment (2030-02-30, 24:00). */
function realDate(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  const real =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return real ? date : undefined;
}

export function isNever(date: Date): boolean {
  return date.getTime() === NEVER.getTime();
}

/** How a notAfter is shown to people: `never (9999-12-31)` or an ISO timestamp. */
export function describeNotAfter(date: Date): string {
  return isNever(date) ? "never (9999-12-31T23:59:59Z)" : date.toISOString().replace(".000Z", "Z");
}

/** A certificate must not outlive its issuer (RFC 5280 path validation would reject it). */
export function assertNotAfterWithin(notAfter: Date, issuerNotAfter: Date): void {
  if (notAfter.getTime() > issuerNotAfter.getTime()) {
    throw new NutcaError(
      "BAD_DATE",
      `the expiry ${describeNotAfter(notAfter)} is after the CA's (${describeNotAfter(issuerNotAfter)})`,
      "a certificate must not outlive its CA: choose an earlier expiry",
    );
  }
}
