// `nutca doctor` on a store: healthy when healthy, and each planted fault found
// (with its fix), without doctor ever changing a byte of the store.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { crl, revoke } from "../../src/cli/commands/revoke.js";
import { runNutca, tempDir } from "../helpers/cli.js";
import { damageCurveOid } from "../inspect/fixtures.js";
import { makeStore, testContext } from "../inspect/support.js";
import { x509 } from "../../src/pki/x509.js";
import { copyTree, runDoctor } from "./support.js";

let dir: string;
let base: string;
let other: string;
let count = 0;

before(async () => {
  dir = tempDir("nutca-doctor-store-");
  base = join(dir, "base");
  other = join(dir, "other");
  await makeStore(base, {
    servers: [{ name: "ups1", dns: ["ups1.example.net"], ip: ["192.0.2.10"] }],
    clients: ["mon1"],
  });
  await makeStore(other, { name: "Other CA", servers: [{ name: "ups1", dns: ["ups1.example.net"] }] });
});

/** A fresh copy of the healthy store. */
const fresh = () => copyTree(base, join(dir, `copy-${++count}`));
const ledgerLines = (store: string) => readFileSync(join(store, "ledger.jsonl"), "utf8").trimEnd().split("\n");
const serialOf = (store: string, name: string) =>
  ledgerLines(store)
    .map((line) => JSON.parse(line) as { name: string; serial: string })
    .find((record) => record.name === name)!.serial;

async function expectProblem(store: string, code: string): Promise<void> {
  const run = await runDoctor(store);
  assert.equal(run.healthy, false, `${code} not found:\n${run.human}`);
  assert.equal(run.exitCode, 4);
  assert.ok(run.problems.includes(code), `${code} not among ${run.problems.join(", ")}`);
  const finding = run.report.checks.flatMap((check) => check.findings).find((item) => item.code === code)!;
  assert.ok(finding.fix.length > 0, `${code} has no fix`);
}

test("a healthy store is healthy: exit 0 through the CLI, every check listed", async () => {
  const run = await runDoctor(base);
  assert.equal(run.healthy, true, run.human);
  assert.deepEqual(run.problems, []);
  assert.deepEqual(run.notes, ["ca-key-plain"]);
  const cli = await runNutca(["doctor"], { store: base });
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /ok +every ledger entry has its files, signed by the CA/);
  assert.match(cli.stdout, /Healthy: no problems found\./);
});

test("fault: a key readable by other users", async () => {
  const store = fresh();
  chmodSync(join(store, "private/ups1.key.pem"), 0o644);
  await expectProblem(store, "mode");
  const run = await runDoctor(store);
  const finding = run.report.checks.flatMap((check) => check.findings).find((item) => item.code === "mode")!;
  assert.equal(finding.severity, "error");
  assert.equal(finding.fix, `chmod 0600 ${join(store, "private/ups1.key.pem")}`);
});

test("fault: a truncated ledger line, at the end (torn) and in the middle (corrupt)", async () => {
  const torn = fresh();
  const ledger = join(torn, "ledger.jsonl");
  truncateSync(ledger, statSync(ledger).size - 20);
  await expectProblem(torn, "ledger-torn-tail");
  const corrupt = fresh();
  const lines = ledgerLines(corrupt);
  lines[1] = lines[1]!.slice(0, 40);
  writeFileSync(join(corrupt, "ledger.jsonl"), lines.join("\n") + "\n");
  await expectProblem(corrupt, "ledger-corrupt-line");
});

test("fault: a stray temp file, an unfinished change in staging, a stale lock", async () => {
  const temp = fresh();
  writeFileSync(join(temp, "issued/.nutca-tmp-ups1.crt.pem-0a1b2c"), "half", { mode: 0o600 });
  await expectProblem(temp, "stray-temp-file");
  const staged = fresh();
  mkdirSync(join(staged, "staging/0123456789ABCDEF"), { mode: 0o700 });
  writeFileSync(join(staged, "staging/0123456789ABCDEF/issued%2Fx.crt.pem"), "x", { mode: 0o600 });
  await expectProblem(staged, "uncommitted-change");
  const locked = fresh();
  const holder = { pid: 2 ** 22 + 12345, host: hostname(), since: new Date().toISOString(), command: "nutca issue" };
  writeFileSync(join(locked, "store.lock"), JSON.stringify(holder) + "\n", { mode: 0o600 });
  await expectProblem(locked, "stale-lock");
});

test("fault: a missing certificate, a replaced certificate, a stray file", async () => {
  const missing = fresh();
  rmSync(join(missing, `by-serial/${serialOf(missing, "ups1")}.crt.pem`));
  await expectProblem(missing, "missing-file");
  const replaced = fresh();
  copyFileSync(join(replaced, "issued/mon1.crt.pem"), join(replaced, "issued/ups1.crt.pem"));
  await expectProblem(replaced, "certificate-mismatch");
  const stray = fresh();
  copyFileSync(join(stray, "issued/mon1.crt.pem"), join(stray, "issued/extra.crt.pem"));
  await expectProblem(stray, "stray-file");
});

test("fault: a damaged certificate that still decodes (CA and leaf) is unreadable, not a crash", async () => {
  for (const file of ["ca.crt.pem", "issued/ups1.crt.pem"]) {
    const store = fresh();
    const path = join(store, file);
    const der = damageCurveOid(new Uint8Array(new x509.X509Certificate(readFileSync(path, "utf8")).rawData));
    writeFileSync(path, x509.PemConverter.encode(der.buffer, "CERTIFICATE") + "\n");
    const run = await runDoctor(store);
    assert.equal(run.healthy, false, run.human);
    assert.ok(run.problems.length > 0, file);
    if (file === "ca.crt.pem") assert.ok(run.problems.includes("unreadable"), run.problems.join(", "));
  }
});

test("fault: a key that is not its certificate's", async () => {
  const store = fresh();
  copyFileSync(join(store, "private/mon1.key.pem"), join(store, "private/ups1.key.pem"));
  await expectProblem(store, "key-mismatch");
});

test("fault: a certificate in the ledger that this CA did not sign", async () => {
  const store = fresh();
  const serial = serialOf(other, "ups1");
  copyFileSync(join(other, `by-serial/${serial}.crt.pem`), join(store, `by-serial/${serial}.crt.pem`));
  const record = JSON.parse(ledgerLines(other).find((line) => line.includes(serial))!) as Record<string, unknown>;
  const foreign = { ...record, name: "foreign", files: { cert: `by-serial/${serial}.crt.pem` } };
  appendFileSync(join(store, "ledger.jsonl"), JSON.stringify(foreign) + "\n");
  await expectProblem(store, "not-signed-by-ca");
});

test("fault: a serial used twice", async () => {
  const store = fresh();
  const line = ledgerLines(store).find((item) => item.includes('"name":"mon1"'))!;
  appendFileSync(join(store, "ledger.jsonl"), line.replace('"name":"mon1"', '"name":"mon2"') + "\n");
  await expectProblem(store, "duplicate-serial");
});

test("the CA key: checked with the right passphrase, a wrong one found, skipped without one", async () => {
  const store = join(dir, "encrypted");
  await makeStore(store, { passphrase: "a good long passphrase" });
  const right = await runDoctor(store, {}, { NUTCA_PASSPHRASE: "a good long passphrase" });
  assert.equal(right.healthy, true, right.human);
  assert.deepEqual(right.notes, []);
  const wrong = await runDoctor(store, {}, { NUTCA_PASSPHRASE: "not the passphrase" });
  assert.deepEqual(wrong.problems, ["ca-key-passphrase"]);
  const none = await runDoctor(store);
  assert.equal(none.healthy, true);
  assert.deepEqual(none.notes, ["skipped"]);
});

test("fault: a CRL near its nextUpdate, and a CRL missing after a revocation", async () => {
  const soon = fresh();
  await crl({ nextUpdate: "10d" }, testContext(soon));
  await expectProblem(soon, "crl-expires-soon");
  const gone = fresh();
  await revoke("mon1", {}, testContext(gone));
  assert.equal((await runDoctor(gone)).healthy, true, "a fresh revocation is healthy");
  rmSync(join(gone, "crl/ca.crl.pem"));
  await expectProblem(gone, "crl-missing");
});

test("through the CLI: --json lists the findings, exit 4; no store at all is exit 2", async () => {
  const store = fresh();
  chmodSync(join(store, "private"), 0o755);
  const result = await runNutca(["--json", "doctor"], { store });
  assert.equal(result.code, 4, result.stderr);
  const report = JSON.parse(result.stdout) as {
    healthy: boolean;
    checks: { id: string; findings: { code: string }[] }[];
  };
  assert.equal(report.healthy, false);
  assert.deepEqual(
    report.checks.find((check) => check.id === "store.modes")?.findings.map((finding) => finding.code),
    ["mode"],
  );
  const none = await runNutca(["doctor"], { store: join(dir, "nothing-here") });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^nutca: there is no CA in .* — pass --store DIR/);
});
