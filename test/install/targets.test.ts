// install.sh of the stunnel and shim bundles, on a scratch --root under busybox sh:
// files with their owners and modes, stunnel's whole conf file, idempotence, --uninstall.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import { fingerprint, makeStore, ownerMode, runInstall, SHELLS } from "./support.js";

const BUSYBOX = SHELLS[1]!;
const gid = (group: string) => Number(spawnSync("getent", ["group", group], { encoding: "utf8" }).stdout.split(":")[2]);
const present = (group: string) => spawnSync("getent", ["group", group]).status === 0;
const skip = !present("stunnel4") || !present("nut") ? "needs the stunnel4 and nut groups (Debian)" : false;

describe("install.sh for stunnel and the shims", { skip }, () => {
  let base: string;
  let store: string;

  before(async () => {
    base = tempDir("nutca-install-targets-");
    store = join(base, "store");
    await makeStore(store);
  });

  it("stunnel-server: the key root:stunnel4 0640, the conf whole into /etc/stunnel, then unchanged, then removed", async () => {
    const bundle = join(base, "stunnel");
    await runNutcaOk(["export", "stunnel-server", "--server", "ups1", "--out", bundle], { store });
    const root = join(base, "stunnel-root");
    mkdirSync(join(root, "etc/stunnel"), { recursive: true });
    const pristine = fingerprint(root);
    const run = await runInstall(BUSYBOX, bundle, ["--root", root]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.last, /^nutca-install: installed stunnel-server ups1 not restarted — run: /);
    const dir = join(root, "etc/stunnel/nut");
    assert.deepEqual(ownerMode(dir), { mode: 0o750, uid: 0, gid: gid("stunnel4") });
    assert.deepEqual(ownerMode(join(dir, "ups1.key.pem")), { mode: 0o640, uid: 0, gid: gid("stunnel4") });
    assert.deepEqual(ownerMode(join(dir, "ups1.chain.pem")), { mode: 0o644, uid: 0, gid: 0 });
    assert.deepEqual(ownerMode(join(dir, "ca.pem")), { mode: 0o644, uid: 0, gid: 0 });
    const conf = join(root, "etc/stunnel/nut-server.conf");
    assert.deepEqual(readFileSync(conf), readFileSync(join(bundle, "stunnel.conf")));
    assert.deepEqual(ownerMode(conf), { mode: 0o644, uid: 0, gid: 0 });
    const installed = fingerprint(root);
    const again = await runInstall(BUSYBOX, bundle, ["--root", root]);
    assert.equal(again.last, "nutca-install: unchanged stunnel-server ups1");
    assert.deepEqual(fingerprint(root), installed);
    const removed = await runInstall(BUSYBOX, bundle, ["--root", root, "--uninstall"]);
    assert.equal(removed.code, 0, removed.stderr);
    const left = fingerprint(root);
    for (const key of left.keys()) if (key.startsWith("etc/stunnel/.nutca-backup/")) left.delete(key);
    assert.deepEqual(left, pristine, "only the backups remain");
  });

  it("shim-client: the CA file root:root 0644 in /etc/nut, found by its upsmon.conf", async () => {
    const bundle = join(base, "shim");
    await runNutcaOk(["export", "shim-client", "--server", "ups1", "--out", bundle], { store });
    const root = join(base, "shim-root");
    mkdirSync(join(root, "etc/nut"), { recursive: true });
    writeFileSync(join(root, "etc/nut/upsmon.conf"), "MONITOR ups@127.0.0.1 1 u p secondary\n");
    const run = await runInstall(BUSYBOX, bundle, ["--root", root]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.last, /^nutca-install: installed shim-client ups1 /);
    const file = join(root, "etc/nut/ups1.test-client.cert.pem");
    assert.ok(existsSync(file));
    assert.deepEqual(ownerMode(file), { mode: 0o644, uid: 0, gid: 0 });
    assert.equal(readFileSync(join(root, "etc/nut/upsmon.conf"), "utf8"), "MONITOR ups@127.0.0.1 1 u p secondary\n");
  });
});
