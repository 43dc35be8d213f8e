// export ansible refuses bad input with one line and exit 2, before anything is written:
// no host to go to, a manifest row without a host, a host that is no [user@]host[:port].
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";
import { fingerprint } from "../install/support.js";

describe("export ansible: bad input", () => {
  let base: string;
  let store: string;

  before(async () => {
    base = tempDir("nutca-ansible-input-");
    store = join(base, "store");
    await runNutcaOk(["init", "--no-passphrase", "--name", "Ansible input CA"], { store });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "localhost"], { store });
    await runNutcaOk(["issue", "client", "mon1"], { store });
  });

  const refused = async (args: readonly string[], pattern: RegExp) => {
    const out = join(base, "out");
    const before = fingerprint(store);
    const result = await runNutca(["export", "ansible", "--backend", "openssl", ...args, "--out", out], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^nutca: .+ — .+$/);
    assert.match(lines[0]!, pattern);
    assert.equal(existsSync(out), false, "nothing written");
    assert.deepEqual(fingerprint(store), before, "the store is unchanged");
  };

  it("needs --from, or --server/--client", async () => {
    await refused([], /export ansible needs --from <manifest>, or --server\/--client <name>/);
  });

  it("needs --host for one host", async () => {
    await refused(["--server", "ups1"], /export ansible --server needs --host/);
    await refused(["--client", "mon1", "--server", "ups1"], /export ansible --client needs --host/);
    await refused(["--client", "mon1", "--host", "mon1"], /export ansible --client needs --server/);
  });

  it("refuses a host that is no [user@]host[:port]", async () => {
    await refused(["--server", "ups1", "--host", "admin@ups1:99999"], /--host "admin@ups1:99999" has no port/);
    await refused(["--server", "ups1", "--host", "bad user@ups1"], /has no valid user before @/);
  });

  it("refuses a manifest row without a host, naming its line", async () => {
    const manifest = join(base, "fleet.csv");
    writeFileSync(manifest, "kind,name,server,host\nserver,ups1,,ups1.example.net\nclient,mon1,ups1,\n");
    await refused(["--from", manifest], /the manifest .*fleet\.csv: line 3: no host for mon1 \(the host column/);
  });

  it("refuses --from with --host", async () => {
    const manifest = join(base, "fleet-ok.csv");
    writeFileSync(manifest, "kind,name,host\nserver,ups1,ups1.example.net\n");
    await refused(["--from", manifest, "--host", "x"], /--from and --server\/--client\/--host exclude each other/);
  });
});
