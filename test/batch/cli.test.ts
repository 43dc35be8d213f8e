// `nutca issue --from`: a batch in one run, idempotent re-runs, and a bad row
// that stops everything with the store byte-for-byte unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaJson, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";
import { requireTool } from "../helpers/tools.js";
import { assertDoctor, csvManifest, fastStore, leaves, verifyAll } from "./support.js";

interface BatchResult {
  issued: { name: string; serial: string; kind: string; dns: string[]; ip: string[] }[];
  skipped: { name: string; serial: string }[];
}

test("a CSV batch of 30 issues every row once; a re-run skips them all", async (t) => {
  const dir = tempDir();
  const store = await fastStore(dir);
  const manifest = csvManifest(dir, 30);
  const first = await runNutca(["issue", "--from", manifest], { store });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stderr, "", "no progress bar on a non-TTY");
  assert.match(first.stdout, /^Issued 30 certificate\(s\), skipped 0 already issued/);
  const records = leaves(store);
  assert.equal(records.length, 30);
  assert.equal(new Set(records.map((r) => r.serial)).size, 30);
  const server = records.find((r) => r.name === "host5") as unknown as BatchResult["issued"][number];
  assert.deepEqual([server.kind, server.dns, server.ip], ["server", ["host5.example.net", "host5"], ["10.0.0.5"]]);

  const before = snapshotDir(store);
  const again = await runNutcaJson<BatchResult>(["issue", "--from", manifest], { store });
  assert.deepEqual(again.issued, []);
  assert.deepEqual(again.skipped.map((s) => s.name).sort(), records.map((r) => r.name).sort());
  assert.deepEqual(snapshotDir(store), before, "a re-run changes nothing");
  await assertDoctor(store);
  if (!requireTool(t, "openssl")) return;
  assert.equal(verifyAll(store), 30);
});

test("a JSON manifest, partly issued before: only the rest is issued", async () => {
  const dir = tempDir();
  const store = await fastStore(dir);
  await runNutcaOk(["issue", "client", "mon1"], { store });
  const manifest = join(dir, "hosts.json");
  writeFileSync(
    manifest,
    JSON.stringify([
      { kind: "server", name: "ups1", dns: ["ups1.example.net"], ip: ["192.0.2.1"] },
      { kind: "client", name: "mon1" },
      { kind: "client", name: "mon2", key: "ec-p384", notAfter: "825d" },
    ]),
  );
  const result = await runNutcaJson<BatchResult>(["issue", "--from", manifest], { store });
  assert.deepEqual(
    result.issued.map((r) => r.name),
    ["ups1", "mon2"],
  );
  assert.deepEqual(
    result.skipped.map((s) => s.name),
    ["mon1"],
  );
  assert.equal(leaves(store).length, 3);
});

test("one bad row: exit 2, every bad row listed, nothing issued, store unchanged", async () => {
  const dir = tempDir();
  const store = await fastStore(dir);
  const manifest = csvManifest(dir, 10);
  writeFileSync(
    manifest,
    "kind,name,dns,ip,key,not_after\nclient,a1,,,,\nclient,a2,,,,20000101\nserver,b@d,,,,\nclient,a3,,,,\n",
  );
  const before = snapshotDir(store);
  const result = await runNutca(["issue", "--from", manifest], { store });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  const lines = result.stderr.trimEnd().split("\n");
  assert.match(lines[0]!, /^nutca: the manifest .* has 2 bad rows; nothing was issued — fix them and run again$/);
  assert.match(lines[1]!, /^ {2}line 3: cannot read the expiry "20000101"/);
  assert.match(lines[2]!, /^ {2}line 4: "b@d" is not a usable certificate name/);
  assert.equal(lines.length, 3);
  assert.deepEqual(snapshotDir(store), before);
  assert.equal(leaves(store).length, 0);

  const json = await runNutca(["--json", "issue", "--from", manifest], { store });
  assert.equal(json.code, 2);
  const error = (JSON.parse(json.stderr) as { error: { code: string; problems: { line: number }[] } }).error;
  assert.equal(error.code, "BAD_FILE");
  assert.deepEqual(
    error.problems.map((p) => p.line),
    [3, 4],
  );
  assert.deepEqual(snapshotDir(store), before);
});

test("rows the CA refuses (expiry after the CA's) are reported the same way", async () => {
  const dir = tempDir();
  const store = join(dir, "store");
  await runNutcaOk(["init", "--no-passphrase", "--not-after", "2y"], { store });
  const manifest = join(dir, "m.csv");
  writeFileSync(manifest, "kind,name,not_after\nclient,a,1y\nclient,b,5y\nclient,\n");
  const before = snapshotDir(store);
  const result = await runNutca(["issue", "--from", manifest], { store });
  assert.equal(result.code, 2, result.stderr);
  assert.deepEqual(
    result.stderr
      .split("\n")
      .filter((line) => line.startsWith("  line"))
      .map((line) => line.slice(0, 8)),
    ["  line 3", "  line 4"],
  );
  assert.deepEqual(snapshotDir(store), before);
});

test("usage: issue alone, an unknown kind, an unreadable manifest", async () => {
  const store = await fastStore();
  for (const args of [["issue"], ["issue", "servr", "x"], ["issue", "--from", "/nonexistent.csv"]]) {
    const result = await runNutca(args, { store });
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, /^nutca: /);
  }
});
