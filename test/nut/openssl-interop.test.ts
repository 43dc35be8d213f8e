// The OpenSSL layouts against the real openssl: upsd.pem serves a handshake that
// a client verifies through the upsmon export's hashed directory, and the
// subject-hash names are OpenSSL's for a CA name with upper case, repeated
// spaces and non-ASCII characters.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import { requireTool, run, runOk } from "../helpers/tools.js";
import { Daemon, freePort } from "./daemons.js";

describe("OpenSSL layouts with the real openssl", () => {
  let base: string;
  let store: string;
  let upsdDir: string;
  let upsmonDir: string;
  const daemons: Daemon[] = [];

  before(async () => {
    base = tempDir("nutca-nut-openssl-");
    store = join(base, "store");
    await runNutcaOk(["init", "--no-passphrase", "--name", "My  UPS   CA Ü", "--org", "ACME  Power"], { store });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.test", "--ip", "127.0.0.1"], { store });
    await runNutcaOk(["issue", "client", "mon1"], { store });
    upsdDir = join(base, "upsd");
    upsmonDir = join(base, "upsmon");
    await runNutcaOk(["export", "upsd", "--server", "ups1", "--backend", "openssl", "--out", upsdDir], { store });
    const upsmonArgs = ["export", "upsmon", "--server", "ups1", "--backend", "openssl", "--client", "mon1"];
    await runNutcaOk([...upsmonArgs, "--out", upsmonDir], { store });
  });

  after(async () => {
    for (const daemon of daemons) await daemon.stop();
  });

  it("names the CA file as openssl x509 -hash does", (t) => {
    if (!requireTool(t, "openssl")) return;
    const hash = runOk("openssl", ["x509", "-hash", "-noout", "-in", join(store, "ca.crt.pem")]).stdout.trim();
    assert.match(hash, /^[0-9a-f]{8}$/);
    assert.deepEqual(readdirSync(join(upsmonDir, "certs")), [`${hash}.0`]);
    const subject = runOk("openssl", [
      "x509",
      "-subject",
      "-noout",
      "-nameopt",
      "utf8",
      "-in",
      join(store, "ca.crt.pem"),
    ]);
    assert.match(subject.stdout, /My {2}UPS {3}CA Ü/);
  });

  it("openssl verify -CApath certs/ accepts the server chain and the client certificate", (t) => {
    if (!requireTool(t, "openssl")) return;
    const certs = join(upsmonDir, "certs");
    const server = run("openssl", ["verify", "-CApath", certs, "-purpose", "sslserver", join(upsdDir, "upsd.pem")]);
    assert.equal(server.code, 0, server.output);
    const client = run("openssl", ["verify", "-CApath", certs, "-purpose", "sslclient", join(upsmonDir, "upsmon.pem")]);
    assert.equal(client.code, 0, client.output);
    // The key in upsd.pem is usable without a passphrase, as upsd <= 2.8.5 needs.
    runOk("openssl", ["pkey", "-in", join(upsdDir, "upsd.pem"), "-noout", "-passin", "pass:"]);
  });

  it("a server with upsd.pem as certificate and key passes s_client -CApath with a host name check", async (t) => {
    if (!requireTool(t, "openssl")) return;
    const port = await freePort();
    const pem = join(upsdDir, "upsd.pem");
    // -www: answer without reading stdin, whose EOF would end the server.
    const server = new Daemon("s_server", "openssl", [
      "s_server",
      "-www",
      "-cert",
      pem,
      "-key",
      pem,
      "-accept",
      `127.0.0.1:${port}`,
    ]);
    daemons.push(server);
    await server.waitFor(/ACCEPT/);
    const client = (name: string) =>
      run("openssl", [
        "s_client",
        "-connect",
        `127.0.0.1:${port}`,
        "-CApath",
        join(upsmonDir, "certs"),
        "-verify_return_error",
        "-verify_hostname",
        name,
        "-servername",
        name,
      ]);
    const ok = client("ups1.test");
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /Verify return code: 0 \(ok\)/);
    const wrongName = client("other.test");
    assert.notEqual(wrongName.code, 0);
    assert.match(wrongName.output, /hostname mismatch/);
  });

  it("the snippets point at the install directory", () => {
    assert.match(readFileSync(join(upsdDir, "upsd.conf.snippet"), "utf8"), /^CERTFILE \/etc\/nut\/tls\/upsd\.pem$/m);
    const upsmon = readFileSync(join(upsmonDir, "upsmon.conf.snippet"), "utf8");
    assert.match(upsmon, /^CERTPATH \/etc\/nut\/tls\/certs$/m);
    assert.match(upsmon, /^# CERTFILE \/etc\/nut\/tls\/upsmon\.pem$/m);
  });
});
