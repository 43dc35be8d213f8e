// Debian's real upsd and upsmon (NUT 2.8.0, NSS build), configured only from
// nutca's upsd and upsmon NSS exports, installed with the exports' own README
// commands: upsd serves TLS over STARTTLS, upsmon logs in over SSL, and a
// server from another CA or a wrong CERTHOST name is refused.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";
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
} from "./daemons.js";

const gate = nutGate(["certutil", "pk12util"]);
const UPS = "testups";
const USER = "monuser";
const USER_PASSWORD = "monitor-password";

describe("NSS exports with Debian's upsd and upsmon", { skip: gate.skip }, () => {
  let base: string;
  let port: number;
  let caPem: string;
  let nutEnv: NodeJS.ProcessEnv;
  const daemons: Daemon[] = [];

  before(async () => {
    gate.check();
    base = nutDir(tempDir("nutca-nut-nss-"));
    const store = join(base, "store");
    await runNutcaOk(["init", "--no-passphrase", "--name", "NUT interop CA"], { store });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.test", "--dns", "localhost", "--ip", "127.0.0.1"], {
      store,
    });
    caPem = readFileSync(join(store, "ca.crt.pem"), "utf8");

    // upsd: the export, installed as its README says, and a upsd.conf that is LISTEN plus the snippet.
    const exportDir = join(base, "export-upsd");
    const tls = join(base, "upsd-tls");
    await runNutcaOk(
      ["export", "upsd", "--server", "ups1", "--backend", "nss", "--install-dir", tls, "--out", exportDir],
      {
        store,
      },
    );
    assert.ok(runReadmeInstall(exportDir).length >= 3);
    port = await freePort();
    const conf = nutDir(join(base, "upsd-conf"));
    const state = nutDir(join(base, "state"), 0o770);
    nutFile(join(conf, "ups.conf"), `[${UPS}]\n  driver = dummy-ups\n  port = ${UPS}.dev\n  desc = "nutca test"\n`);
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

  it("upsd serves TLS: a STARTTLS client verifies the chain and the name, and reads the UPS status", async () => {
    const result = await starttlsStatus(port, caPem, "ups1.test", UPS);
    assert.equal(result.status, "OL");
    assert.equal(result.checkedName, "ups1.test");
    assert.match(result.protocol ?? "", /^TLSv1\.[23]$/, "DISABLE_WEAK_SSL: TLS 1.2 or 1.3 only");
    await assert.rejects(starttlsStatus(port, caPem, "other.test", UPS), /does not match|altnames/i);
    await upsd().waitFor(/SSL handshake done successfully with client 127\.0\.0\.1/);
    assert.doesNotMatch(upsd().output, /Can not|nss_error|invalid directive/);
  });

  /** upsmon from a upsmon export (store, server name, monitor host), run until `pattern` shows in its log. */
  async function runUpsmon(
    name: string,
    exportArgs: { store: string; server: string; monitorHost: string },
    edit: (snippet: string) => string,
    pattern: RegExp,
  ): Promise<string> {
    // Another test's upsmon may hold the pid file for a moment; the host's own would hold it for good.
    let owner = liveForeignUpsmon();
    for (let i = 0; i < 100 && owner !== undefined; i++, owner = liveForeignUpsmon()) await sleep(200);
    if (owner !== undefined) throw new Error(`a upsmon (pid ${owner}) runs on this host and owns /run/nut/upsmon.pid`);
    prepareUpsmonPidDir();
    const exportDir = join(base, `export-${name}`);
    const args = ["export", "upsmon", "--server", exportArgs.server, "--backend", "nss"];
    args.push("--monitor-host", exportArgs.monitorHost, "--install-dir", join(base, `${name}-tls`), "--out", exportDir);
    await runNutcaOk(args, { store: exportArgs.store });
    runReadmeInstall(exportDir);
    const conf = nutDir(join(base, `${name}-conf`));
    const snippet = edit(readFileSync(join(exportDir, "upsmon.conf.snippet"), "utf8"));
    nutFile(
      join(conf, "upsmon.conf"),
      [
        `MONITOR ${UPS}@${exportArgs.monitorHost}:${port} 1 ${USER} ${USER_PASSWORD} secondary`,
        "MINSUPPLIES 1",
        'SHUTDOWNCMD "/bin/true"',
        `POWERDOWNFLAG ${join(base, "killpower")}`,
        "POLLFREQ 2",
        snippet,
      ].join("\n"),
    );
    const upsmon = new Daemon(name, NUT.upsmon, ["-F", "-u", "nut"], { ...nutEnv, NUT_CONFPATH: conf });
    try {
      await upsmon.waitFor(pattern);
      return upsmon.output;
    } finally {
      await upsmon.stop();
      releaseUpsmonPidFile(upsmon.child.pid);
    }
  }

  it("upsmon configured from the upsmon export logs in over SSL", async () => {
    const store = join(base, "store");
    const output = await runUpsmon(
      "upsmon-ok",
      { store, server: "ups1", monitorHost: "127.0.0.1" },
      (snippet) => snippet,
      /Connected to NUT server 127\.0\.0\.1 in SSL/,
    );
    assert.match(output, /Intend to authenticate server 127\.0\.0\.1 : SUCCESS/);
    await upsd().waitFor(new RegExp(`User ${USER}@127\\.0\\.0\\.1 logged into UPS \\[${UPS}\\] \\(SSL\\)`));
  });

  it("upsmon refuses a server certificate from a second CA", async () => {
    const other = join(base, "other-store");
    await runNutcaOk(["init", "--no-passphrase", "--name", "Another CA"], { store: other });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.test", "--ip", "127.0.0.1"], { store: other });
    const output = await runUpsmon(
      "upsmon-other-ca",
      { store: other, server: "ups1", monitorHost: "127.0.0.1" },
      (snippet) => snippet,
      /Certificate validation failed for 127\.0\.0\.1/,
    );
    assert.doesNotMatch(output, /Connected to NUT server .* in SSL/);
  });

  it("upsmon refuses a CERTHOST name that is not the server certificate's", async () => {
    const store = join(base, "store");
    const output = await runUpsmon(
      "upsmon-wrong-name",
      { store, server: "ups1", monitorHost: "127.0.0.1" },
      (snippet) => {
        assert.match(snippet, /^CERTHOST 127\.0\.0\.1 "127\.0\.0\.1" 1 1$/m);
        return snippet.replace(/^CERTHOST 127\.0\.0\.1 "127\.0\.0\.1"/m, 'CERTHOST 127.0.0.1 "ups9.test"');
      },
      /Certificate validation failed for 127\.0\.0\.1/,
    );
    assert.doesNotMatch(output, /Connected to NUT server .* in SSL/);
  });

  it("nutca refuses a --monitor-host that is not in the server certificate (exit 2, nothing written)", async () => {
    const out = join(base, "export-refused");
    const result = await runNutca(
      ["export", "upsmon", "--server", "ups1", "--backend", "nss", "--monitor-host", "ups9.test", "--out", out],
      { store: join(base, "store") },
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--monitor-host ups9\.test is not a name in the server certificate of "ups1"/);
    assert.ok(!existsSync(out));
  });
});
