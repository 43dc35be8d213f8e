// Twenty issuances at once on one store: the lock and the ledger keep it whole.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { passphraseEnv, runNutca, runNutcaOk, tempDir, type RunResult } from "../helpers/cli.js";
import { requireTool, run } from "../helpers/tools.js";

const COUNT = 20;

interface LedgerLine {
  op: string;
  serial: string;
  name: string;
  kind: string;
}

test(`${COUNT} parallel issuances leave a consistent store`, async (t) => {
  const store = join(tempDir(), "store");
  const env = passphraseEnv();
  await runNutcaOk(["init"], { store, env });

  const names = Array.from({ length: COUNT }, (_, i) => `c${i}`);
  const results = await Promise.all(
    names.map((name) => runNutca(["issue", "client", name], { store, env, timeoutMs: 120_000 })),
  );

  const succeeded: string[] = [];
  results.forEach((result: RunResult, i) => {
    if (result.code === 0) {
      succeeded.push(names[i]!);
      assert.equal(result.stderr, "", `${names[i]}: nothing on stderr`);
      return;
    }
    // The only acceptable failure: the lock wait timed out.
    assert.equal(result.code, 1, `${names[i]} exited ${result.code}: ${result.stderr}`);
    assert.match(result.stderr, /^nutca: the store is locked by process \d+/, `${names[i]}: ${result.stderr}`);
    assert.equal(result.stderr.trimEnd().split("\n").length, 1);
  });
  t.diagnostic(`${succeeded.length} of ${COUNT} issuances succeeded`);
  assert.ok(succeeded.length > 0, "at least one issuance succeeded");

  const lines = readFileSync(join(store, "ledger.jsonl"), "utf8").split("\n");
  assert.equal(lines.pop(), "", "the ledger ends with a newline");
  const records = lines.map((line) => JSON.parse(line) as LedgerLine);
  assert.equal(records.length, 1 + succeeded.length, "the CA plus one record per success");
  assert.equal(records[0]!.kind, "ca");
  const leaves = records.slice(1);
  assert.deepEqual(leaves.map((r) => r.name).sort(), [...succeeded].sort());
  assert.ok(leaves.every((r) => r.op === "issue" && r.kind === "client"));
  const serials = records.map((r) => r.serial);
  assert.equal(new Set(serials).size, serials.length, "every serial is distinct");

  assert.deepEqual(readdirSync(join(store, "issued")).sort(), succeeded.map((n) => `${n}.crt.pem`).sort());
  assert.deepEqual(readdirSync(join(store, "by-serial")).sort(), leaves.map((r) => `${r.serial}.crt.pem`).sort());
  assert.deepEqual(
    readdirSync(join(store, "private")).sort(),
    ["ca.key.pem", ...succeeded.map((n) => `${n}.key.pem`)].sort(),
  );
  assert.deepEqual(existsSync(join(store, "staging")) ? readdirSync(join(store, "staging")) : [], []);
  const stray = readdirSync(store).filter((name) => name.startsWith("store.lock") || name.startsWith(".nutca-tmp"));
  assert.deepEqual(stray, [], "no lock or temp file remains");

  // Each issued/ file is the by-serial file its ledger record names.
  for (const record of leaves) {
    assert.equal(
      readFileSync(join(store, "issued", `${record.name}.crt.pem`), "utf8"),
      readFileSync(join(store, "by-serial", `${record.serial}.crt.pem`), "utf8"),
      record.name,
    );
  }

  if (!requireTool(t, "openssl")) return;
  const files = succeeded.map((name) => join(store, "issued", `${name}.crt.pem`));
  const verify = run("openssl", [
    "verify",
    "-x509_strict",
    "-purpose",
    "sslclient",
    "-CAfile",
    join(store, "ca.crt.pem"),
    ...files,
  ]);
  assert.equal(verify.code, 0, verify.output);
  assert.equal(verify.stdout.match(/: OK$/gm)?.length, files.length, verify.output);
  for (const record of leaves) {
    const serial = run("openssl", [
      "x509",
      "-noout",
      "-serial",
      "-in",
      join(store, "issued", `${record.name}.crt.pem`),
    ]);
    assert.equal(serial.stdout.trim(), `serial=${record.serial}`, record.name);
  }
});
