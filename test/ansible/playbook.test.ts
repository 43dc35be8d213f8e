// export ansible with Debian's real ansible-playbook against localhost (ansible_connection=local)
// and a scratch install root: syntax, install, a second run with no change, check mode that
// changes nothing, no temporary directory left, and install.sh refusing or rolling back failing the play.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import { fingerprint, ownerMode } from "../install/support.js";
import { chownRootNut, nutGate, nutGroupId } from "../nut/daemons.js";
import { ANSIBLE_PLAYBOOK, isolatedAnsible, recap, temporaryDirs, type Ansible } from "./support.js";

const gate = nutGate([ANSIBLE_PLAYBOOK, "certutil", "pk12util"]);

const MANIFEST = [
  "kind,name,dns,ip,server,host",
  "server,ups1,localhost,127.0.0.1,,localhost",
  "client,mon1,,,ups1,localhost",
  "",
].join("\n");
const UPSD_CONF = "# upsd.conf of this host\nLISTEN 127.0.0.1 3493\n";
const UPSMON_CONF = "MONITOR ups@localhost 1 monuser secret secondary\n";
/** The scratch root stands for /, and nothing restarts: the run installs files and merges configs. */
const INTO = (root: string) => [
  "-e",
  `nutca_install_root=${root}`,
  "-e",
  "nutca_restart=none",
  "-e",
  "nutca_become=false",
];

/** A root with NUT's config dir holding the given files, root:nut 0640 as Debian has them. */
function scratchRoot(path: string, files: Record<string, string>): string {
  mkdirSync(join(path, "etc/nut"), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const file = join(path, "etc/nut", name);
    writeFileSync(file, text, { mode: 0o640 });
    chownRootNut(file);
  }
  return path;
}

describe("export ansible, run by the real ansible-playbook", { skip: gate.skip }, () => {
  let base: string;
  let store: string;
  let out: string;
  let ansible: Ansible;

  before(async () => {
    gate.check();
    base = tempDir("nutca-ansible-");
    store = join(base, "store");
    await runNutcaOk(["init", "--no-passphrase", "--name", "Ansible test CA"], { store });
    writeFileSync(join(base, "fleet.csv"), MANIFEST);
    await runNutcaOk(["issue", "--from", join(base, "fleet.csv")], { store });
    out = join(base, "out");
    const args = ["export", "ansible", "--from", join(base, "fleet.csv"), "--backend", "nss", "--connection", "local"];
    await runNutcaOk([...args, "--out", out], { store });
    ansible = isolatedAnsible(base);
  });

  it("writes an inventory of both groups with each host's address and bundle", () => {
    const inventory = readFileSync(join(out, "inventory.yml"), "utf8");
    assert.match(inventory, /^ {2}vars:\n {4}ansible_connection: "local"\n/m);
    assert.match(
      inventory,
      /^ {4}nut_servers:\n {6}hosts:\n {8}"ups1":\n {10}ansible_host: "localhost"\n {10}nutca_name: "ups1"\n {10}nutca_target: "upsd"\n/m,
    );
    assert.match(
      inventory,
      /^ {4}nut_clients:\n {6}hosts:\n {8}"mon1":\n {10}ansible_host: "localhost"\n {10}nutca_name: "mon1"\n {10}nutca_target: "upsmon"\n/m,
    );
    for (const [dir, key] of [
      ["files/ups1/upsd", "nssdb/key4.db"],
      ["files/mon1/upsmon", "upsmon-nssdb/key4.db"],
    ] as const) {
      assert.equal(ownerMode(join(out, dir, "install.sh")).mode, 0o755);
      assert.equal(ownerMode(join(out, dir, key)).mode & 0o007, 0, `${dir}/${key} is not world-readable`);
    }
  });

  it("passes ansible-playbook --syntax-check", () => {
    const result = ansible.playbook(out, ["--syntax-check"]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.stdout, /^playbook: site\.yml$/m);
  });

  it("installs both bundles, changes nothing the second time, and check mode changes nothing", () => {
    const root = scratchRoot(join(base, "root"), { "upsd.conf": UPSD_CONF, "upsmon.conf": UPSMON_CONF });
    const gid = nutGroupId();
    const pristine = fingerprint(root);

    const check = ansible.playbook(out, ["--check", "-v", ...INTO(root)]);
    assert.equal(check.code, 0, check.output);
    assert.deepEqual(fingerprint(root), pristine, "--check changed nothing");
    assert.match(check.stdout, /nutca-install: dry-run upsd ups1 [1-9]\d* change\(s\)/);
    assert.deepEqual(
      [recap(check.stdout).ups1?.changed, recap(check.stdout).mon1?.changed],
      [1, 1],
      "check mode shows what would change",
    );

    const first = ansible.playbook(out, ["-v", ...INTO(root)]);
    assert.equal(first.code, 0, first.output);
    for (const host of ["ups1", "mon1"]) {
      assert.deepEqual(
        [recap(first.stdout)[host]?.changed, recap(first.stdout)[host]?.failed],
        [1, 0],
        `${host}: ${first.stdout}`,
      );
    }
    assert.match(first.stdout, /nutca-install: installed upsd ups1 not restarted/);
    assert.match(first.stdout, /nutca-install: installed upsmon ups1 not restarted/);
    for (const [dir, bundle] of [
      ["etc/nut/tls/nssdb", "files/ups1/upsd/nssdb"],
      ["etc/nut/tls/upsmon-nssdb", "files/mon1/upsmon/upsmon-nssdb"],
    ] as const) {
      assert.deepEqual(ownerMode(join(root, dir)), { mode: 0o750, uid: 0, gid }, dir);
      for (const name of ["cert9.db", "key4.db", "pkcs11.txt"]) {
        assert.deepEqual(ownerMode(join(root, dir, name)), { mode: 0o640, uid: 0, gid }, `${dir}/${name}`);
        assert.deepEqual(readFileSync(join(root, dir, name)), readFileSync(join(out, bundle, name)), name);
      }
    }
    for (const [conf, original, target, bundle] of [
      ["upsd.conf", UPSD_CONF, "upsd", "files/ups1/upsd/upsd.conf.snippet"],
      ["upsmon.conf", UPSMON_CONF, "upsmon", "files/mon1/upsmon/upsmon.conf.snippet"],
    ] as const) {
      const snippet = readFileSync(join(out, bundle), "utf8");
      const merged = `${original}# BEGIN nutca ${target} ups1\n${snippet}# END nutca ${target} ups1\n`;
      assert.equal(readFileSync(join(root, "etc/nut", conf), "utf8"), merged, conf);
      assert.deepEqual(ownerMode(join(root, "etc/nut", conf)), { mode: 0o640, uid: 0, gid }, conf);
    }
    const temps = temporaryDirs(first.stdout, ansible);
    assert.equal(temps.made.length, 2, "one tempfile directory per host");
    assert.ok(
      temps.made.every((path) => path.startsWith(`${ansible.hostTemp}/ansible.`)),
      temps.made.join(" "),
    );
    assert.deepEqual(temps.left, [], "no temporary directory is left");

    const installed = fingerprint(root);
    const second = ansible.playbook(out, INTO(root));
    assert.equal(second.code, 0, second.output);
    for (const host of ["ups1", "mon1"]) assert.equal(recap(second.stdout)[host]?.changed, 0, second.stdout);
    assert.deepEqual(fingerprint(root), installed, "the second run changed nothing");

    const recheck = ansible.playbook(out, ["--check", ...INTO(root)]);
    assert.equal(recheck.code, 0, recheck.output);
    for (const host of ["ups1", "mon1"]) assert.equal(recap(recheck.stdout)[host]?.changed, 0, recheck.stdout);
    assert.deepEqual(fingerprint(root), installed, "check mode changed nothing");
    assert.deepEqual(temporaryDirs("", ansible).left, []);
  });

  it("fails the play with install.sh's reason when it refuses or rolls back, and leaves the config as it was", async () => {
    const openssl = join(base, "out-openssl");
    const args = ["export", "ansible", "--server", "ups1", "--host", "localhost", "--backend", "openssl"];
    await runNutcaOk([...args, "--connection", "local", "--out", openssl], { store });
    const root = scratchRoot(join(base, "root-refused"), { "upsd.conf": UPSD_CONF });
    const pristine = fingerprint(root);
    const refused = ansible.playbook(openssl, ["-v", ...INTO(root)]);
    assert.equal(refused.code, 2, refused.output);
    assert.deepEqual([recap(refused.stdout).ups1?.failed, recap(refused.stdout).ups1?.changed], [1, 0]);
    assert.match(refused.stdout, /is built with nss, this bundle is for openssl/);
    assert.match(refused.stdout, /nutca-install: refused upsd ups1 /);
    assert.deepEqual(fingerprint(root), pristine, "a refusal changes nothing");
    assert.equal(temporaryDirs(refused.stdout, ansible).made.length, 1);
    assert.deepEqual(temporaryDirs(refused.stdout, ansible).left, [], "the always block removed the directory");

    const empty = join(base, "root-empty");
    mkdirSync(empty);
    const noConf = ansible.playbook(out, ["--limit", "ups1", ...INTO(empty)]);
    assert.equal(noConf.code, 2, noConf.output);
    assert.equal(recap(noConf.stdout).ups1?.failed, 1);
    assert.match(noConf.stdout, /no config directory found/);
    assert.deepEqual(fingerprint(empty), new Map(), "nothing was created in the empty root");
    assert.deepEqual(temporaryDirs("", ansible).left, []);

    const rollback = scratchRoot(join(base, "root-rollback"), { "upsd.conf": UPSD_CONF });
    const failing = ["-e", `nutca_install_root=${rollback}`, "-e", "nutca_become=false"];
    const rolled = ansible.playbook(out, ["--limit", "ups1", ...failing, "-e", '{"nutca_restart": "exit 3"}']);
    assert.equal(rolled.code, 2, rolled.output);
    assert.deepEqual([recap(rolled.stdout).ups1?.failed, recap(rolled.stdout).ups1?.changed], [1, 0]);
    assert.match(rolled.stdout, /nutca-install: rolled-back upsd ups1 the restart failed: exit 3/);
    assert.equal(readFileSync(join(rollback, "etc/nut/upsd.conf"), "utf8"), UPSD_CONF, "upsd.conf is restored");
    assert.deepEqual(temporaryDirs("", ansible).left, []);
  });
});
