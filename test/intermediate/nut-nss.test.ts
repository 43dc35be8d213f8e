// Debian's real upsd and upsmon (NUT 2.8.0, NSS build) with a chain root ->
// intermediate -> leaf, configured only from nutca's NSS exports: upsd must send
// the intermediate (nut-tls.md: a DB without it makes upsd send the leaf only),
// a STARTTLS client and `nutca probe` trusting only the root verify it, and
// upsmon, whose DB trusts only the root, logs in over SSL.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";
import { run } from "../helpers/tools.js";
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
  runReadmeInstall,
  sleep,
  starttlsStatus,
} from "../nut/daemons.js";

const gate = nutGate(["certutil", "pk12util"]);
const UPS = "chainups";
const USER = "chainmon";
const USER_PASSWORD = "chain-monitor-password";

describe("an intermediate CA with Debian's upsd and upsmon (NSS)", { skip: gate.skip }, () => {
  let base: string;
  let store: string;
  let port: number;
  let rootPem: string;
  let nutEnv: NodeJS.ProcessEnv;
  let tlsDir: string;
  const daemons: Daemon[] = [];

  before(async () => {
    gate.check();
    base = nutDir(tempDir("nutca-intermediate-nut-"));
    store = join(base, "store");
    await runNutcaOk(["init", "--intermediate", "--no-passphrase", "--name", "NUT chain root"], { store });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.test", "--ip", "127.0.0.1"], { store });
    rootPem = readFileSync(join(store, "root.crt.pem"), "utf8");

    const exportDir = join(base, "export-upsd");
    tlsDir = join(base, "upsd-tls");
    await runNutcaOk(
      ["export", "upsd", "--server", "ups1", "--backend", "nss", "--install-dir", tlsDir, "--out", exportDir],
      { store },
    );
    runReadmeInstall(exportDir);
    port = await freePort();
    const conf = nutDir(join(base, "upsd-conf"));
    const state = nutDir(join(base, "state"), 0o770);
    nutFile(join(conf, "ups.conf"), `[${UPS}]\n  driver = dummy-ups\n  port = ${UPS}.dev\n  desc = "nutca chain"\n`);
    nutFile(join(conf, `${UPS}.dev`), "ups.status: OL\nbattery.charge: 100\n");
    nutFile(join(conf, "upsd.users"), `[${USER}]\n  password = ${USER_PASSWORD}\n  upsmon secondary\n`);
    const snippet = readFileSync(join(exportDir, "upsd.conf.snippet"), "utf8");
    nutFile(join(conf, "upsd.conf"), `LISTEN 127.0.0.1 ${port}\n${snippet}`);
    nutEnv = { ...process.env, NUT_CONFPATH: conf, NUT_STATEPATH: state, NUT_ALTPIDPATH: state };

    const driver = new Daemon("dummy-ups", NUT.dummyUps, ["-a", UPS, "-u", "nut", "-F"], nutEnv);
    daemons.push(driver);
    for (let i = 0; i < 100 && !existsSync(join(state, `dummy-ups-${UPS}`)); i++) await sleep(100);
    const upsd = new Daemon("upsd", NUT.upsd, ["-F", "-u", "nut"], nutEnv);
    daemons.push(upsd);
    await upsd.waitFor(new RegExp(`listening on 127\\.0\\.0\\.1 port ${port}`));
  });

  after(async () => {
    for (const daemon of daemons.reverse()) await daemon.stop();
  });

  const upsd = () => daemons.find((daemon) => daemon.name === "upsd")!;

  it("the upsd NSS database holds the leaf, its key and the intermediate", () => {
    const list = run("certutil", ["-L", "-d", `sql:${join(tlsDir, "nssdb")}`]);
    assert.equal(list.code, 0, list.output);
    assert.match(list.output, /NUT chain root Issuing CA/);
  });

  it("upsd sends the chain: a STARTTLS client trusting only the root verifies it and reads the status", async () => {
    const result = await starttlsStatus(port, rootPem, "ups1.test", UPS);
    assert.equal(result.status, "OL");
    assert.equal(result.checkedName, "ups1.test");
    await upsd().waitFor(/SSL handshake done successfully with client 127\.0\.0\.1/);
    assert.doesNotMatch(upsd().output, /Can not|nss_error|invalid directive/);
  });

  it("nutca probe verifies upsd against the store's root", async () => {
    const result = await runNutca(["probe", `127.0.0.1:${port}`, "--name", "ups1.test", "--json"], { store });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as { verified: boolean; chain: { subject: string }[] };
    assert.equal(report.verified, true);
    // NSS sends the leaf, the intermediate, and the root it holds as CT,,
    assert.equal(report.chain[0]?.subject, "CN=ups1.test");
    assert.equal(report.chain[1]?.subject, "CN=NUT chain root Issuing CA");
  });

  it("upsmon, trusting only the root, logs in over SSL", async () => {
    // upsmon owns /run/nut/upsmon.pid: wait for another test's upsmon to finish, never run beside the host's.
    let owner = liveForeignUpsmon();
    for (let i = 0; i < 150 && owner !== undefined; i++, owner = liveForeignUpsmon()) await sleep(200);
    if (owner !== undefined) throw new Error(`a upsmon (pid ${owner}) runs on this host and owns /run/nut/upsmon.pid`);
    prepareUpsmonPidDir();
    const exportDir = join(base, "export-upsmon");
    await runNutcaOk(
      [
        "export",
        "upsmon",
        "--server",
        "ups1",
        "--backend",
        "nss",
        "--monitor-host",
        "127.0.0.1",
        "--install-dir",
        join(base, "upsmon-tls"),
        "--out",
        exportDir,
      ],
      { store },
    );
    runReadmeInstall(exportDir);
    const conf = nutDir(join(base, "upsmon-conf"));
    nutFile(
      join(conf, "upsmon.conf"),
      [
        `MONITOR ${UPS}@127.0.0.1:${port} 1 ${USER} ${USER_PASSWORD} secondary`,
        "MINSUPPLIES 1",
        'SHUTDOWNCMD "/bin/true"',
        `POWERDOWNFLAG ${join(base, "killpower")}`,
        "POLLFREQ 2",
        readFileSync(join(exportDir, "upsmon.conf.snippet"), "utf8"),
      ].join("\n"),
    );
    const upsmon = new Daemon("upsmon-chain", NUT.upsmon, ["-F", "-u", "nut"], { ...nutEnv, NUT_CONFPATH: conf });
    try {
      await upsmon.waitFor(/Connected to NUT server 127\.0\.0\.1 in SSL/);
      assert.match(upsmon.output, /Intend to authenticate server 127\.0\.0\.1 : SUCCESS/);
    } finally {
      await upsmon.stop();
      releaseUpsmonPidFile(upsmon.child.pid);
    }
    await upsd().waitFor(new RegExp(`User ${USER}@127\\.0\\.0\\.1 logged into UPS \\[${UPS}\\] \\(SSL\\)`));
  });
});
