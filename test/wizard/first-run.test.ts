// The whole wizard on an empty store, in-process with a scripted terminal:
// questions, the plan, the commands, the summary; then the summary's commands
// replayed by the real CLI without a terminal make the same files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { wizard } from "../../src/cli/wizard/index.js";
import { commandLine } from "../../src/cli/wizard/run.js";
import { fileList, PASSPHRASE, runBin, scratch, testEnv, wizardContext } from "./fixtures.js";
import { KEY, Terminal } from "./terminal.js";

test("empty store to CA, server, client and OpenSSL + shim exports; the summary scripts it", async () => {
  const root = scratch();
  const store = join(root, "store");
  const out = join(root, "out");
  const config = join(root, "config");
  const env = testEnv(config);
  const term = new Terminal();
  const deps = { io: term.io, env, host: () => ({ names: [], addresses: [] }), detectBackend: async () => undefined };
  const run = term.watch(wizard({ store }, wizardContext(env), deps));

  await term.answer("CA name", "Shop CA" + KEY.enter);
  await term.answer("Organisation", "Shop" + KEY.enter);
  await term.answer("Key type:", KEY.enter);
  await term.answer("CA expiry", KEY.enter);
  await term.answer("Default expiry of the certificates", "10y" + KEY.enter);
  await term.answer("Protect the CA key", KEY.enter);
  await term.answer("CA passphrase", PASSPHRASE + KEY.enter);
  await term.answer("Repeat the passphrase", PASSPHRASE + KEY.enter);
  await term.answer("How do the NUT hosts talk TLS?", KEY.down.repeat(2) + KEY.space + KEY.enter);
  await term.answer("Does upsmon run on a upsd host too", KEY.enter);
  await term.answer("NUT on the upsd/upsmon hosts is built with:", KEY.down + KEY.enter);
  await term.answer("Where will NUT's TLS files live", KEY.enter);
  await term.answer("upsd host 1: is it this machine? (Y/n)", "n" + KEY.enter);
  await term.answer("its name in the store", "ups1" + KEY.enter);
  await term.answer("DNS names clients use for ups1", KEY.backspace + "ups1.shop.lan" + KEY.enter);
  await term.answer("IP addresses clients use for ups1", "10.0.0.5" + KEY.enter);
  await term.answer("Add another upsd host?", KEY.enter);
  await term.answer("Should upsmon present a client certificate?", KEY.enter);
  await term.answer("Client host names", "pc1" + KEY.enter);
  await term.answer("Limit the CA to shop.lan, 10.0.0.0/24? (y/N)", "y" + KEY.enter);
  await term.answer("Permitted DNS suffixes", KEY.enter);
  await term.answer("Permitted IP networks", KEY.enter);
  await term.answer("Output directory", KEY.backspace + out + KEY.enter);
  await term.waitFor("Plan (nothing has been written yet):");
  assert.ok(!existsSync(store), "nothing is written before the plan is accepted");
  await term.answer("Go ahead? (Y/n)", KEY.enter);
  await term.waitFor("Lines to paste");
  await term.answer("Save these as your defaults? (Y/n)", KEY.enter);
  await term.answer("Deploy now? (y/N)", KEY.enter);
  const result = await run;
  const commands = (result.data as { commands: string[][] }).commands;

  // What the summary shows.
  const text = term.text;
  assert.match(
    text,
    new RegExp(`upsd\\.conf on ups1 \\(from ${out}/ups1/upsd/upsd\\.conf\\.snippet\\):\\n    # upsd\\.conf lines`),
  );
  assert.match(text, /CERTFILE \/etc\/nut\/tls\/upsd\.pem/);
  assert.match(text, /CERTPATH \/etc\/nut\/tls\/certs/);
  assert.match(text, new RegExp(`scp -r ${out}/ups1 root@ups1\\.shop\\.lan:nutca-ups1`));
  assert.match(text, /# the CA passphrase: --passphrase-file FILE, or NUTCA_PASSPHRASE/);
  assert.match(text, new RegExp(`nutca --store ${store} deploy upsd --server ups1 --backend openssl --host root@ups1`));
  for (const argv of commands) assert.ok(text.includes(commandLine(argv)), commandLine(argv));
  assert.deepEqual(
    commands.map((argv) => argv.slice(2, 4).join(" ")),
    [
      "init --name",
      "issue server",
      "export upsd",
      "export shim-server",
      "export upsmon",
      "export shim-client",
      "export nutauth",
    ],
  );
  assert.ok(commands[0]!.includes("--permit-dns") && commands[0]!.includes("--permit-ip"));
  assert.ok(!text.includes(PASSPHRASE) && !commands.flat().includes(PASSPHRASE));

  // The choices were saved, privately.
  const saved = JSON.parse(readFileSync(join(config, "config.json"), "utf8")) as Record<string, string>;
  assert.deepEqual(saved, {
    storeDir: store,
    keyType: "ec-p256",
    leafNotAfter: "10y",
    organization: "Shop",
    backend: "openssl",
    installDir: "/etc/nut/tls",
    outDir: out,
  });
  assert.equal(statSync(join(config, "config.json")).mode & 0o777, 0o600);

  // Replayed without a terminal, the same commands make the same files.
  const again = join(root, "again");
  const replay = (argv: string[]) => argv.map((word) => word.replaceAll(root, again));
  for (const argv of commands) {
    const { code, stderr } = runBin(replay(argv), { ...env, NUTCA_PASSPHRASE: PASSPHRASE });
    assert.equal(code, 0, `${commandLine(replay(argv))}: ${stderr}`);
  }
  assert.deepEqual(fileList(join(again, "out")), fileList(out));
});
