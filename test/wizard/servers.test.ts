// The server step: this machine's names suggested when upsd runs here, every
// DNS name and IP checked as typed (same messages as nutca issue server), and
// the CA's name constraints enforced before anything is issued.
import { test } from "node:test";
import assert from "node:assert/strict";
import { askServers, serverArgv } from "../../src/cli/wizard/servers.js";
import { KEY, Terminal } from "./terminal.js";

const HERE = () => ({ names: ["nas"], addresses: ["192.0.2.7", "2001:db8::7"] });

test("on this machine: its host name and non-loopback addresses are the defaults", async () => {
  const term = new Terminal();
  const servers = term.watch(askServers(term.io, { host: HERE, taken: new Set() }));
  await term.answer("upsd host 1: is it this machine? (Y/n)", KEY.enter);
  await term.waitFor("This machine: nas, 192.0.2.7, 2001:db8::7");
  await term.answer("its name in the store (usually its host name): (nas)", KEY.enter);
  await term.answer("DNS names clients use for nas (comma-separated): (nas)", KEY.enter);
  await term.answer(
    "IP addresses clients use for nas (comma-separated, may be empty): (192.0.2.7, 2001:db8::7)",
    KEY.enter,
  );
  await term.answer("Add another upsd host? (y/N)", KEY.enter);
  assert.deepEqual(await servers, [{ name: "nas", dns: ["nas"], ip: ["192.0.2.7", "2001:db8::7"] }]);
});

test("bad names, DNS names and IPs are refused as typed with the parsers' messages", async () => {
  const term = new Terminal();
  const servers = term.watch(askServers(term.io, { host: HERE, taken: new Set(["mon1"]) }));
  await term.answer("is it this machine? (y/N)", KEY.enter);
  await term.answer("its name in the store", "bad name" + KEY.enter);
  await term.waitFor(`"bad name" is not a usable certificate name`);
  term.type(KEY.ctrlU + "ca" + KEY.enter);
  await term.waitFor(`"ca" is the CA's own name`);
  term.type(KEY.ctrlU + "mon1" + KEY.enter);
  await term.waitFor(`"mon1" is already used`);
  term.type(KEY.ctrlU + "ups1" + KEY.enter);
  await term.answer("DNS names clients use for ups1 (comma-separated): (ups1)", KEY.backspace);
  term.type("ups1.example.net, 192.168.1.10" + KEY.enter);
  // The wizard's own hint: the address belongs in the next question, not in an --ip the wizard has no use for.
  await term.waitFor(`"192.168.1.10" is an IP address, not a DNS name — enter it in the next question`);
  assert.doesNotMatch(term.text, /--ip/);
  term.type(KEY.ctrlU + "ups1.example.net, bad_name.example.net" + KEY.enter);
  await term.waitFor(`"bad_name.example.net" is not a valid DNS name`);
  term.type(KEY.ctrlU + "ups1.example.net, UPS.example.net." + KEY.enter);
  await term.answer("IP addresses clients use for ups1", "192.168.1.300" + KEY.enter);
  await term.waitFor(`"192.168.1.300" is not a valid IP address`);
  term.type(KEY.ctrlU + "192.168.1.10, fd00::0:1" + KEY.enter);
  await term.answer("Add another upsd host?", "y" + KEY.enter);
  await term.answer("upsd host 2: is it this machine?", KEY.enter);
  await term.answer("upsd host 2: its name in the store", "ups1" + KEY.enter);
  await term.waitFor(`"ups1" is already used`);
  term.type(KEY.ctrlU + "ups2" + KEY.enter);
  await term.answer("DNS names clients use for ups2", KEY.backspace + KEY.enter);
  await term.answer("IP addresses clients use for ups2", KEY.enter);
  await term.waitFor("a server needs at least one DNS name or IP address");
  term.type("10.0.0.2" + KEY.enter);
  await term.answer("Add another upsd host?", KEY.enter);
  const plans = await servers;
  assert.deepEqual(plans, [
    { name: "ups1", dns: ["ups1.example.net", "ups.example.net"], ip: ["192.168.1.10", "fd00::1"] },
    { name: "ups2", dns: [], ip: ["10.0.0.2"] },
  ]);
  assert.deepEqual(serverArgv("/s", plans[0]!), [
    "--store",
    "/s",
    "issue",
    "server",
    "ups1",
    "--dns",
    "ups1.example.net",
    "--dns",
    "ups.example.net",
    "--ip",
    "192.168.1.10",
    "--ip",
    "fd00::1",
  ]);
});

test("a name outside the CA's name constraints is refused before anything is issued", async () => {
  const term = new Terminal();
  const permitted = { dns: ["example.net"], ip: ["192.168.1.0/24"] };
  const servers = term.watch(askServers(term.io, { host: HERE, taken: new Set(["x"]), permitted }));
  await term.answer("is it this machine?", KEY.enter);
  await term.answer("its name in the store", "ups9" + KEY.enter);
  await term.answer("DNS names clients use for ups9", KEY.backspace + "ups9.other.org" + KEY.enter);
  await term.waitFor(`"ups9.other.org" is outside the CA's name constraints (example.net, 192.168.1.0/24)`);
  term.type(KEY.ctrlU + "ups9.example.net" + KEY.enter);
  await term.answer("IP addresses clients use for ups9", "10.1.1.1" + KEY.enter);
  await term.waitFor(`"10.1.1.1" is outside the CA's name constraints`);
  term.type(KEY.ctrlU + "192.168.1.9" + KEY.enter);
  await term.answer("Add another upsd host?", KEY.enter);
  assert.deepEqual(await servers, [{ name: "ups9", dns: ["ups9.example.net"], ip: ["192.168.1.9"] }]);
});
