/**
 * Reads the ledger line by line without stopping at the first bad one (the
 * store's own reader throws there, rightly, for a writer): doctor reports every
 * corrupt line and a torn tail, and checks the rest.
 */
import { existsSync, readFileSync } from "node:fs";
import type { LedgerRecord } from "../store/ledger.js";
import { CheckBuilder } from "./types.js";

export interface LedgerScan {
  readonly records: LedgerRecord[];
  readonly check: CheckBuilder;
}

const KINDS = new Set(["ca", "server", "client"]);

function isString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** Why a parsed line is not a record nutca can use, or undefined when it is one. */
function recordProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "not a JSON object";
  const record = value as Record<string, unknown>;
  const crl = record.crl as Record<string, unknown> | undefined;
  switch (record.op) {
    case "issue": {
      const files = record.files as Record<string, unknown> | undefined;
      const ok =
        isString(record.serial) &&
        isString(record.name) &&
        isString(record.notAfter) &&
        KINDS.has(String(record.kind)) &&
        isString(files?.cert);
      return ok ? undefined : "an issue record without its serial, name, kind, notAfter or files";
    }
    case "revoke":
      return isString(record.serial) && Number.isInteger(crl?.number)
        ? undefined
        : "a revoke record without serial/crl";
    case "crl":
      return Number.isInteger(crl?.number) ? undefined : "a crl record without its number";
    default:
      return `an unknown record type "${String(record.op)}" (written by a newer nutca?)`;
  }
}

export function scanLedger(path: string): LedgerScan {
  const check = new CheckBuilder("store.ledger", "ledger: every line a complete record");
  const records: LedgerRecord[] = [];
  if (!existsSync(path)) {
    check.add("error", "ledger-missing", "the ledger is missing", "restore ledger.jsonl from a backup", path);
    return { records, check };
  }
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  if (end < text.length) {
    check.add(
      "warning",
      "ledger-torn-tail",
      `the last line is cut short (${text.length - end} bytes without a newline): a write was interrupted before it committed`,
      "nothing was lost; the next change (nutca issue/renew/revoke/crl) drops it, or truncate the file after its last newline",
      path,
    );
  }
  text
    .slice(0, end)
    .split("\n")
    .forEach((line, index) => {
      if (line === "") return;
      let value: unknown;
      let problem: string | undefined;
      try {
        value = JSON.parse(line);
        problem = recordProblem(value);
      } catch {
        problem = "not valid JSON (truncated or overwritten)";
      }
      if (problem === undefined) records.push(value as LedgerRecord);
      else {
        check.add(
          "error",
          "ledger-corrupt-line",
          `ledger line ${index + 1} is ${problem}`,
          "restore ledger.jsonl from a backup; every other line is intact, and nutca refuses to read the store until then",
          path,
        );
      }
    });
  return { records, check };
}
