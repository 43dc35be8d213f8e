// `nutca probe` against servers that require a client certificate: a node TLS
// server speaking NUT's STARTTLS (an alert for no certificate, or a hang-up
// after a completed TLS 1.3 handshake), then the real master upsd builds in
// /opt (OpenSSL and NSS) with CERTREQUEST 2. A probe that stopped at the
// handshake called all of these verified.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Finding } from "../../src/pki/findings.js";
import type { ProbeReport } from "../../src/nut/probe-report.js";
import { runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";
import { makeStore } from "../inspect/support.js";
import { Daemon, freePort, nutDir, nutFile, sleep } from "../nut/daemons.js";
import { startNutServer, VERSION_LINE, type Running } from "./fake-servers.js";

let dir: string;
let store: string;
let other: string;

before(async () => {
  dir = nutDir(tempDir("nutca-probe-client-"));
  store = join(dir, "store");
  other = join(dir, "other");
  await makeStore(store, { servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }], clients: ["mon1"] });
  await makeStore(other, { name: "Another CA", clients: ["mon1"] });
});

/** The probe through the CLI, with --json: its exit status and report. */
async function probeJson(args: readonly string[], storeDir = store): Promise<{ code: number; report: ProbeReport }> {
  const result = await runNutca(["--json", "probe", ...args, "--timeout", "5"], { store: storeDir });
  assert.ok(result.stdout.trim(), `no report (exit ${result.code}): ${result.stderr}`);
  return { code: result.code ?? -1, report: JSON.parse(result.stdout) as ProbeReport };
}

const finding = (report: ProbeReport, code: string): Finding | undefined =>
  report.findings.find((item) => item.code === code);

/** What a probe of a server refusing a certless client must say, whoever the server is. */
function assertCertificateRequired(code: number, report: ProbeReport, message: RegExp): void {
  assert.equal(code, 4, JSON.stringify(report.findings));
  assert.equal(report.verified, false);
  // The handshake itself verified: the refusal came only after it.
  assert.equal(report.trust.chainVerified, true);
  assert.equal(report.name?.matched, true);
  const required = finding(report, "client-certificate-required");
  assert.ok(required, JSON.stringify(report.findings));
  assert.match(required.message, message);
  assert.match(required.fix, /--client <name>/);
}

function assertClientRefused(code: number, report: ProbeReport): void {
  assert.equal(code, 4, JSON.stringify(report.findings));
  assert.equal(report.verified, false);
  assert.equal(report.client, "mon1");
  const refused = finding(report, "client-certificate-refused");
  assert.ok(refused, JSON.stringify(report.findings));
  assert.match(refused.message, /not accept the client certificate "mon1"/);
}

describe("a node TLS server that requires a client certificate", () => {
  const servers: Running[] = [];
  let alertPort: number;
  let hangUpPort: number;

  before(async () => {
    const read = (path: string) => readFileSync(join(store, path), "utf8");
    const tls = { key: read("private/ups1.key.pem"), cert: read("issued/ups1.crt.pem") + read("ca.crt.pem") };
    const ca = read("ca.crt.pem");
    for (const clientAuth of [{ ca }, { ca, hangUp: true }]) {
      servers.push(await startNutServer({ reply: "OK STARTTLS", tls, clientAuth }));
    }
    [alertPort, hangUpPort] = servers.map((server) => server.port) as [number, number];
  });

  after(async () => {
    for (const server of servers) await server.close();
  });

  it("no client certificate, refused with TLS 1.3's alert after the handshake: not verified, exit 4", async () => {
    const { code, report } = await probeJson([`127.0.0.1:${alertPort}`]);
    assert.equal(report.tls?.protocol, "TLSv1.3");
    assertCertificateRequired(code, report, /^upsd requires a client certificate: .*TLS alert: certificate required/);
    const human = await runNutca(["probe", `127.0.0.1:${alertPort}`, "--timeout", "5"], { store });
    assert.equal(human.code, 4);
    assert.match(human.stdout, /upsd requires a client certificate/);
    assert.match(human.stdout, /\nNOT VERIFIED$/m);
  });

  it("no client certificate, dropped without an alert: 'probably requires a client certificate'", async () => {
    const { code, report } = await probeJson([`127.0.0.1:${hangUpPort}`]);
    assertCertificateRequired(
      code,
      report,
      /^upsd refused the connection after the handshake: it probably requires a client certificate/,
    );
  });

  it("--client mon1 of the same CA: verified, exit 0, VER answered", async () => {
    for (const port of [alertPort, hangUpPort]) {
      const { code, report } = await probeJson([`127.0.0.1:${port}`, "--client", "mon1"]);
      assert.equal(code, 0, JSON.stringify(report.findings));
      assert.equal(report.verified, true);
      assert.equal(report.client, "mon1");
      assert.equal(report.server, VERSION_LINE);
      assert.deepEqual(report.findings, []);
    }
  });

  it("--client of another CA (--store of that one, --ca of ours): the server does not accept it", async () => {
    const ca = join(store, "ca.crt.pem");
    for (const port of [alertPort, hangUpPort]) {
      const { code, report } = await probeJson([`127.0.0.1:${port}`, "--client", "mon1", "--ca", ca], other);
      assertClientRefused(code, report);
      assert.equal(report.trust.chainVerified, true);
    }
  });

  it("--client naming no client certificate is bad input: one line, exit 2", async () => {
    for (const [name, reason] of [
      ["ups1", /--client "ups1" is not a client certificate/],
      ["nobody", /no certificate named or numbered "nobody"/],
    ] as const) {
      const result = await runNutca(["probe", `127.0.0.1:${alertPort}`, "--client", name], { store });
      assert.equal(result.code, 2);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, reason);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    }
  });
});

const BUILDS = { openssl: "/opt/nut-openssl-master", nss: "/opt/nut-nss-master" } as const;

/** The master builds need root and the nut user (upsd drops to it); on CI a missing piece fails. */
function buildGate(build: string): { skip: string | false; check: () => void } {
  const missing = [
    ...[`${build}/sbin/upsd`, `${build}/bin/dummy-ups`].filter((path) => !existsSync(path)),
    ...(process.getuid?.() === 0 ? [] : ["root"]),
    ...(spawnSync("id", ["nut"], { stdio: "ignore" }).status === 0 ? [] : ["the nut user"]),
    ...(spawnSync("sh", ["-c", "command -v certutil"], { stdio: "ignore" }).status === 0 ? [] : ["certutil"]),
  ];
  const message = `missing ${missing.join(", ")} (../shared/nut-builds/unpack.sh puts the builds in /opt)`;
  return {
    skip: missing.length > 0 && !process.env.CI ? message : false,
    check: () => {
      if (missing.length > 0) throw new Error(`${message}: required on CI`);
    },
  };
}

/** upsd (and the nut user it drops to) reads what nutca exported: root:nut, group-readable. */
function readableByNut(path: string): void {
  for (const [command, ...args] of [
    ["chgrp", "-R", "nut"],
    ["chmod", "-R", "g+rX"],
  ]) {
    const result = spawnSync(command!, [...args, path], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
  }
}

for (const backend of ["openssl", "nss"] as const) {
  const build = BUILDS[backend];
  const gate = buildGate(build);

  describe(`upsd master (${backend}) with CERTREQUEST 2`, { skip: gate.skip }, () => {
    const daemons: Daemon[] = [];
    let port: number;
    let upsd: Daemon;

    before(async () => {
      gate.check();
      const base = nutDir(join(dir, `upsd-${backend}`));
      const exported = join(base, "export");
      await runNutcaOk(["export", "upsd", "--server", "ups1", "--backend", backend, "--out", exported], {
        store,
      });
      const tlsLines =
        backend === "openssl"
          ? await opensslLines(base, exported)
          : [`CERTPATH ${join(exported, "nssdb")}`, `CERTIDENT "nut-server" "${nssPassword(exported)}"`];
      readableByNut(base);
      const conf = nutDir(join(base, "conf"));
      const state = nutDir(join(base, "state"), 0o770);
      nutFile(join(conf, "ups.conf"), `[probeups]\n  driver = dummy-ups\n  port = probeups.dev\n  desc = "probe"\n`);
      nutFile(join(conf, "probeups.dev"), "ups.status: OL\n");
      nutFile(join(conf, "upsd.users"), "[probe]\n  password = probe-password\n  upsmon secondary\n");
      port = await freePort();
      nutFile(
        join(conf, "upsd.conf"),
        [`LISTEN 127.0.0.1 ${port}`, ...tlsLines, "CERTREQUEST 2", "DISABLE_WEAK_SSL true", ""].join("\n"),
      );
      const env = {
        ...process.env,
        NUT_CONFPATH: conf,
        NUT_STATEPATH: state,
        NUT_ALTPIDPATH: state,
        NUT_PIDPATH: state,
      };
      daemons.push(new Daemon("dummy-ups", `${build}/bin/dummy-ups`, ["-a", "probeups", "-u", "nut", "-F"], env));
      for (let i = 0; i < 100 && !existsSync(join(state, "dummy-ups-probeups")); i++) await sleep(100);
      upsd = new Daemon("upsd", `${build}/sbin/upsd`, ["-F", "-u", "nut"], env);
      daemons.push(upsd);
      await upsd.waitFor(new RegExp(`listening on 127\\.0\\.0\\.1 port ${port}`));
    });

    after(async () => {
      for (const daemon of daemons.reverse()) await daemon.stop();
    });

    it("--client mon1: verified, exit 0, upsd answers VER", async () => {
      const { code, report } = await probeJson(["--client", "mon1", `127.0.0.1:${port}`, "--name", "localhost"]);
      assert.equal(code, 0, JSON.stringify(report.findings) + upsd.output);
      assert.equal(report.verified, true);
      assert.equal(report.reply?.line, "OK STARTTLS");
      assert.match(report.server ?? "", /Network UPS Tools upsd/);
      assert.deepEqual(report.findings, []);
    });

    it("without --client: exit 4, 'upsd requires a client certificate'", async () => {
      const { code, report } = await probeJson([`127.0.0.1:${port}`, "--name", "localhost"]);
      // Both backends answer with TLS 1.3's alert 116 once the handshake is done.
      assert.equal(report.tls?.protocol, "TLSv1.3");
      assertCertificateRequired(
        code,
        report,
        /^upsd requires a client certificate: .*\(TLS alert: certificate required\)$/,
      );
      const human = await runNutca(["probe", `127.0.0.1:${port}`, "--name", "localhost", "--timeout", "5"], { store });
      assert.equal(human.code, 4);
      assert.match(human.stdout, /client certificate/);
      assert.match(human.stdout, /fix: pass --client <name>/);
    });

    it("a client certificate of another CA: the server does not accept it, exit 4", async () => {
      const ca = join(store, "ca.crt.pem");
      const args = ["--client", "mon1", "--ca", ca, `127.0.0.1:${port}`, "--name", "localhost"];
      const { code, report } = await probeJson(args, other);
      assertClientRefused(code, report);
      assert.match(
        finding(report, "client-certificate-refused")!.message,
        /^upsd does not accept .*\(TLS alert: unknown ca\)$/,
      );
    });
  });
}

/** OpenSSL: upsd.pem, and the hashed CA dir from nutca export ca for the client certificates. */
async function opensslLines(base: string, exported: string): Promise<string[]> {
  const caDir = join(base, "ca");
  await runNutcaOk(["export", "ca", "--out", caDir], { store });
  return [`CERTFILE ${join(exported, "upsd.pem")}`, `CERTPATH ${join(caDir, "certs")}`];
}

/** NSS: the export's generated database password, as its snippet gives it. */
function nssPassword(exported: string): string {
  const snippet = readFileSync(join(exported, "upsd.conf.snippet"), "utf8");
  return /^CERTIDENT "[^"]*" "([^"]*)"$/m.exec(snippet)![1]!;
}
