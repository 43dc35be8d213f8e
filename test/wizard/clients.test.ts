// The client step: names checked like nutca issue client, which servers each
// monitors, and whether certificates are issued for the chosen deployment.
import { test } from "node:test";
import assert from "node:assert/strict";
import { askClients, clientArgv } from "../../src/cli/wizard/clients.js";
import { KEY, Terminal } from "./terminal.js";

test("stunnel: every client gets a certificate; names are checked as typed", async () => {
  const term = new Terminal();
  const clients = term.watch(
    askClients(term.io, { modes: ["stunnel"], servers: ["ups1"], taken: new Set(["ups1", "old"]) }),
  );
  await term.waitFor("each client gets one");
  await term.answer("Client host names, comma-separated", "mon1, mon1" + KEY.enter);
  await term.waitFor(`"mon1" is listed twice`);
  term.type(KEY.ctrlU + "mon1, ups1" + KEY.enter);
  await term.waitFor(`"ups1" is already used`);
  term.type(KEY.ctrlU + "mon1 mon-2" + KEY.enter);
  const plans = await clients;
  assert.deepEqual(plans, [
    { name: "mon1", certificate: true, upsmonCertificate: false, servers: ["ups1"] },
    { name: "mon-2", certificate: true, upsmonCertificate: false, servers: ["ups1"] },
  ]);
  assert.deepEqual(clientArgv("/s", plans[0]!), ["--store", "/s", "issue", "client", "mon1"]);
});

test("native TLS: no client certificate by default, and the upsd host may be a client too", async () => {
  const term = new Terminal();
  const clients = term.watch(askClients(term.io, { modes: ["native"], servers: ["ups1"], taken: new Set(["ups1"]) }));
  await term.answer("Should upsmon present a client certificate? (y/N)", KEY.enter);
  await term.answer("Client host names", "ups1, mon1" + KEY.enter);
  assert.deepEqual(await clients, [
    { name: "ups1", certificate: false, upsmonCertificate: false, servers: ["ups1"] },
    { name: "mon1", certificate: false, upsmonCertificate: false, servers: ["ups1"] },
  ]);
});

test("several servers: each client chooses which it monitors", async () => {
  const term = new Terminal();
  const clients = term.watch(
    askClients(term.io, { modes: ["shims"], servers: ["ups1", "ups2"], taken: new Set(["ups1", "ups2"]) }),
  );
  await term.waitFor("The TLS shims do not ask clients for a certificate");
  await term.answer("Client host names", "mon1" + KEY.enter);
  // Both are checked: unchecking the first leaves ups2.
  await term.answer("Which upsd hosts does mon1 monitor?", KEY.space + KEY.enter);
  assert.deepEqual(await clients, [{ name: "mon1", certificate: false, upsmonCertificate: false, servers: ["ups2"] }]);
});
