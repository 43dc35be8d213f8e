// install.sh with Debian's real upsd and upsmon (NUT 2.8.0, NSS) and dummy-ups on
// 127.0.0.1 high ports: the upsd bundle installs and serves verified TLS, the upsmon
// bundle logs in over SSL, a damaged bundle rolls back, and an OpenSSL bundle is refused.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import {
  Daemon,
  freePort,
  liveForeignUpsmon,
  NUT,
  nutDir,
  nutFile,
  nutGate,
  prepareUpsmonPidDir,
  releaseUpsmonPidFile,
  sleep,
  starttlsStatus,
  type StartTlsResult,
} from "../nut/daemons.js";
import {
  fingerprint,
  makeStore,
  restartScript,
  runInstall,
  scratchRoot,
  stopByPidFile,
  waitInFile,
} from "./support.js";

const gate = nutGate(["certutil", "pk12util", "dash", "setsid"]);
const DASH = ["/usr/bin/dash"];
const UPS = "testups";
const USER = "monuser";
const USER_PASSWORD = "monitor-password";

/** The status over verified TLS, retried while the (re)started upsd is not listening yet. */
async function tlsStatus(port: number, ca: string, name: string): Promise<StartTlsResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await starttlsStatus(port, ca, name, UPS);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ECONNREFUSED" || attempt >= 50) throw error;
      await sleep(200);
    }
  }
}

describe("install.sh with Debian's upsd and upsmon", { skip: gate.skip }, () => {
  let base: string;
  let store: string;
  let caPem: string;
  let port: number;
  let root: string;
  let upsdConf: string;
  let upsdLog: string;
  let upsdPid: string;
  let upsdArgs: string[];
  const pidFiles: string[] = [];
  let driver: Daemon | undefined;

  before(async () => {
    gate.check();
    base = nutDir(tempDir("nutca-install-nut-"), 0o755);
    store = join(base, "store");
    await makeStore(store);
    caPem = readFileSync(join(store, "ca.crt.pem"), "utf8");
    port = await freePort();
    root = scratchRoot(base, "upsd-root");
    const conf = nutDir(join(root, "etc/nut"), 0o755);
    const state = nutDir(join(base, "upsd-state"), 0o770);
    nutFile(join(conf, "ups.conf"), `[${UPS}]\n  driver = dummy-ups\n  port = ${UPS}.dev\n`);
    nutFile(join(conf, `${UPS}.dev`), "ups.status: OL\nbattery.charge: 100\n");
    nutFile(join(conf, "upsd.users"), `[${USER}]\n  password = ${USER_PASSWORD}\n  upsmon secondary\n`);
    upsdConf = join(conf, "upsd.conf");
    nutFile(upsdConf, `# the test's upsd\nLISTEN 127.0.0.1 ${port}\n`);
    const env = { NUT_CONFPATH: conf, NUT_STATEPATH: state, NUT_ALTPIDPATH: state };
    driver = new Daemon("dummy-ups", NUT.dummyUps, ["-a", UPS, "-u", "nut", "-F"], { ...process.env, ...env });
    for (let i = 0; i < 100 && !existsSync(join(state, `dummy-ups-${UPS}`)); i++) await sleep(100);
    upsdLog = join(base, "upsd.log");
    upsdPid = join(base, "upsd.test.pid");
    pidFiles.push(upsdPid);
    const restart = restartScript(join(base, "restart-upsd.sh"), env, `${NUT.upsd} -F -u nut`, upsdPid, upsdLog);
    upsdArgs = ["--root", root, "--upsd", NUT.upsd, "--restart", restart, "--log", upsdLog, "--pid-file", upsdPid];
    // The old set-up: plaintext upsd, started the way install.sh will restart it.
    spawnSync("sh", ["-c", restart]);
    await waitInFile(upsdLog, new RegExp(`listening on 127\\.0\\.0\\.1 port ${port}`));
  });

  after(async () => {
    for (const pidFile of pidFiles) stopByPidFile(pidFile);
    await driver?.stop();
  });

  async function exportUpsd(out: string, backend: "nss" | "openssl"): Promise<void> {
    const args = ["export", "upsd", "--server", "ups1", "--backend", backend, "--install-dir", join(base, "upsd-tls")];
    await runNutcaOk([...args, "--out", out], { store });
  }

  it("installs the upsd NSS bundle: upsd restarts and serves TLS that verifies chain and name", async () => {
    const bundle = join(base, "bundle-upsd");
    await exportUpsd(bundle, "nss");
    const run = await runInstall(DASH, bundle, upsdArgs);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.last, "nutca-install: installed upsd ups1");
    const result = await tlsStatus(port, caPem, "ups1.test");
    assert.equal(result.status, "OL");
    assert.equal(result.checkedName, "ups1.test");
    await assert.rejects(starttlsStatus(port, caPem, "other.test", UPS), /does not match|altnames/i);
    assert.doesNotMatch(readFileSync(upsdLog, "utf8"), /Can not|nss_error|invalid directive/);
    const again = await runInstall(DASH, bundle, upsdArgs);
    assert.equal(again.last, "nutca-install: unchanged upsd ups1", again.stdout);
  });

  it("installs the upsmon NSS bundle: the real upsmon logs in over SSL", async () => {
    let owner = liveForeignUpsmon();
    for (let i = 0; i < 100 && owner !== undefined; i++, owner = liveForeignUpsmon()) await sleep(200);
    if (owner !== undefined) throw new Error(`a upsmon (pid ${owner}) owns /run/nut/upsmon.pid`);
    prepareUpsmonPidDir();
    const bundle = join(base, "bundle-upsmon");
    const args = ["export", "upsmon", "--server", "ups1", "--backend", "nss", "--monitor-host", "127.0.0.1"];
    await runNutcaOk([...args, "--install-dir", join(base, "upsmon-tls"), "--out", bundle], { store });
    const monRoot = scratchRoot(base, "upsmon-root");
    const conf = nutDir(join(monRoot, "etc/nut"), 0o755);
    nutFile(
      join(conf, "upsmon.conf"),
      [
        `MONITOR ${UPS}@127.0.0.1:${port} 1 ${USER} ${USER_PASSWORD} secondary`,
        "MINSUPPLIES 1",
        'SHUTDOWNCMD "/bin/true"',
        `POWERDOWNFLAG ${join(base, "killpower")}`,
        "POLLFREQ 2",
        "",
      ].join("\n"),
    );
    const log = join(base, "upsmon.log");
    const pidFile = join(base, "upsmon.test.pid");
    pidFiles.push(pidFile);
    const restart = restartScript(
      join(base, "restart-upsmon.sh"),
      { NUT_CONFPATH: conf },
      `${NUT.upsmon} -F -u nut`,
      pidFile,
      log,
    );
    try {
      const run = await runInstall(DASH, bundle, [
        "--root",
        monRoot,
        "--upsmon",
        NUT.upsmon,
        "--restart",
        restart,
        "--log",
        log,
        "--pid-file",
        pidFile,
        "--wait",
        "20",
      ]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(run.last, "nutca-install: installed upsmon ups1");
      assert.match(readFileSync(log, "utf8"), /Connected to NUT server 127\.0\.0\.1 in SSL/);
      await waitInFile(upsdLog, new RegExp(`User ${USER}@127\\.0\\.0\\.1 logged into UPS \\[${UPS}\\] \\(SSL\\)`));
    } finally {
      releaseUpsmonPidFile(stopByPidFile(pidFile));
    }
  });

  it("rolls back a bundle whose NSS password was damaged: upsd.conf byte-identical, the old TLS set-up served, exit 1", async () => {
    const bundle = join(base, "bundle-damaged");
    await exportUpsd(bundle, "nss");
    const snippetPath = join(bundle, "upsd.conf.snippet");
    const snippet = readFileSync(snippetPath, "utf8");
    const damaged = snippet.replace(/^(CERTIDENT "nut-server" ")([^"]+)"$/m, '$1wrong-password"');
    assert.notEqual(damaged, snippet);
    writeFileSync(snippetPath, damaged);
    const before = readFileSync(upsdConf);
    const tls = fingerprint(join(base, "upsd-tls"));
    const run = await runInstall(DASH, bundle, upsdArgs);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.last, /^nutca-install: rolled-back upsd ups1 upsd's log since the restart shows a TLS failure$/);
    assert.match(run.stderr, /upsd's log since the restart shows a TLS failure/);
    assert.match(run.stderr, /log: .*(Can not find|nss_error)/);
    assert.ok(!(run.stdout + run.stderr).includes("wrong-password"), "the password is not shown");
    assert.deepEqual(readFileSync(upsdConf), before, "upsd.conf is byte-identical to before");
    assert.deepEqual(fingerprint(join(base, "upsd-tls")), tls, "the installed database is as before");
    const result = await tlsStatus(port, caPem, "ups1.test");
    assert.equal(result.status, "OL", "upsd serves the old TLS set-up again");
  });

  it("refuses an OpenSSL bundle on the NSS upsd before touching anything (exit 2)", async () => {
    const bundle = join(base, "bundle-openssl");
    await exportUpsd(bundle, "openssl");
    const rootBefore = fingerprint(root);
    const tlsBefore = fingerprint(join(base, "upsd-tls"));
    const pid = readFileSync(upsdPid, "utf8");
    const run = await runInstall(DASH, bundle, upsdArgs);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.last, /^nutca-install: refused upsd ups1 \/lib\/nut\/upsd is built with nss/);
    assert.match(run.stderr, /export it again: nutca export upsd --server ups1 --install-dir \S+ --backend nss/);
    assert.deepEqual(fingerprint(root), rootBefore, "the root is byte-identical");
    assert.deepEqual(fingerprint(join(base, "upsd-tls")), tlsBefore);
    assert.equal(readFileSync(upsdPid, "utf8"), pid, "upsd was not restarted");
  });
});
