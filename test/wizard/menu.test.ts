// The wizard on a store that has its CA: a menu (add a server, add clients,
// re-export, status), never a second CA.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { wizard } from "../../src/cli/wizard/index.js";
import { CaStore } from "../../src/store/store.js";
import { makeStore, PASSPHRASE, scratch, testEnv, wizardContext } from "./fixtures.js";
import { KEY, Terminal } from "./terminal.js";

const HOST = () => ({ names: ["nas"], addresses: ["192.0.2.7"] });

async function setUp() {
  const root = scratch();
  const store = join(root, "store");
  const env = testEnv(join(root, "config"));
  await makeStore(store, env);
  const term = new Terminal();
  const deps = { io: term.io, env, host: HOST, detectBackend: async () => undefined, settings: {} };
  const run = term.watch(wizard({ store }, wizardContext(env), deps));
  return { root, store, term, run };
}

test("the menu offers add server, add clients, re-export, status and quit: never a new CA", async () => {
  const { store, term, run } = await setUp();
  await term.waitFor(`Store: ${store} (from --store)`);
  await term.waitFor("What next? (this store has its CA)");
  for (const item of ["Add a upsd host", "Add client hosts", "Re-export every bundle", "Show the status", "Quit"]) {
    assert.ok(term.text.includes(item), item);
  }
  assert.doesNotMatch(term.text, /new CA|init/i);
  // Status: the store's list.
  term.type(KEY.down.repeat(3) + KEY.enter);
  await term.waitFor(/NAME +KIND +SERIAL/);
  await term.waitFor(/ups1 +server/);
  await term.answer("What next?", KEY.down.repeat(4) + KEY.enter);
  assert.deepEqual((await run).data, { commands: [] });
});

test("add clients: the CA passphrase is checked as typed, then the client and its exports are made", async () => {
  const { root, store, term, run } = await setUp();
  await term.answer("What next?", KEY.down + KEY.enter);
  // stunnel only: uncheck NUT's own TLS, check stunnel.
  await term.answer("How do the NUT hosts talk TLS?", KEY.space + KEY.down + KEY.space + KEY.enter);
  await term.answer("Does upsmon run on a upsd host too", KEY.enter);
  await term.answer("Client host names", "mon1" + KEY.enter);
  await term.waitFor(`"mon1" is already used`);
  term.type(KEY.ctrlU + "mon2" + KEY.enter);
  await term.answer("CA passphrase:", "wrong passphrase" + KEY.enter);
  await term.waitFor("wrong passphrase for the CA key");
  term.type(KEY.ctrlU + PASSPHRASE + KEY.enter);
  await term.answer("Output directory for the exports", KEY.backspace + join(root, "out") + KEY.enter);
  await term.waitFor("nutca --store " + store + " issue client mon2");
  await term.answer("Go ahead? (Y/n)", KEY.enter);
  await term.waitFor("The same without the wizard:");
  await term.answer("Save these as your defaults? (Y/n)", "n" + KEY.enter);
  await term.waitFor("clients: mon1, mon2");
  await term.answer("What next?", KEY.down.repeat(4) + KEY.enter);
  await run;
  assert.equal(new CaStore(store).findEntry("mon2").kind, "client");
  assert.ok(existsSync(join(root, "out", "mon2", "stunnel-client", "stunnel.conf")));
  assert.ok(!term.text.includes(PASSPHRASE), "the passphrase is never shown");
});

test("re-export: every server and client again; existing directories are replaced only when confirmed", async () => {
  const { root, store, term, run } = await setUp();
  const out = join(root, "out");
  for (const round of [1, 2]) {
    await term.answer("What next?", KEY.down.repeat(2) + KEY.enter);
    await term.answer("How do the NUT hosts talk TLS?", KEY.enter);
    await term.answer("NUT on the upsd/upsmon hosts is built with:", KEY.down + KEY.enter);
    await term.answer("Where will NUT's TLS files live", KEY.enter);
    await term.answer("Client hosts to export for (comma-separated): (mon1)", KEY.enter);
    await term.answer("Should upsmon present the client's certificate (NUT 2.8.6+)? (y/N)", KEY.enter);
    await term.answer("Output directory", KEY.backspace + out + KEY.enter);
    if (round === 2) {
      await term.waitFor(`These already exist: ${join(out, "ups1", "upsd")}, ${join(out, "mon1", "upsmon")}`);
      await term.answer("Replace the files in them? (y/N)", "y" + KEY.enter);
      await term.waitFor("--out " + join(out, "mon1", "upsmon") + " --force");
    }
    await term.answer("Go ahead?", KEY.enter);
    await term.waitFor("nutca --store " + store + " export upsd --server ups1 --backend openssl");
    if (round === 1) await term.answer("Save these as your defaults?", "n" + KEY.enter);
  }
  await term.answer("Save these as your defaults?", "n" + KEY.enter);
  await term.answer("What next?", KEY.down.repeat(4) + KEY.enter);
  await run;
  const pem = readFileSync(join(out, "ups1", "upsd", "upsd.pem"), "utf8");
  assert.match(pem, /BEGIN CERTIFICATE[\s\S]*BEGIN PRIVATE KEY/);
  assert.ok(existsSync(join(out, "mon1", "upsmon", "upsmon.conf.snippet")));
});

test("add a server on this machine", async () => {
  const { root, store, term, run } = await setUp();
  await term.answer("What next?", KEY.enter);
  await term.answer("CA passphrase:", PASSPHRASE + KEY.enter);
  await term.answer("How do the NUT hosts talk TLS?", KEY.space + KEY.down.repeat(2) + KEY.space + KEY.enter);
  await term.answer("Does upsmon run on a upsd host too", KEY.enter);
  await term.answer("upsd host 1: is it this machine? (y/N)", "y" + KEY.enter);
  await term.answer("its name in the store (usually its host name): (nas)", KEY.enter);
  await term.answer("DNS names clients use for nas", KEY.enter);
  await term.answer("IP addresses clients use for nas", KEY.enter);
  await term.answer("Add another upsd host?", KEY.enter);
  await term.answer("Output directory", KEY.backspace + join(root, "out") + KEY.enter);
  await term.answer("Go ahead?", KEY.enter);
  await term.answer("Save these as your defaults?", "n" + KEY.enter);
  await term.answer("What next?", KEY.down.repeat(4) + KEY.enter);
  await run;
  const entry = new CaStore(store).findEntry("nas");
  assert.deepEqual([entry.dns, entry.ip], [["nas"], ["192.0.2.7"]]);
  assert.ok(existsSync(join(root, "out", "nas", "shim-server", "README.txt")));
});
