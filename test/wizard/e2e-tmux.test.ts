// The real `nutca` in a real pseudo-terminal (tmux), from an empty directory
// to a CA, one server with two names and an IP, two clients, NSS and stunnel
// exports; then the files are checked with openssl and certutil. And Ctrl-C
// at a prompt: exit 130, one line, nothing written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NUTCA_BIN, PASSPHRASE, scratch } from "./fixtures.js";
import { hasTmux, sh, TmuxSession } from "./tmux.js";

const skip = hasTmux() ? false : "tmux is not installed (apt-get install tmux)";
const hasCertutil = spawnSync("certutil", ["-H"]).error === undefined;

/** `nutca --store STORE` in DIR with private settings; the exit status stays on the screen. */
function startNutca(dir: string): TmuxSession {
  const env = `NUTCA_CONFIG_DIR=${sh(join(dir, "config"))} NO_COLOR=1`;
  const nutca = `${sh(process.execPath)} ${sh(NUTCA_BIN)} --store ${sh(join(dir, "store"))}`;
  return new TmuxSession(`cd ${sh(dir)} && env ${env} ${nutca}; echo "[nutca exited $?]"; sleep 600`);
}

test("wizard in a terminal: CA, server, two clients, NSS + stunnel exports that verify", { skip }, async () => {
  const dir = scratch();
  const out = join(dir, "out");
  const tmux = startNutca(dir);
  try {
    await tmux.expect("empty: no CA yet");
    await tmux.answer("CA name (its common name):", "E2E CA", "Enter");
    await tmux.answer("Organisation (O), optional:", "E2E Org", "Enter");
    await tmux.answer("Key type:", "", "Enter");
    await tmux.answer("CA expiry:", "", "Enter");
    await tmux.answer("Default expiry of the certificates it issues", "", "Enter");
    await tmux.answer("Protect the CA key with a passphrase?", "", "Enter");
    await tmux.answer("CA passphrase (hidden", PASSPHRASE, "Enter");
    await tmux.answer("Repeat the passphrase:", PASSPHRASE, "Enter");
    // NUT's own TLS is checked already; add stunnel.
    await tmux.answer("How do the NUT hosts talk TLS?", "", "Down", "Space", "Enter");
    await tmux.answer("Does upsmon run on a upsd host too", "", "Enter");
    await tmux.answer("NUT on the upsd/upsmon hosts is built with:", "", "Enter"); // NSS first
    await tmux.answer("Where will NUT's TLS files live on those hosts?", "", "Enter");
    await tmux.answer("upsd host 1: is it this machine?", "n", "Enter");
    await tmux.answer("upsd host 1: its name in the store", "ups1", "Enter");
    await tmux.answer("DNS names clients use for ups1", "", "BSpace");
    // A bad name first: the message, then the fix.
    tmux.type("ups1.example.net, 192.168.1.10");
    tmux.press("Enter");
    await tmux.expect('"192.168.1.10" is an IP address, not a DNS name');
    tmux.press("C-u");
    tmux.type("ups1.example.net, ups.example.net");
    tmux.press("Enter");
    await tmux.answer("IP addresses clients use for ups1", "192.168.1.10", "Enter");
    await tmux.answer("Add another upsd host?", "", "Enter");
    await tmux.answer("Should upsmon present a client certificate?", "", "Enter");
    await tmux.answer("Client host names, comma-separated", "mon1, mon2", "Enter");
    await tmux.answer("Limit the CA to example.net, 192.168.1.0/24?", "", "Enter");
    await tmux.answer("Output directory for the exports", "", "BSpace");
    tmux.type(out);
    tmux.press("Enter");
    await tmux.answer("Go ahead?", "", "Enter");
    await tmux.expect("The same without the wizard:", 120_000);
    await tmux.answer("Save these as your defaults?", "", "Enter");
    await tmux.answer("Deploy now?", "", "Enter");
    await tmux.expect("[nutca exited 0]");

    const screen = tmux.screen();
    assert.ok(!screen.includes(PASSPHRASE), "the passphrase never shows");
    assert.match(screen, /stunnel\.conf on ups1 \(whole file: .*\/ups1\/stunnel-server\/stunnel\.conf\):/);
    assert.match(screen, /CERTPATH \/etc\/nut\/tls\/nssdb/);
    assert.match(screen, /CERTIDENT "nut-server" "<password: see the file>"/);
    assert.match(screen, /nutca --store \S+ export upsmon --server ups1 --backend nss --out \S+\/mon2\/upsmon/);
  } finally {
    tmux.kill();
  }

  const store = join(dir, "store");
  const ca = join(store, "ca.crt.pem");
  for (const path of [
    "ups1/upsd/upsd.conf.snippet",
    "ups1/stunnel-server/stunnel.conf",
    "ups1/stunnel-server/ups1.chain.pem",
    "mon1/upsmon/upsmon.conf.snippet",
    "mon1/stunnel-client/stunnel.conf",
    "mon2/upsmon/upsmon.conf.snippet",
    "mon2/stunnel-client/mon2.chain.pem",
  ]) {
    assert.ok(existsSync(join(out, path)), path);
  }
  assert.deepEqual(readdirSync(out).sort(), ["mon1", "mon2", "ups1"]);
  for (const [host, chain] of [
    ["ups1/stunnel-server", "ups1.chain.pem"],
    ["mon1/stunnel-client", "mon1.chain.pem"],
    ["mon2/stunnel-client", "mon2.chain.pem"],
  ] as const) {
    const verify = spawnSync("openssl", ["verify", "-x509_strict", "-CAfile", ca, join(out, host, chain)], {
      encoding: "utf8",
    });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  }
  const server = spawnSync(
    "openssl",
    ["x509", "-noout", "-ext", "subjectAltName", "-in", join(store, "issued/ups1.crt.pem")],
    {
      encoding: "utf8",
    },
  );
  assert.match(server.stdout, /DNS:ups1\.example\.net, DNS:ups\.example\.net, IP Address:192\.168\.1\.10/);
  assert.match(readFileSync(join(out, "mon1/stunnel-client/stunnel.conf"), "utf8"), /checkHost = ups1\.example\.net/);

  if (hasCertutil) {
    const valid = spawnSync(
      "certutil",
      ["-V", "-d", `sql:${join(out, "ups1/upsd/nssdb")}`, "-n", "nut-server", "-u", "V"],
      { encoding: "utf8" },
    );
    assert.match(valid.stdout, /certificate is valid/, valid.stdout + valid.stderr);
    const trust = spawnSync("certutil", ["-L", "-d", `sql:${join(out, "mon1/upsmon/upsmon-nssdb")}`], {
      encoding: "utf8",
    });
    assert.match(trust.stdout, /E2E CA\s+CT,,/, trust.stdout + trust.stderr);
  }
});

test("Ctrl-C at a prompt: one line, exit 130, nothing written", { skip }, async () => {
  const dir = scratch();
  const tmux = startNutca(dir);
  try {
    await tmux.answer("CA name (its common name):", "Half", "C-c");
    await tmux.expect("[nutca exited 130]");
    assert.match(tmux.screen(), /nutca: cancelled — nothing was changed\n/);
  } finally {
    tmux.kill();
  }
  assert.ok(!existsSync(join(dir, "store")));
  assert.ok(!existsSync(join(dir, "config")));
});
