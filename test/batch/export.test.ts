// `nutca issue --from M --export <target>... --out DIR`: the bundles of a batch in the same run,
// every export option checked before anything is issued, and idempotent re-runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaJson, snapshotDir, tempDir } from "../helpers/cli.js";
import { requireTool, run } from "../helpers/tools.js";
import { fastStore, leaves } from "./support.js";

interface ExportResult {
  issued: { name: string }[];
  exported: { name: string; target: string; out: string; status: string }[];
}

function manifest(dir: string): string {
  const path = join(dir, "fleet.csv");
  writeFileSync(path, "kind,name,dns,ip\nserver,ups1,ups1.example.net,127.0.0.1\nclient,mon1,,\nclient,mon2,,\n");
  return path;
}

/** Every file under dir, recursively. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

test("bad export options are refused before anything is issued", async () => {
  const dir = tempDir();
  const store = await fastStore(dir);
  const fleet = manifest(dir);
  const before = snapshotDir(store);
  const cases: [string[], RegExp][] = [
    [["--export", "pem"], /--export needs --out/],
    [["--export", "wizard", "--out", join(dir, "out")], /a batch cannot export "wizard"/],
    [["--export", "upsmon", "--out", join(dir, "out")], /--export upsmon needs --backend/],
    [["--export", "upsd", "--out", join(dir, "out")], /--export upsd needs --backend/],
    [["--export", "p12", "--out", join(dir, "out")], /needs --p12-password-file/],
    [["--out", join(dir, "out")], /export options need --export/],
  ];
  for (const [args, message] of cases) {
    const result = await runNutca(["issue", "--from", fleet, ...args], { store });
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split("\n").length, 1, "one line");
  }
  // Client rows without a server column: every such row is reported by its line, as a bad manifest row is.
  const noServer = await runNutca(
    ["issue", "--from", fleet, "--export", "upsmon", "--backend", "openssl", "--out", join(dir, "out")],
    { store },
  );
  assert.equal(noServer.code, 2);
  assert.match(noServer.stderr, /has 2 bad rows; nothing was issued/);
  assert.match(noServer.stderr, /line 3: --export upsmon needs the server column/);
  assert.deepEqual(snapshotDir(store), before, "nothing issued");
  assert.equal(existsSync(join(dir, "out")), false, "nothing exported");

  const single = await runNutca(["issue", "client", "mon9", "--out", join(dir, "out")], { store });
  assert.equal(single.code, 2);
  assert.match(single.stderr, /issue client does not take --out/);
});

test("a batch exports ca once, pem for every row and upsd for its server; a re-run keeps them", async (t) => {
  const dir = tempDir();
  const store = await fastStore(dir);
  const fleet = manifest(dir);
  const out = join(dir, "bundles");
  const args = ["issue", "--from", fleet, "--export", "ca,pem", "--export", "upsd", "--backend", "openssl"];
  const first = await runNutcaJson<ExportResult>([...args, "--out", out], { store });
  assert.equal(first.issued.length, 3);
  assert.deepEqual(
    first.exported.map((e) => `${e.name}/${e.target}/${e.status}`),
    ["ca/ca/exported", "ups1/pem/exported", "ups1/upsd/exported", "mon1/pem/exported", "mon2/pem/exported"],
  );
  assert.ok(existsSync(join(out, "ups1", "upsd", "upsd.pem")));
  assert.equal(existsSync(join(out, "mon1", "upsd")), false, "no server bundle for a client");
  for (const path of filesIn(out)) {
    if (readFileSync(path, "utf8").includes("PRIVATE KEY")) {
      assert.equal(statSync(path).mode & 0o007, 0, `${path} is not world-readable`);
    }
  }

  const before = snapshotDir(out);
  const again = await runNutcaJson<ExportResult>([...args, "--out", out], { store });
  assert.deepEqual(again.issued, []);
  assert.ok(
    again.exported.every((e) => e.status === "kept"),
    "existing bundles are kept",
  );
  assert.deepEqual(snapshotDir(out), before);
  const forced = await runNutcaJson<ExportResult>([...args, "--out", out, "--force"], { store });
  assert.ok(forced.exported.every((e) => e.status === "exported"));
  assert.equal(leaves(store).length, 3);

  if (!requireTool(t, "openssl")) return;
  const verify = run("openssl", [
    "verify",
    "-x509_strict",
    "-CAfile",
    join(out, "ca", "ca.crt.pem"),
    join(out, "ups1", "upsd", "upsd.pem"),
    join(
      out,
      "mon2",
      "pem",
      readdirSync(join(out, "mon2", "pem")).find((name) => name.endsWith(".crt.pem"))!,
    ),
  ]);
  assert.equal(verify.code, 0, verify.output);
});

test("client rows name their server: upsmon and stunnel-client bundles for each client in the same run", async (t) => {
  const dir = tempDir();
  const store = await fastStore(dir);
  const fleet = join(dir, "fleet.json");
  writeFileSync(
    fleet,
    JSON.stringify([
      { kind: "server", name: "ups1", dns: ["ups1.example.net"] },
      { kind: "client", name: "mon1", server: "ups1" },
      { kind: "client", name: "mon2", server: "ups9" },
      { kind: "server", name: "ups2", server: "ups1" },
    ]),
  );
  const out = join(dir, "bundles");
  const args = ["issue", "--from", fleet, "--export", "upsmon,stunnel-client", "--backend", "openssl", "--out", out];
  const refused = await runNutca(args, { store });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stdout + refused.stderr, /line 1.*"ups9" is no server certificate/s);
  assert.match(refused.stdout + refused.stderr, /server is for a client row/);
  assert.equal(leaves(store).length, 0, "nothing issued");

  writeFileSync(
    fleet,
    JSON.stringify([
      { kind: "server", name: "ups1", dns: ["ups1.example.net"] },
      { kind: "client", name: "mon1", server: "ups1" },
    ]),
  );
  const result = await runNutcaJson<ExportResult>(args, { store });
  assert.deepEqual(
    result.exported.map((e) => `${e.name}/${e.target}`),
    ["mon1/upsmon", "mon1/stunnel-client"],
  );
  const snippet = readFileSync(join(out, "mon1", "upsmon", "upsmon.conf.snippet"), "utf8");
  assert.match(snippet, /MONITOR <ups>@ups1\.example\.net/);
  const stunnel = readFileSync(join(out, "mon1", "stunnel-client", "stunnel.conf"), "utf8");
  assert.match(stunnel, /ups1\.example\.net/);
  if (!requireTool(t, "openssl")) return;
  const pems = filesIn(join(out, "mon1")).filter((path) => readFileSync(path, "utf8").includes("PRIVATE KEY"));
  assert.ok(pems.length > 0, "the client's key is in its bundles");
  for (const path of pems) assert.equal(statSync(path).mode & 0o007, 0, `${path} is not world-readable`);
});
