import { NutcaError } from "../errors.js";
import { parseNotAfter } from "./validity.js";

/**
 * The end of an `--expiring` window: a duration from now (`30d`, `8w`, `1y`).
 * Anything whose expiry falls before it is due, including what has already
 * expired.
 */
export function parseWindow(text: string, now: Date): Date {
  if (!/^\s*\d{1,6}[dwy]\s*$/i.test(text)) {
    throw new NutcaError("BAD_DATE", `cannot read the window "${text}"`, "use a duration like 30d, 8w or 1y");
  }
  return parseNotAfter(text, now);
}
