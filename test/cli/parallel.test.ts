// Twenty issuances at once on one store: the lock and the ledger keep it whole,
// and every one of them succeeds. Issuers racing for one name: exactly one wins.
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

test(`${COUNT} parallel issuances of distinct names all succeed and leave a consistent store`, async (t) => {
  const store = join(tempDir(), "store");
  const env = passphraseEnv();
  await runNutcaOk(["init"], { store, env });

  const names = Array.from({ length: COUNT }, (_, i) => `c${i}`);
  const results = await Promise.all(
    names.map((name) => runNutca(["issue", "client", name], { store, env, timeoutMs: 120_000 })),
  );

  // The lock waits long enough for all of them: every one succeeds, nothing on stderr.
  results.forEach((result: RunResult, i) => {
    assert.equal(result.code, 0, `${names[i]} exited ${result.code}: ${result.stderr}`);
    assert.equal(result.stderr, "", `${names[i]}: nothing on stderr`);
  });

  const lines = readFileSync(join(store, "ledger.jsonl"), "utf8").split("\n");
  assert.equal(lines.pop(), "", "the ledger ends with a newline");
  const records = lines.map((line) => JSON.parse(line) as LedgerLine);
  assert.equal(records.length, 1 + names.length, "the CA plus one record per success");
  assert.equal(records[0]!.kind, "ca");
  const leaves = records.slice(1);
  assert.deepEqual(leaves.map((r) => r.name).sort(), [...names].sort());
  assert.ok(leaves.every((r) => r.op === "issue" && r.kind === "client"));
  const serials = records.map((r) => r.serial);
  assert.equal(new Set(serials).size, COUNT + 1, "every serial is distinct");

  assert.deepEqual(readdirSync(join(store, "issued")).sort(), names.map((n) => `${n}.crt.pem`).sort());
  assert.deepEqual(readdirSync(join(store, "by-serial")).sort(), leaves.map((r) => `${r.serial}.crt.pem`).sort());
  assert.deepEqual(
    readdirSync(join(store, "private")).sort(),
    ["ca.key.pem", ...names.map((n) => `${n}.key.pem`)].sort(),
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
  const files = names.map((name) => join(store, "issued", `${name}.crt.pem`));
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

const RACERS = 6;

test(`${RACERS} issuers racing for the same name: exactly one wins, the others get NAME_EXISTS`, async () => {
  const store = join(tempDir(), "store");
  await runNutcaOk(["init", "--no-passphrase"], { store });
  const results = await Promise.all(
    Array.from({ length: RACERS }, () =>
      runNutca(["--json", "issue", "client", "shared"], { store, timeoutMs: 120_000 }),
    ),
  );
  const winners = results.filter((result) => result.code === 0);
  assert.equal(winners.length, 1, results.map((result) => result.stderr).join(""));
  const winner = JSON.parse(winners[0]!.stdout) as LedgerLine;
  assert.equal(winner.name, "shared");
  assert.equal(winners[0]!.stderr, "");
  for (const loser of results.filter((result) => result.code !== 0)) {
    assert.equal(loser.code, 2, loser.stderr);
    assert.equal(loser.stdout, "");
    assert.deepEqual(JSON.parse(loser.stderr), {
      error: {
        code: "NAME_EXISTS",
        message: `"shared" already has a valid certificate (serial ${winner.serial}) — renew it with nutca renew shared, or choose another name`,
      },
    });
  }
  const records = readFileSync(join(store, "ledger.jsonl"), "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as LedgerLine);
  assert.deepEqual(
    records.map((record) => [record.name, record.serial]),
    [
      ["ca", records[0]!.serial],
      ["shared", winner.serial],
    ],
  );
  // What one issuance writes, and nothing of the losers: no second key, no staging or lock left.
  assert.deepEqual(readdirSync(join(store, "issued")), ["shared.crt.pem"]);
  assert.deepEqual(readdirSync(join(store, "by-serial")), [`${winner.serial}.crt.pem`]);
  assert.deepEqual(readdirSync(join(store, "private")).sort(), ["ca.key.pem", "shared.key.pem"]);
  assert.deepEqual(existsSync(join(store, "staging")) ? readdirSync(join(store, "staging")) : [], []);
  assert.equal(existsSync(join(store, "store.lock")), false);
});
