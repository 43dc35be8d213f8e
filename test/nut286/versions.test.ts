// --nut-version against the real builds: an encrypted upsd key on master
// OpenSSL (served, and a damaged password makes upsd exit), a wrong NSS
// CERTIDENT password on master NSS (upsd aborts, as the README says), the
// snippets for 2.8.5 OpenSSL and Debian's 2.8.0 NSS hold no directive those
// reject, and the 2.8.6-only options are refused for them with nothing written.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";
import { nutDir, starttlsStatus } from "../nut/daemons.js";
import {
  BUILDS,
  buildGate,
  exitCode,
  exportAndInstall,
  runUpsmon,
  snippetOf,
  startServer,
  UPS,
  type NutServer,
} from "./builds.js";

const ALL = [BUILDS.openssl285, BUILDS.opensslMaster, BUILDS.nssMaster, BUILDS.debian];

describe("NUT versions on the real builds", { skip: buildGate(ALL, ["certutil", "pk12util"]) }, () => {
  let base: string;
  let store: string;
  let caPem: string;
  const servers: NutServer[] = [];

  before(async () => {
    base = nutDir(tempDir("nutca-nut286-versions-"));
    store = join(base, "store");
    await runNutcaOk(["init", "--no-passphrase", "--name", "Versions CA"], { store });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "localhost", "--ip", "127.0.0.1"], { store });
    await runNutcaOk(["issue", "client", "mon1"], { store });
    caPem = readFileSync(join(store, "ca.crt.pem"), "utf8");
  });

  after(async () => {
    for (const server of servers) await server.stop();
  });

  async function start(...args: Parameters<typeof startServer>): Promise<NutServer> {
    const server = await startServer(...args);
    servers.push(server);
    return server;
  }

  it("--encrypt-key on master OpenSSL: upsd serves verified TLS; a damaged password makes it exit 1", async () => {
    const upsd = await exportAndInstall(store, base, "enc", [
      "upsd",
      "--server",
      "ups1",
      "--backend",
      "openssl",
      "--nut-version",
      "2.8.6",
      "--encrypt-key",
    ]);
    const pem = readFileSync(join(upsd.exportDir, "upsd.pem"), "utf8");
    assert.match(pem, /-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.doesNotMatch(pem, /-----BEGIN PRIVATE KEY-----/);
    const snippet = snippetOf(upsd.exportDir, "upsd.conf.snippet");
    const ident = /^CERTIDENT "localhost" "([A-Za-z0-9_-]{20,})"$/m.exec(snippet);
    assert.ok(ident, snippet);
    const server = await start(BUILDS.opensslMaster, base, "enc", snippet);
    const result = await starttlsStatus(server.port, caPem, "localhost", UPS);
    assert.equal(result.status, "OL");

    const damaged = snippet.replace(ident[1]!, `x${ident[1]!.slice(1)}`);
    const broken = await start(BUILDS.opensslMaster, base, "enc-damaged", damaged, { waitListening: false });
    assert.equal(await exitCode(broken.upsd), 1);
    assert.match(broken.upsd.output, /failed to initialize OpenSSL backend/);

    // doctor tells it before any restart: the bundle as exported passes, the damaged one fails with the reason.
    const doctorArgs = (dir: string) => ["doctor", "--export", dir, "--nut-version", "2.8.6"];
    const good = await runNutca(doctorArgs(upsd.exportDir), { store });
    assert.equal(good.code, 0, good.stdout);
    const copy = join(base, "enc-damaged-export");
    cpSync(upsd.exportDir, copy, { recursive: true });
    writeFileSync(join(copy, "upsd.conf.snippet"), damaged);
    const bad = await runNutca(doctorArgs(copy), { store });
    assert.equal(bad.code, 4, bad.stdout);
    assert.match(
      bad.stdout,
      /ERROR upsd\.pem: the CERTIDENT password in upsd\.conf\.snippet does not decrypt its key; NUT 2\.8\.6's upsd exits/,
    );
  });

  it("master NSS with a wrong CERTIDENT password: upsd aborts, as the export's README says", async () => {
    const upsd = await exportAndInstall(store, base, "nss-bad", [
      "upsd",
      "--server",
      "ups1",
      "--backend",
      "nss",
      "--nut-version",
      "2.8.6",
    ]);
    const readme = readFileSync(join(upsd.exportDir, "README.txt"), "utf8");
    assert.match(readme, /upsd ABORTS \(exit 1, "failed to initialize \.\.\. backend"\)/);
    // One character more: a password that differs whatever the generated one starts with.
    const snippet = snippetOf(upsd.exportDir, "upsd.conf.snippet").replace(
      /^(CERTIDENT "nut-server" "[^"]*)"/m,
      '$1x"',
    );
    assert.notEqual(snippet, snippetOf(upsd.exportDir, "upsd.conf.snippet"));
    const server = await start(BUILDS.nssMaster, base, "nss-bad", snippet, { waitListening: false });
    assert.equal(await exitCode(server.upsd), 1);
    assert.match(server.upsd.output, /failed to initialize NSS backend/);
    assert.match(server.upsd.output, /Can not find private key associate to server certificate/);
  });

  it("2.8.5 OpenSSL: the upsd and upsmon (--client) snippets have no invalid directive, upsmon logs in over SSL", async () => {
    const common = ["--backend", "openssl", "--nut-version", "2.8.5"];
    const upsd = await exportAndInstall(store, base, "v285", ["upsd", "--server", "ups1", ...common]);
    const server = await start(BUILDS.openssl285, base, "v285", snippetOf(upsd.exportDir, "upsd.conf.snippet"));
    const upsmon = await exportAndInstall(store, base, "v285-mon", [
      "upsmon",
      "--server",
      "ups1",
      "--client",
      "mon1",
      "--monitor-host",
      "127.0.0.1",
      ...common,
    ]);
    const snippet = snippetOf(upsmon.exportDir, "upsmon.conf.snippet");
    assert.doesNotMatch(snippet, /^(CERTFILE|CERTHOST|CERTIDENT)/m);
    const output = await runUpsmon(
      BUILDS.openssl285,
      base,
      "v285-mon",
      server.port,
      snippet,
      /Connected to NUT server/,
    );
    await server.upsd.waitFor(/logged into UPS \[testups\] \(SSL\)/);
    assert.doesNotMatch(output, /invalid directive/);
    assert.doesNotMatch(server.upsd.output, /invalid directive/);
  });

  it("Debian's 2.8.0 NSS: the default upsd snippet has no invalid directive and serves verified TLS", async () => {
    const upsd = await exportAndInstall(store, base, "v280", ["upsd", "--server", "ups1", "--backend", "nss"]);
    assert.match(upsd.summary, /NUT version: 2\.8\.0 \(the default: Debian 12's NUT/);
    const server = await start(BUILDS.debian, base, "v280", snippetOf(upsd.exportDir, "upsd.conf.snippet"));
    assert.equal((await starttlsStatus(server.port, caPem, "localhost", UPS)).status, "OL");
    assert.doesNotMatch(server.upsd.output, /invalid directive/);
  });

  for (const [version, backend, flag] of [
    ["2.8.5", "openssl", "--client-certs"],
    ["2.8.5", "openssl", "--encrypt-key"],
    ["2.8.0", "nss", "--client-certs"],
    ["2.8.0", "openssl", "--encrypt-key"],
  ] as const) {
    it(`${flag} for NUT ${version} (${backend}) is refused: exit 2, one line, nothing written`, async () => {
      const out = join(base, `refused-${version}-${flag}`);
      const args = ["export", "upsd", "--server", "ups1", "--backend", backend, "--nut-version", version];
      args.push(...(flag === "--client-certs" ? [flag, "require"] : [flag]), "--out", out);
      const result = await runNutca(args, { store });
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`^nutca: ${flag} needs NUT 2\\.8\\.6; NUT ${version} [^\\n]+ — [^\\n]+\\n$`),
      );
      assert.equal(existsSync(out), false);
    });
  }

  it("--nut-version auto reads the host's NUT: 2.8.5 refuses --client-certs, master takes it", async () => {
    const path = (build: typeof BUILDS.openssl285) => `${build.upsd.replace(/\/upsd$/, "")}:${process.env.PATH}`;
    const out = join(base, "auto-285");
    const refused = await runNutca(
      ["export", "upsd", "--server", "ups1", "--backend", "auto", "--nut-version", "auto", "--client-certs", "require"],
      { store, env: { PATH: path(BUILDS.openssl285) } },
    );
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /NUT 2\.8\.5 rejects CERTREQUEST/);
    assert.equal(existsSync(out), false);
    const ok = await runNutcaOk(
      [
        "export",
        "upsd",
        "--server",
        "ups1",
        "--backend",
        "auto",
        "--nut-version",
        "auto",
        "--client-certs",
        "require",
      ].concat(["--out", join(base, "auto-master")]),
      { store, env: { PATH: path(BUILDS.opensslMaster) } },
    );
    assert.match(
      ok.stdout,
      /NUT version: 2\.8\.6 \(detected on this host: \S+upsd -V, with client certificate validation\)/,
    );
    assert.match(readFileSync(join(base, "auto-master", "upsd.conf.snippet"), "utf8"), /^CERTREQUEST 2$/m);
  });
});
