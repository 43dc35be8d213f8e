// `nutca probe` against Debian's real upsd (NUT 2.8.0, NSS build) with a
// dummy-ups driver, on a loopback high port: a correct set-up verifies, a
// broken NSS set-up (wrong CERTIDENT password) is ERR FEATURE-NOT-CONFIGURED,
// and a server certificate from another CA fails verification.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportBundle } from "../../src/cli/commands/export.js";
import { probe } from "../../src/cli/commands/probe.js";
import { upsdTarget } from "../../src/cli/targets/upsd.js";
import type { ProbeReport } from "../../src/nut/probe-report.js";
import { runNutca, tempDir } from "../helpers/cli.js";
import { dataOf, makeStore, testContext } from "../inspect/support.js";
import { Daemon, freePort, NUT, nutDir, nutFile, nutGate, runReadmeInstall, sleep } from "../nut/daemons.js";

const gate = nutGate(["certutil", "pk12util"]);
const UPS = "probeups";

describe("probe against Debian's upsd", { skip: gate.skip }, () => {
  let base: string;
  let good: string;
  let conf: string;
  let nutEnv: NodeJS.ProcessEnv;
  const daemons: Daemon[] = [];

  /** An NSS upsd export of `store`, installed with its README's commands; returns its upsd.conf lines. */
  async function installedExport(store: string, name: string, options: Record<string, unknown>): Promise<string> {
    const out = join(base, `export-${name}`);
    const installDir = join(base, `tls-${name}`);
    await exportBundle(
      upsdTarget,
      [],
      { server: "ups1", backend: "nss", out, installDir, ...options },
      testContext(store),
    );
    runReadmeInstall(out);
    return readFileSync(join(out, "upsd.conf.snippet"), "utf8");
  }

  /** Restarts upsd with these TLS lines; returns its port once it listens. */
  async function startUpsd(tlsLines: string): Promise<{ port: number; upsd: Daemon }> {
    for (const daemon of daemons.filter((item) => item.name === "upsd")) {
      await daemon.stop();
      daemons.splice(daemons.indexOf(daemon), 1);
    }
    const port = await freePort();
    nutFile(join(conf, "upsd.conf"), `LISTEN 127.0.0.1 ${port}\n${tlsLines}`);
    const upsd = new Daemon("upsd", NUT.upsd, ["-F", "-u", "nut"], nutEnv);
    daemons.push(upsd);
    await upsd.waitFor(new RegExp(`listening on 127\\.0\\.0\\.1 port ${port}`));
    return { port, upsd };
  }

  async function probeWith(store: string, port: number) {
    const result = await probe(`127.0.0.1:${port}`, { timeout: "10" }, testContext(store));
    return { report: dataOf<ProbeReport>(result), exitCode: result.exitCode, human: result.human };
  }

  before(async () => {
    gate.check();
    base = nutDir(tempDir("nutca-probe-upsd-"));
    good = join(base, "store");
    await makeStore(good, { servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }] });
    conf = nutDir(join(base, "conf"));
    const state = nutDir(join(base, "state"), 0o770);
    nutFile(
      join(conf, "ups.conf"),
      `[${UPS}]\n  driver = dummy-ups\n  port = ${UPS}.dev\n  desc = "nutca probe test"\n`,
    );
    nutFile(join(conf, `${UPS}.dev`), "ups.status: OL\n");
    nutFile(join(conf, "upsd.users"), "[probe]\n  password = probe-password\n  upsmon secondary\n");
    nutEnv = { ...process.env, NUT_CONFPATH: conf, NUT_STATEPATH: state, NUT_ALTPIDPATH: state };
    const driver = new Daemon("dummy-ups", NUT.dummyUps, ["-a", UPS, "-u", "nut", "-F"], nutEnv);
    daemons.push(driver);
    for (let i = 0; i < 100 && !existsSync(join(state, `dummy-ups-${UPS}`)); i++) await sleep(100);
  });

  after(async () => {
    for (const daemon of daemons.reverse()) await daemon.stop();
  });

  it("a correct set-up: OK STARTTLS, chain and name verified, exit 0", async () => {
    const { port, upsd } = await startUpsd(await installedExport(good, "good", { nssEmptyPassword: true }));
    const { report, exitCode } = await probeWith(good, port);
    assert.equal(report.verified, true, JSON.stringify(report.findings) + upsd.output);
    assert.equal(exitCode, 0);
    assert.equal(report.reply?.line, "OK STARTTLS");
    assert.match(report.server ?? "", /upsd/);
    assert.match(report.tls!.protocol, /^TLSv1\.[23]$/);
    const cli = await runNutca(["probe", `localhost:${port}`], { store: good });
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /VERIFIED/);
    await upsd.waitFor(/SSL handshake done successfully with client 127\.0\.0\.1/);
  });

  it("a broken NSS set-up (wrong CERTIDENT password): ERR FEATURE-NOT-CONFIGURED, exit 4", async () => {
    const passwordFile = join(base, "db.pass");
    writeFileSync(passwordFile, "the-right-db-password\n", { mode: 0o600 });
    const lines = await installedExport(good, "broken", { nssPasswordFile: passwordFile });
    const broken = lines.replace(/^CERTIDENT ("[^"]*") "[^"]*"$/m, 'CERTIDENT $1 "a-wrong-password"');
    assert.notEqual(broken, lines);
    const { port } = await startUpsd(broken);
    const { report, exitCode, human } = await probeWith(good, port);
    assert.equal(report.verified, false);
    assert.equal(exitCode, 4);
    assert.equal(report.reply?.kind, "not-configured");
    assert.equal(report.reply?.line, "ERR FEATURE-NOT-CONFIGURED");
    assert.match(human, /certificate set-up failed and it is serving plaintext/);
  });

  it("a server certificate from another CA: the chain does not verify, exit 4", async () => {
    const other = join(base, "other");
    await makeStore(other, { name: "Another CA", servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }] });
    const { port } = await startUpsd(await installedExport(other, "other", { nssEmptyPassword: true }));
    const { report, exitCode } = await probeWith(good, port);
    assert.equal(report.reply?.kind, "ok");
    assert.equal(report.verified, false);
    assert.equal(exitCode, 4);
    assert.equal(report.trust.chainVerified, false);
    assert.equal(report.name?.matched, true);
    assert.ok(
      report.findings.some((finding) => finding.code === "untrusted-root" || finding.code === "missing-issuer"),
    );
  });
});
