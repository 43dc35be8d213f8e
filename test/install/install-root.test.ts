// install.sh from a real upsd NSS export, run under dash and busybox sh against a
// scratch --root: merge, idempotence, --dry-run, owners and modes, backup, --uninstall.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import { chownRootNut, nutGate, nutGroupId } from "../nut/daemons.js";
import { fingerprint, makeStore, ownerMode, runInstall, SHELLS } from "./support.js";

const gate = nutGate(["certutil", "pk12util", "dash", "busybox"]);

const ORIGINAL = [
  "# upsd.conf of this host",
  "LISTEN 127.0.0.1 3493",
  "",
  "# an earlier TLS attempt:",
  "  CERTFILE /etc/nut/old.pem",
  "MAXAGE 15",
  "",
].join("\n");

describe("install.sh against a scratch --root", { skip: gate.skip }, () => {
  let base: string;
  let bundle: string;
  let password: string;

  before(async () => {
    gate.check();
    base = tempDir("nutca-install-root-");
    const store = join(base, "store");
    await makeStore(store);
    bundle = join(base, "bundle");
    await runNutcaOk(["export", "upsd", "--server", "ups1", "--backend", "nss", "--out", bundle], { store });
    password = /^CERTIDENT "nut-server" "([^"]+)"$/m.exec(readFileSync(join(bundle, "upsd.conf.snippet"), "utf8"))![1]!;
  });

  for (const shell of SHELLS) {
    it(`${shell.join(" ")}: merges, is idempotent, dry-runs, backs up and uninstalls`, async () => {
      const root = join(base, `root-${shell.length}`);
      mkdirSync(join(root, "etc/nut"), { recursive: true });
      const conf = join(root, "etc/nut/upsd.conf");
      writeFileSync(conf, ORIGINAL, { mode: 0o640 });
      chownRootNut(conf);
      const gid = nutGroupId();
      const upsd = ["--root", root, "--upsd", "/lib/nut/upsd"];
      const secretFree = (text: string) => assert.ok(!text.includes(password), "the DB password is never shown");

      const pristine = fingerprint(root);
      const dry = await runInstall(shell, bundle, [...upsd, "--dry-run"]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.last, /^nutca-install: dry-run upsd ups1 \d+ change\(s\)$/);
      assert.match(dry.stdout, /^- {2}CERTFILE \/etc\/nut\/old\.pem$/m);
      assert.match(dry.stdout, /^\+# nutca: {3}CERTFILE \/etc\/nut\/old\.pem$/m);
      assert.match(dry.stdout, /^\+CERTIDENT "nut-server" "\*{8}"$/m);
      secretFree(dry.stdout + dry.stderr);
      assert.deepEqual(fingerprint(root), pristine, "--dry-run changed nothing");

      const first = await runInstall(shell, bundle, upsd);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.last, /^nutca-install: installed upsd ups1 not restarted — run: /);
      secretFree(first.stdout + first.stderr);
      const snippet = readFileSync(join(bundle, "upsd.conf.snippet"), "utf8");
      const merged =
        ORIGINAL.replace("  CERTFILE", "# nutca:   CERTFILE") +
        `# BEGIN nutca upsd ups1\n${snippet}# END nutca upsd ups1\n`;
      assert.equal(readFileSync(conf, "utf8"), merged);
      assert.deepEqual(ownerMode(conf), { mode: 0o640, uid: 0, gid }, "upsd.conf keeps its owner and mode");
      for (const dir of ["etc/nut/tls", "etc/nut/tls/nssdb"])
        assert.deepEqual(ownerMode(join(root, dir)), { mode: 0o750, uid: 0, gid }, dir);
      for (const name of ["cert9.db", "key4.db", "pkcs11.txt"]) {
        const path = join(root, "etc/nut/tls/nssdb", name);
        assert.deepEqual(ownerMode(path), { mode: 0o640, uid: 0, gid }, name);
        assert.deepEqual(readFileSync(path), readFileSync(join(bundle, "nssdb", name)), name);
      }
      const backups = join(root, "etc/nut/.nutca-backup");
      assert.equal(ownerMode(backups).mode, 0o700);
      const [stamp, ...more] = readdirSync(backups);
      assert.equal(more.length, 0);
      assert.match(stamp!, /^\d{8}T\d{6}Z$/);
      assert.equal(ownerMode(join(backups, stamp!)).mode, 0o700);
      assert.equal(readFileSync(join(backups, stamp!, "files/etc/nut/upsd.conf"), "utf8"), ORIGINAL);

      const installed = fingerprint(root);
      const second = await runInstall(shell, bundle, upsd);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.last, "nutca-install: unchanged upsd ups1");
      assert.deepEqual(fingerprint(root), installed, "the second run changed nothing, not even a backup");

      const removed = await runInstall(shell, bundle, [...upsd, "--uninstall"]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.match(removed.last, /^nutca-install: uninstalled upsd ups1 /);
      assert.equal(readFileSync(conf, "utf8"), ORIGINAL, "--uninstall restores the original bytes");
      assert.deepEqual(ownerMode(conf), { mode: 0o640, uid: 0, gid });
      assert.ok(!existsSync(join(root, "etc/nut/tls")), "the installed files and their directories are gone");
      secretFree(removed.stdout + removed.stderr);
    });
  }

  it("a bundle exported where certutil was missing: install.sh builds the database on the host", async () => {
    const nodeOnly = join(base, "node-only");
    mkdirSync(nodeOnly);
    symlinkSync(process.execPath, join(nodeOnly, "node"));
    const scripted = join(base, "bundle-script");
    const args = ["export", "upsd", "--server", "ups1", "--backend", "nss", "--out", scripted];
    await runNutcaOk(args, { store: join(base, "store"), env: { PATH: nodeOnly } });
    assert.ok(existsSync(join(scripted, "build-nssdb.sh")) && !existsSync(join(scripted, "nssdb")));
    const root = join(base, "root-script");
    mkdirSync(join(root, "etc/nut"), { recursive: true });
    writeFileSync(join(root, "etc/nut/upsd.conf"), ORIGINAL);
    const run = await runInstall(SHELLS[0]!, scripted, ["--root", root, "--upsd", "/lib/nut/upsd"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const db = join(root, "etc/nut/tls/nssdb");
    assert.deepEqual(ownerMode(join(db, "key4.db")), { mode: 0o640, uid: 0, gid: nutGroupId() });
    const snippet = readFileSync(join(scripted, "upsd.conf.snippet"), "utf8");
    const dbPassword = /^CERTIDENT "nut-server" "([^"]+)"$/m.exec(snippet)![1]!;
    writeFileSync(join(base, "db.pass"), dbPassword, { mode: 0o600 });
    const keys = spawnSync("certutil", ["-K", "-d", `sql:${db}`, "-f", join(base, "db.pass")], { encoding: "utf8" });
    assert.match(keys.stdout, /nut-server$/m, keys.stderr);
    const built = fingerprint(root);
    const again = await runInstall(SHELLS[1]!, scripted, ["--root", root, "--upsd", "/lib/nut/upsd"]);
    assert.equal(again.last, "nutca-install: unchanged upsd ups1", "the stamp of the bundle it came from says so");
    assert.deepEqual(fingerprint(root), built);
  });

  it("upsmon: refuses without a MONITOR line for the host; comments out CERTHOST for that host only", async () => {
    const store = join(base, "store");
    const monitor = join(base, "bundle-upsmon");
    const args = ["export", "upsmon", "--server", "ups1", "--backend", "nss", "--monitor-host", "ups1.test"];
    await runNutcaOk([...args, "--out", monitor], { store });
    const root = join(base, "root-upsmon");
    mkdirSync(join(root, "etc/nut"), { recursive: true });
    const conf = join(root, "etc/nut/upsmon.conf");
    const certhosts = ['CERTHOST ups1.test "old" 1 1', 'CERTHOST ups2.test "ups2.test" 1 1', "FORCESSL 0"];
    writeFileSync(conf, [...certhosts, ""].join("\n"));
    const upsmon = ["--root", root, "--upsmon", "/lib/nut/upsmon"];
    const before = fingerprint(root);
    const refused = await runInstall(SHELLS[1]!, monitor, upsmon);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.last,
      /^nutca-install: refused upsmon ups1 \S+upsmon\.conf has no MONITOR line for ups1\.test/,
    );
    assert.deepEqual(fingerprint(root), before, "nothing touched");
    const monitorLine = "MONITOR ups@ups1.test:3493 1 monuser secret secondary";
    writeFileSync(conf, [monitorLine, ...certhosts, ""].join("\n"));
    const run = await runInstall(SHELLS[1]!, monitor, upsmon);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = readFileSync(conf, "utf8").split("\n");
    assert.deepEqual(lines.slice(0, 4), [
      monitorLine,
      '# nutca: CERTHOST ups1.test "old" 1 1',
      'CERTHOST ups2.test "ups2.test" 1 1',
      "# nutca: FORCESSL 0",
    ]);
    assert.ok(lines.includes('CERTHOST ups1.test "ups1.test" 1 1') && lines.includes("FORCESSL 1"));
  });

  it("--uninstall brings back a file the bundle replaced, from the first install's backup", async () => {
    const root = join(base, "root-replaced");
    const db = join(root, "etc/nut/tls/nssdb");
    mkdirSync(db, { recursive: true });
    for (const dir of [join(root, "etc/nut/tls"), db]) {
      chownRootNut(dir);
      chmodSync(dir, 0o750);
    }
    writeFileSync(join(root, "etc/nut/upsd.conf"), ORIGINAL, { mode: 0o640 });
    chownRootNut(join(root, "etc/nut/upsd.conf"));
    writeFileSync(join(db, "pkcs11.txt"), "an older database\n", { mode: 0o640 });
    chownRootNut(join(db, "pkcs11.txt"));
    const pristine = fingerprint(root);
    const upsd = ["--root", root, "--upsd", "/lib/nut/upsd"];
    for (const args of [upsd, upsd, [...upsd, "--uninstall"]]) {
      const run = await runInstall(SHELLS[0]!, bundle, args);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    }
    const after = fingerprint(root);
    for (const key of after.keys()) if (key.startsWith("etc/nut/.nutca-backup/")) after.delete(key);
    after.delete("etc/nut/.nutca-backup/");
    assert.deepEqual(after, pristine, "the older database file is back, byte for byte, with its owner and mode");
  });

  it("a SIGTERM after the files were installed puts every one back (exit 1, rolled-back)", async () => {
    const root = join(base, "root-interrupted");
    mkdirSync(join(root, "etc/nut"), { recursive: true });
    writeFileSync(join(root, "etc/nut/upsd.conf"), ORIGINAL);
    const pristine = fingerprint(root);
    const args = ["--root", root, "--upsd", "/lib/nut/upsd", "--restart", "sleep 1", "--no-verify"];
    const run = await runInstall(SHELLS[1]!, bundle, args, /^restarting: sleep 1$/m);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(run.last, "nutca-install: rolled-back upsd ups1 interrupted");
    const after = fingerprint(root);
    for (const key of after.keys()) if (key.startsWith("etc/nut/.nutca-backup/")) after.delete(key);
    after.delete("etc/nut/.nutca-backup/");
    assert.deepEqual(after, pristine);
  });
});
