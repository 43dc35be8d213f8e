// Batch-issuance test helpers: a fast (unencrypted) CA, manifests, and the
// store invariants every durability test checks.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runDoctor } from "../doctor/support.js";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import { run } from "../helpers/tools.js";

export interface LedgerLine {
  readonly op: string;
  readonly serial: string;
  readonly name: string;
  readonly kind: string;
  readonly sha256: string;
}

/** A store with an unencrypted CA: no PBKDF2 per run, so the tests stay fast. */
export async function fastStore(parent = tempDir()): Promise<string> {
  const store = join(parent, "store");
  await runNutcaOk(["init", "--no-passphrase"], { store });
  return store;
}

/** A CSV manifest of `count` clients named `${prefix}N` (every fifth a server with a DNS name and an IP). */
export function csvManifest(dir: string, count: number, prefix = "host", file = "manifest.csv"): string {
  const lines = ["kind,name,dns,ip,key,not_after"];
  for (let i = 0; i < count; i++) {
    lines.push(
      i % 5 === 0
        ? `server,${prefix}${i},"${prefix}${i}.example.net ${prefix}${i}",10.0.${i >> 8}.${i & 255},,10y`
        : `client,${prefix}${i},,,,`,
    );
  }
  const path = join(dir, file);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

export function ledger(store: string): LedgerLine[] {
  const text = readFileSync(join(store, "ledger.jsonl"), "utf8");
  // A torn last line (no newline) is not a record.
  return text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerLine);
}

export function leaves(store: string): LedgerLine[] {
  return ledger(store).filter((record) => record.kind !== "ca");
}

const CRASH_LEFTOVERS = new Set([
  "stale-lock",
  "unfinished-change",
  "uncommitted-change",
  "stray-temp-file",
  "ledger-torn-tail",
]);

/**
 * Runs nutca doctor (in-process: no start-up cost per check): no errors at all,
 * and no warnings but, with `afterCrash`, the leftovers a killed process may
 * leave, which the next change repairs.
 */
export async function assertDoctor(store: string, afterCrash = false): Promise<void> {
  const result = await runDoctor(store);
  const findings = result.report.checks.flatMap((check) => check.findings).filter((f) => f.severity !== "info");
  const unexpected = findings.filter((f) => !afterCrash || f.severity === "error" || !CRASH_LEFTOVERS.has(f.code));
  assert.deepEqual(unexpected, [], `doctor found: ${JSON.stringify(unexpected)}`);
  if (!afterCrash) assert.equal(result.healthy, true, result.human);
}

/**
 * Every certificate file on disk is in the ledger and every ledger leaf has its
 * certificate: in place, or (after a crash between commit and move) in the
 * staging directory of its committed change.
 */
export function assertDiskMatchesLedger(store: string): void {
  const records = leaves(store);
  const bySerial = new Map(records.map((record) => [record.serial, record]));
  const names = new Set(records.map((record) => record.name));
  for (const file of list(join(store, "issued"))) {
    assert.ok(names.has(file.replace(/\.crt\.pem$/, "")), `issued/${file} is in the ledger`);
  }
  for (const file of list(join(store, "by-serial"))) {
    assert.ok(bySerial.has(file.replace(/\.crt\.pem$/, "")), `by-serial/${file} is in the ledger`);
  }
  for (const record of records) {
    const inPlace = existsSync(join(store, "issued", `${record.name}.crt.pem`));
    const staged = list(join(store, "staging")).some((dir) =>
      existsSync(join(store, "staging", dir, `${record.serial}~issued%2F${record.name}.crt.pem`)),
    );
    assert.ok(inPlace || staged, `the certificate of ledger entry ${record.name} is on disk`);
  }
}

function list(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith(".nutca-tmp-")) : [];
}

/** `openssl verify -x509_strict` on every issued certificate; returns how many verified. */
export function verifyAll(store: string): number {
  const files = list(join(store, "issued")).map((name) => join(store, "issued", name));
  const result = run("openssl", ["verify", "-x509_strict", "-CAfile", join(store, "ca.crt.pem"), ...files]);
  assert.equal(result.code, 0, result.output);
  return result.stdout.match(/: OK$/gm)?.length ?? 0;
}
