// Ctrl-C: at any prompt the wizard stops with one line and leaves nothing
// half-made (nothing at all before the plan is accepted).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runSteps } from "../../src/cli/wizard/apply.js";
import { initCommand } from "../../src/cli/wizard/create-ca.js";
import { wizard } from "../../src/cli/wizard/index.js";
import type { Step } from "../../src/cli/wizard/plan.js";
import { serverCommand } from "../../src/cli/wizard/servers.js";
import { CaStore } from "../../src/store/store.js";
import { PASSPHRASE, scratch, testEnv, wizardContext } from "./fixtures.js";
import { KEY, Terminal } from "./terminal.js";

function start() {
  const root = scratch();
  const store = join(root, "store");
  const env = testEnv(join(root, "config"));
  const term = new Terminal();
  const deps = { io: term.io, env, host: () => ({ names: [], addresses: [] }), detectBackend: async () => undefined };
  const run = wizard({ store }, wizardContext(env), deps);
  run.catch(() => undefined);
  return { root, store, term, run };
}

test("Ctrl-C at the first question: cancelled, nothing written", async () => {
  const { root, store, term, run } = start();
  await term.answer("CA name", KEY.ctrlC);
  await assert.rejects(run, { code: "CANCELLED", exitCode: 130, line: "cancelled — nothing was changed" });
  assert.ok(!existsSync(store));
  assert.deepEqual(readdirSync(root), []);
});

test("Ctrl-C at the passphrase, and at the final confirmation: still nothing written", async () => {
  const first = start();
  await first.term.answer("CA name", KEY.enter);
  await first.term.answer("Organisation", KEY.enter);
  await first.term.answer("Key type", KEY.enter);
  await first.term.answer("CA expiry", KEY.enter);
  await first.term.answer("Default expiry", KEY.enter);
  await first.term.answer("Protect the CA key", KEY.enter);
  await first.term.answer("CA passphrase", "half typed" + KEY.ctrlC);
  await assert.rejects(first.run, { code: "CANCELLED" });
  assert.ok(!existsSync(first.store));

  const second = start();
  const { term } = second;
  for (const prompt of ["CA name", "Organisation", "Key type", "CA expiry", "Default expiry"]) {
    await term.answer(prompt, KEY.enter);
  }
  await term.answer("Protect the CA key", KEY.enter);
  await term.answer("CA passphrase", PASSPHRASE + KEY.enter);
  await term.answer("Repeat", PASSPHRASE + KEY.enter);
  await term.answer("How do the NUT hosts talk TLS?", KEY.enter);
  await term.answer("built with", KEY.enter);
  await term.answer("Where will NUT's TLS files live", KEY.enter);
  await term.answer("is it this machine?", "n" + KEY.enter);
  await term.answer("its name in the store", "ups1" + KEY.enter);
  await term.answer("DNS names", KEY.enter);
  await term.answer("IP addresses", KEY.enter);
  await term.answer("Add another", KEY.enter);
  await term.answer("Should upsmon present", KEY.enter);
  await term.answer("Client host names", KEY.enter);
  await term.answer("Limit the CA", KEY.enter);
  await term.answer("Output directory", KEY.backspace + join(second.root, "out") + KEY.enter);
  await term.answer("Go ahead?", KEY.ctrlC);
  await assert.rejects(second.run, { code: "CANCELLED", exitCode: 130, line: "cancelled — nothing was changed" });
  assert.deepEqual(readdirSync(second.root), []);
});

test("answering no to the plan changes nothing and is not an error", async () => {
  const { root, term, run } = start();
  for (const prompt of ["CA name", "Organisation", "Key type", "CA expiry", "Default expiry"]) {
    await term.answer(prompt, KEY.enter);
  }
  await term.answer("Protect the CA key", "n" + KEY.enter);
  await term.answer("WITHOUT a passphrase anyway?", "y" + KEY.enter);
  await term.answer("How do the NUT hosts talk TLS?", KEY.space + KEY.down + KEY.down + KEY.space + KEY.enter);
  await term.answer("Does upsmon run on a upsd host too", KEY.enter);
  await term.answer("is it this machine?", "n" + KEY.enter);
  await term.answer("its name in the store", "ups1" + KEY.enter);
  await term.answer("DNS names", KEY.enter);
  await term.answer("IP addresses", KEY.enter);
  await term.answer("Add another", KEY.enter);
  await term.waitFor("The TLS shims do not ask clients for a certificate");
  await term.answer("Client host names", KEY.enter);
  await term.answer("Limit the CA", KEY.enter);
  await term.answer("Output directory", KEY.backspace + join(root, "out") + KEY.enter);
  await term.waitFor("--no-passphrase");
  await term.answer("Go ahead?", "n" + KEY.enter);
  const result = await run;
  assert.equal(result.human, "Nothing was changed.");
  assert.deepEqual(readdirSync(root), []);
});

test("Ctrl-C while a command runs: it finishes, the next does not start, the CA is whole", async () => {
  const root = scratch();
  const store = join(root, "store");
  const term = new Terminal();
  const steps: Step[] = [];
  const answers = { name: "NUT private CA", keyType: "ec-p256", notAfter: "never", leafNotAfter: "never" } as const;
  const commands = [
    initCommand(store, answers, { dns: [], ip: [] }),
    serverCommand(store, { name: "ups1", dns: ["ups1.example.net"], ip: [] }),
  ];
  const listeners = process.listenerCount("SIGINT");
  const running = runSteps({ io: term.io, env: testEnv(join(root, "config")) }, commands, undefined, steps);
  process.emit("SIGINT");
  await assert.rejects(running, {
    code: "CANCELLED",
    line: "cancelled — the 1 command(s) shown above were completed; nothing is half-made",
  });
  assert.match(term.text, /Ctrl-C: stopping after this step/);
  assert.equal(steps.length, 1);
  const ca = new CaStore(store);
  assert.ok(ca.hasCa());
  assert.deepEqual(
    ca.entries().map((entry) => entry.name),
    ["ca"],
  );
  assert.equal(process.listenerCount("SIGINT"), listeners, "the handler is removed");
});
