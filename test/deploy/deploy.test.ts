// nutca deploy over OpenSSH's real sshd on 127.0.0.1: the upsd NSS bundle is installed
// into a scratch root, Debian's real upsd is (re)started from install.sh's --restart
// command, and nutca's probe verifies it; a second deploy is "unchanged"; a fleet with
// a closed port reports it unreachable while the other hosts are deployed; no
// temporary directory stays on the host and no secret is in any argv.
// An NSS database is never byte-identical from one export to the next (certutil salts
// it), so "unchanged" is shown with a bundle that is: stunnel-server's PEM files.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";
import { Daemon, freePort, NUT, nutDir, nutFile, nutGate, sleep, starttlsStatus } from "../nut/daemons.js";
import { makeStore, restartScript, scratchRoot, stopByPidFile } from "../install/support.js";
import { startSshd, type Sshd } from "./sshd.js";

const gate = nutGate(["certutil", "pk12util", "setsid", "ssh", "ssh-keygen", "/usr/sbin/sshd"]);
const UPS = "testups";
const NSS_PASSWORD = "nss-secret-4f1c9a";

/** The remote script's temporary directories (the host is this machine). */
const remoteTemps = () => readdirSync("/tmp").filter((name) => name.startsWith("nutca-deploy."));

/** Every argv on the machine, sampled until `stop` says so. */
function sampleArgv(stop: () => boolean): Promise<string[]> {
  return new Promise((resolve) => {
    const seen = new Set<string>();
    const tick = () => {
      const ps = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" });
      for (const line of ps.stdout.split("\n")) seen.add(line);
      if (stop()) resolve([...seen]);
      else setTimeout(tick, 20);
    };
    tick();
  });
}

describe("nutca deploy over a real sshd", { skip: gate.skip }, () => {
  let base: string;
  let store: string;
  let sshd: Sshd;
  let upsdPort: number;
  let root: string;
  let upsdPid: string;
  let restart: string;
  let driver: Daemon | undefined;
  let passwordFile: string;

  before(async () => {
    gate.check();
    base = nutDir(tempDir("nutca-deploy-test-"), 0o755);
    store = join(base, "store");
    await makeStore(store);
    for (const name of ["ups2", "ups3", "ups4"])
      await runNutcaOk(["issue", "server", name, "--dns", `${name}.test`], { store });
    sshd = await startSshd(nutDir(join(base, "ssh"), 0o700), ["ups-a", "ups-b", "ups-c"]);
    passwordFile = join(base, "nss-password");
    writeFileSync(passwordFile, `${NSS_PASSWORD}\n`, { mode: 0o600 });
    upsdPort = await freePort();
    root = scratchRoot(base, "upsd-root");
    const conf = nutDir(join(root, "etc/nut"), 0o755);
    const state = nutDir(join(base, "upsd-state"), 0o770);
    nutFile(join(conf, "ups.conf"), `[${UPS}]\n  driver = dummy-ups\n  port = ${UPS}.dev\n`);
    nutFile(join(conf, `${UPS}.dev`), "ups.status: OL\nbattery.charge: 100\n");
    nutFile(join(conf, "upsd.users"), "[monuser]\n  password = monitor-password\n  upsmon secondary\n");
    nutFile(join(conf, "upsd.conf"), `# the test's upsd\nLISTEN 127.0.0.1 ${upsdPort}\n`);
    const env = { NUT_CONFPATH: conf, NUT_STATEPATH: state, NUT_ALTPIDPATH: state };
    driver = new Daemon("dummy-ups", NUT.dummyUps, ["-a", UPS, "-u", "nut", "-F"], { ...process.env, ...env });
    for (let i = 0; i < 100 && !existsSync(join(state, `dummy-ups-${UPS}`)); i++) await sleep(100);
    upsdPid = join(base, "upsd.test.pid");
    restart = restartScript(
      join(base, "restart-upsd.sh"),
      env,
      `${NUT.upsd} -F -u nut`,
      upsdPid,
      join(base, "upsd.log"),
    );
  });

  after(async () => {
    stopByPidFile(upsdPid);
    await driver?.stop();
    await sshd?.daemon.stop();
  });

  const deployUpsd = (extra: readonly string[] = []) =>
    runNutca(
      [
        "deploy",
        "upsd",
        "--server",
        "ups1",
        "--backend",
        "nss",
        "--nss-password-file",
        passwordFile,
        "--install-dir",
        join(base, "upsd-tls"),
        "--host",
        "ups-a",
        "--ssh-config",
        sshd.config,
        "--install-root",
        root,
        "--restart",
        restart,
        "--probe-port",
        String(upsdPort),
        ...extra,
      ],
      { store, timeoutMs: 120_000 },
    );

  it("installs the upsd bundle, restarts upsd, the probe verifies it; again: unchanged, upsd not restarted", async () => {
    const before = remoteTemps();
    let done = false;
    const argv = sampleArgv(() => done);
    const first = await deployUpsd().finally(() => (done = true));
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /^ups-a upsd ups1: installed, probe verified$/m);
    assert.match(first.stdout, /^Deployed 1 of 1 bundle\(s\) successfully \(1 installed\)$/m);
    const upsdConf = readFileSync(join(root, "etc/nut/upsd.conf"), "utf8");
    assert.match(upsdConf, /^# BEGIN nutca upsd ups1$/m);
    assert.match(upsdConf, new RegExp(`^CERTPATH ${join(base, "upsd-tls")}/nssdb$`, "m"));
    assert.ok(
      existsSync(join(root, base, "upsd-tls/nssdb/cert9.db")) || existsSync(join(base, "upsd-tls/nssdb/cert9.db")),
    );
    // A STARTTLS client of its own checks chain and name too.
    const caPem = readFileSync(join(store, "ca.crt.pem"), "utf8");
    assert.equal((await starttlsStatus(upsdPort, caPem, "ups1.test", UPS)).status, "OL");
    for (const line of await argv) {
      assert.ok(!line.includes(NSS_PASSWORD), `the NSS password in an argv: ${line}`);
      assert.ok(!line.includes("PRIVATE KEY"), `a key in an argv: ${line}`);
    }
    assert.ok(!first.stdout.includes(NSS_PASSWORD) && !first.stderr.includes(NSS_PASSWORD));

    // A fresh database from the same inputs: its stamp matches the one in place.
    const running = readFileSync(upsdPid, "utf8");
    // The scratch root links back to /: look at the config directory and the install directory only.
    const hostFiles = () => [snapshotDir(join(root, "etc/nut")), snapshotDir(join(base, "upsd-tls"))];
    const installed = hostFiles();
    const json = await deployUpsd(["--json"]);
    assert.equal(json.code, 0, json.stdout + json.stderr);
    const data = JSON.parse(json.stdout) as { hosts: { status: string; probe: string }[]; summary: { ok: number } };
    assert.deepEqual(
      data.hosts.map((host) => [host.status, host.probe]),
      [["unchanged", "verified"]],
    );
    assert.equal(readFileSync(upsdPid, "utf8"), running, "upsd was not restarted");
    assert.deepEqual(hostFiles(), installed, "no file copied, no backup made");
    assert.equal(data.summary.ok, 1);
    assert.deepEqual(remoteTemps(), before, "a temporary directory was left on the host");
  });

  it("deploying the same stunnel-server bundle twice: installed, not restarted; then unchanged", async () => {
    const stunnelRoot = nutDir(join(base, "stunnel-root"), 0o755);
    nutDir(join(stunnelRoot, "etc/stunnel"), 0o755);
    const args = ["deploy", "stunnel-server", "--server", "ups1", "--host", "ups-a", "--ssh-config", sshd.config];
    const deploy = (extra: string[] = []) =>
      runNutca([...args, "--install-root", stunnelRoot, "--restart", "none", ...extra], { store });
    const untouched = snapshotDir(stunnelRoot);
    const dry = await deploy(["--dry-run"]);
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /^ups-a stunnel-server ups1: dry run, \d+ change\(s\)$/m);
    assert.match(dry.stdout, /^ {4}\+cert = \/etc\/stunnel\/nut\/ups1\.chain\.pem$/m);
    assert.deepEqual(snapshotDir(stunnelRoot), untouched);
    const first = await deploy();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /^ups-a stunnel-server ups1: installed, not restarted — run: .+$/m);
    const conf = readFileSync(join(stunnelRoot, "etc/stunnel/nut-server.conf"), "utf8");
    assert.match(conf, /^cert = \/etc\/stunnel\/nut\/ups1\.chain\.pem$/m);
    const second = await deploy();
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /^ups-a stunnel-server ups1: unchanged$/m);
    assert.match(second.stdout, /^Deployed 1 of 1 bundle\(s\) successfully \(1 unchanged\)$/m);
  });

  it("a restart that fails: install.sh rolls back, the host's files are as before, deploy exits 4", async () => {
    const rollbackRoot = nutDir(join(base, "rollback-root"), 0o755);
    nutDir(join(rollbackRoot, "etc/stunnel"), 0o755);
    const before = snapshotDir(rollbackRoot);
    const args = ["deploy", "stunnel-server", "--server", "ups1", "--host", "ups-a", "--ssh-config", sshd.config];
    const run = await runNutca([...args, "--install-root", rollbackRoot, "--restart", "false"], { store });
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /^ups-a stunnel-server ups1: rolled back: the restart failed: false$/m);
    assert.match(run.stdout, /^Deployed 0 of 1 bundle\(s\) successfully \(1 rolled back\)$/m);
    const after = snapshotDir(rollbackRoot);
    for (const path of after.keys()) if (path.includes(".nutca-backup")) after.delete(path);
    assert.deepEqual(after, before);
  });

  it("a fleet: a closed port is unreachable (exit 1) while the other hosts are deployed", async () => {
    const closed = await freePort();
    const manifest = join(base, "fleet.csv");
    writeFileSync(
      manifest,
      [
        "kind,name,dns,host",
        "server,ups2,ups2.test,ups-b",
        `server,ups3,ups3.test,root@ups-c`,
        `server,ups4,ups4.test,root@127.0.0.1:${closed}`,
        "",
      ].join("\n"),
    );
    const roots = join(base, "roots");
    for (const name of ["ups2", "ups3", "ups4"])
      nutFile(join(nutDir(join(roots, name, "etc/nut"), 0o755), "upsd.conf"), "");
    const before = remoteTemps();
    const args = ["deploy", "--from", manifest, "--target", "upsd", "--backend", "nss", "--parallel", "3"];
    const run = await runNutca(
      [...args, "--ssh-config", sshd.config, "--install-root", `${roots}/{name}`, "--restart", "none"],
      { store, timeoutMs: 120_000 },
    );
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^ups-b upsd ups2: installed, not restarted — run: .+$/m);
    assert.match(run.stdout, /^root@ups-c upsd ups3: installed, not restarted — run: .+$/m);
    assert.match(run.stdout, new RegExp(`^root@127\\.0\\.0\\.1:${closed} upsd ups4: unreachable: .*refused`, "m"));
    assert.match(run.stdout, /^Deployed 2 of 3 bundle\(s\) successfully \(2 installed; 1 unreachable\)$/m);
    for (const name of ["ups2", "ups3"])
      assert.match(
        readFileSync(join(roots, name, "etc/nut/upsd.conf"), "utf8"),
        new RegExp(`^# BEGIN nutca upsd ${name}$`, "m"),
      );
    assert.equal(readFileSync(join(roots, "ups4", "etc/nut/upsd.conf"), "utf8"), "");
    assert.deepEqual(remoteTemps(), before, "a temporary directory was left on the host");
  });

  it("bad input: one line, exit 2, the store unchanged", async () => {
    const snapshot = snapshotDir(store);
    const cases: [string[], RegExp][] = [
      [["deploy", "bogus", "--host", "ups-a"], /^nutca: "bogus" is not a deploy target — use stunnel-server, /],
      [
        ["deploy", "upsd", "--server", "ups1", "--backend", "nss", "--host", "root@-oProxyCommand=x"],
        /^nutca: --host "root@-oProxyCommand=x" is not \[user@\]host\[:port\] — /,
      ],
      [
        ["deploy", "upsd", "--server", "ups1", "--backend", "nss", "--host", "ups-a:99999"],
        /is not \[user@\]host\[:port\]/,
      ],
      [
        ["deploy", "--from", join(base, "missing.csv"), "--target", "upsd", "--backend", "nss"],
        /^nutca: cannot read the manifest .*missing\.csv — /,
      ],
      [
        ["deploy", "--from", join(base, "fleet.csv"), "--target", "pem"],
        /^nutca: cannot deploy "pem" — use upsd, stunnel-server, /,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await runNutca([...args, "--ssh-config", sshd.config], { store });
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
      assert.equal(run.stdout, "");
    }
    const manifest = join(base, "no-host.csv");
    writeFileSync(manifest, "kind,name,host\nserver,ups2,\nserver,ups3,bad host\n");
    const run = await runNutca(["deploy", "--from", manifest, "--target", "upsd", "--backend", "nss"], { store });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^nutca: the manifest .*no-host\.csv has 2 bad rows; no host was touched — /);
    assert.match(run.stderr, /line 2: "ups2" has no host to deploy upsd to/);
    assert.match(run.stderr, /line 3: host "bad host" is not \[user@\]host\[:port\]/);
    assert.deepEqual(snapshotDir(store), snapshot);
  });
});
