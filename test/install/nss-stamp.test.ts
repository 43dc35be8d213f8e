// An exported NSS database differs byte for byte on every export: install.sh compares its
// stamp (a hash of what it was built from) instead, under dash and busybox sh.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import { nutGate } from "../nut/daemons.js";
import { fingerprint, makeStore, runInstall, SHELLS } from "./support.js";

const gate = nutGate(["certutil", "pk12util", "dash", "busybox"]);
const ORIGINAL = "# upsd.conf of this host\nLISTEN 127.0.0.1 3493\n";

describe("install.sh and an exported NSS database's stamp", { skip: gate.skip }, () => {
  let base: string;
  let store: string;
  let exports = 0;

  before(async () => {
    gate.check();
    base = tempDir("nutca-install-stamp-");
    store = join(base, "store");
    await makeStore(store);
    writeFileSync(join(base, "pass-1"), "first db password\n", { mode: 0o600 });
    writeFileSync(join(base, "pass-2"), "second db password\n", { mode: 0o600 });
  });

  async function exportUpsd(passwordFile: string): Promise<string> {
    const out = join(base, `bundle-${++exports}`);
    const args = ["export", "upsd", "--server", "ups1", "--backend", "nss", "--nss-password-file", passwordFile];
    await runNutcaOk([...args, "--out", out], { store });
    return out;
  }

  const backups = (root: string) => readdirSync(join(root, "etc/nut/.nutca-backup")).length;

  for (const shell of SHELLS) {
    it(`${shell.join(" ")}: the same inputs are unchanged; another password or a renewal installs`, async () => {
      const root = join(base, `root-${shell.length}`);
      mkdirSync(join(root, "etc/nut"), { recursive: true });
      writeFileSync(join(root, "etc/nut/upsd.conf"), ORIGINAL, { mode: 0o640 });
      const upsd = ["--root", root, "--upsd", "/lib/nut/upsd"];
      const db = join(root, "etc/nut/tls/nssdb");

      const first = await exportUpsd(join(base, "pass-1"));
      const installed = await runInstall(shell, first, upsd);
      assert.equal(installed.code, 0, installed.stderr);
      assert.match(installed.last, /^nutca-install: installed upsd ups1 /);
      assert.match(readFileSync(join(db, ".nutca-stamp"), "utf8"), /^[0-9a-f]{64}\n$/);
      assert.ok(!readFileSync(join(db, ".nutca-stamp"), "utf8").includes("first db password"));

      const again = await exportUpsd(join(base, "pass-1"));
      assert.notDeepEqual(readFileSync(join(again, "nssdb/key4.db")), readFileSync(join(first, "nssdb/key4.db")));
      const before = fingerprint(root);
      const unchanged = await runInstall(shell, again, upsd);
      assert.equal(unchanged.code, 0, unchanged.stderr);
      assert.equal(unchanged.last, "nutca-install: unchanged upsd ups1");
      assert.deepEqual(fingerprint(root), before, "no file copied, no backup made");
      assert.equal(backups(root), 1);

      // The database in place came from the first bundle: the second one's stamp stands for it.
      const removed = await runInstall(shell, again, [...upsd, "--uninstall"]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.ok(!existsSync(join(root, "etc/nut/tls")), "the database, its stamp and their directories are gone");
      assert.equal(readFileSync(join(root, "etc/nut/upsd.conf"), "utf8"), ORIGINAL);

      assert.match((await runInstall(shell, first, upsd)).last, /^nutca-install: installed upsd ups1 /);
      const other = await exportUpsd(join(base, "pass-2"));
      const byPassword = await runInstall(shell, other, upsd);
      assert.match(byPassword.last, /^nutca-install: installed upsd ups1 /, byPassword.stderr);
      assert.deepEqual(readFileSync(join(db, "key4.db")), readFileSync(join(other, "nssdb/key4.db")));
      assert.deepEqual(readFileSync(join(db, ".nutca-stamp")), readFileSync(join(other, "nssdb/.nutca-stamp")));

      await runNutcaOk(["renew", "ups1"], { store });
      const renewed = await runInstall(shell, await exportUpsd(join(base, "pass-2")), upsd);
      assert.match(renewed.last, /^nutca-install: installed upsd ups1 /, renewed.stderr);
      assert.equal(backups(root), 5, "one backup for each of the four installs and the uninstall");
    });
  }
});
