// `--ip ::ffff:1.2.3.4` made a 16-byte iPAddress SAN that no IPv4 client matches: it is refused with the IPv4 form.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";

const store = join(tempDir("nutca-mapped-"), "store");

before(async () => {
  await runNutcaOk(["init", "--no-passphrase"], { store });
});

for (const [given, ipv4] of [
  ["::ffff:1.2.3.4", "1.2.3.4"],
  ["::FFFF:192.0.2.7", "192.0.2.7"],
  ["::ffff:c000:207", "192.0.2.7"],
  ["0:0:0:0:0:ffff:10.0.0.1", "10.0.0.1"],
] as const) {
  test(`issue server --ip ${given}: exit 2, the hint names ${ipv4}, store unchanged`, async () => {
    const before = snapshotDir(store);
    const result = await runNutca(["issue", "server", "ups1", "--ip", given], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr,
      `nutca: "${given}" is an IPv4-mapped IPv6 address: no IPv4 client matches it — use the IPv4 form: --ip ${ipv4}\n`,
    );
    assert.deepEqual(snapshotDir(store), before);
  });
}

test("the same address in a batch row is a bad row, nothing issued", async () => {
  const dir = tempDir("nutca-mapped-batch-");
  const manifest = join(dir, "rows.csv");
  writeFileSync(manifest, "kind,name,ip\nserver,ups2,::ffff:1.2.3.4\n");
  const before = snapshotDir(store);
  const result = await runNutca(["issue", "--from", manifest], { store });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /line 2: "::ffff:1\.2\.3\.4" is an IPv4-mapped IPv6 address/);
  assert.deepEqual(snapshotDir(store), before);
});

test("a plain IPv6 address is still accepted", async () => {
  const result = await runNutcaOk(["--json", "issue", "server", "ups3", "--ip", "2001:db8::ffff:1.2.3.4"], { store });
  assert.deepEqual((JSON.parse(result.stdout) as { ip: string[] }).ip, ["2001:db8::ffff:102:304"]);
});
