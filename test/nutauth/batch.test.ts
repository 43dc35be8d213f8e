// `issue --from ... --export nutauth`: a nutauth.conf for every client row, for the server its
// `server` column names, presenting that client's certificate; refused without --backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaJson, runNutcaOk, tempDir } from "../helpers/cli.js";

interface ExportResult {
  exported: { name: string; target: string; out: string; status: string }[];
}

test("issue --from --export nutauth: one nutauth.conf per client row, for its server, with its certificate", async () => {
  const dir = tempDir("nutca-nutauth-batch-");
  const store = join(dir, "store");
  await runNutcaOk(["init", "--no-passphrase"], { store });
  const fleet = join(dir, "fleet.json");
  writeFileSync(
    fleet,
    JSON.stringify([
      { kind: "server", name: "ups1", dns: ["ups1.example.net"] },
      { kind: "server", name: "ups2", dns: ["ups2.example.net"], ip: ["10.0.0.2"] },
      { kind: "client", name: "mon1", server: "ups1" },
      { kind: "client", name: "mon2", server: "ups2" },
    ]),
  );
  const out = join(dir, "bundles");
  const noBackend = await runNutca(["issue", "--from", fleet, "--export", "nutauth", "--out", out], { store });
  assert.equal(noBackend.code, 2, noBackend.stderr);
  assert.match(noBackend.stderr, /--export nutauth needs --backend/);
  assert.equal(existsSync(out), false);

  const args = ["issue", "--from", fleet, "--export", "nutauth", "--backend", "openssl", "--out", out];
  const result = await runNutcaJson<ExportResult>(args, { store });
  assert.deepEqual(
    result.exported.map((e) => `${e.name}/${e.target}`),
    ["mon1/nutauth", "mon2/nutauth"],
  );
  for (const [client, host] of [
    ["mon1", "ups1.example.net"],
    ["mon2", "ups2.example.net"],
  ] as const) {
    const conf = readFileSync(join(out, client, "nutauth", "nutauth.conf"), "utf8");
    assert.match(conf, new RegExp(`^\\[@${host.replace(/\./g, "\\.")}:3493\\]$`, "m"));
    assert.match(conf, new RegExp(`^CERTHOST = "${host.replace(/\./g, "\\.")}"$`, "m"));
    assert.match(conf, /^CERTFILE = \/etc\/nut\/nutauth\.pem$/m);
    assert.equal(conf.match(/^\[/gm)?.length, 1, "one section: the row's own server");
    const pem = readFileSync(join(out, client, "nutauth", "nutauth.pem"), "utf8");
    const show = await runNutcaJson<{ pem: string }>(["show", client], { store });
    assert.ok(pem.startsWith(show.pem), `${client}'s own certificate comes first`);
  }
});
