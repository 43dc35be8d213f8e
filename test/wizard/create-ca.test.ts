// The CA step: defaults, the same validation messages as `nutca init`, the
// passphrase rules, and name constraints suggested from the server names.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  askCa,
  askConstraints,
  askNewPassphrase,
  initArgv,
  passphraseStrength,
  suggestConstraints,
} from "../../src/cli/wizard/create-ca.js";
import { KEY, Terminal } from "./terminal.js";

const NOW = new Date("2026-11-26T12:00:00Z");
const STRONG = "correct horse battery staple";

test("pressing Enter everywhere gives the defaults: NUT private CA, P-256, never", async () => {
  const term = new Terminal();
  const answers = term.watch(askCa(term.io, {}, NOW));
  await term.answer("CA name (its common name): (NUT private CA)", KEY.enter);
  await term.answer("Organisation (O), optional:", KEY.enter);
  await term.answer("Key type:", KEY.enter);
  await term.waitFor("P-256");
  await term.answer("CA expiry: never (= 31 Dec 9999)", KEY.enter);
  await term.answer("Default expiry of the certificates it issues", KEY.enter);
  await term.answer("Protect the CA key with a passphrase? (recommended)", KEY.enter);
  await term.answer("CA passphrase (hidden", STRONG + KEY.enter);
  await term.answer("Repeat the passphrase:", STRONG + KEY.enter);
  const ca = await answers;
  assert.deepEqual(ca, {
    name: "NUT private CA",
    keyType: "ec-p256",
    notAfter: "never",
    leafNotAfter: "never",
    passphrase: STRONG,
  });
  assert.ok(term.text.includes("strength: strong"));
  assert.ok(!term.text.includes(STRONG), "the passphrase is never echoed");
  assert.deepEqual(initArgv("/s", ca, { dns: [], ip: [] }), [
    "--store",
    "/s",
    "init",
    "--name",
    "NUT private CA",
    "--key",
    "ec-p256",
    "--not-after",
    "never",
    "--leaf-not-after",
    "never",
  ]);
});

test("saved preferences are the defaults; RSA-3072 is offered for old peers", async () => {
  const term = new Terminal();
  const answers = term.watch(askCa(term.io, { organization: "Acme", keyType: "rsa-3072", leafNotAfter: "825d" }, NOW));
  await term.answer("CA name", "Acme UPS CA" + KEY.enter);
  await term.answer("Organisation (O), optional: (Acme)", KEY.enter);
  await term.answer("❯ RSA 3072 (for old peers without ECDSA)", KEY.enter);
  await term.answer("CA expiry", KEY.enter);
  await term.answer("Default expiry of the certificates it issues (capped at the CA's): (825d)", KEY.enter);
  await term.answer("Protect the CA key", KEY.enter);
  await term.answer("CA passphrase", STRONG + KEY.enter);
  await term.answer("Repeat", STRONG + KEY.enter);
  const ca = await answers;
  assert.equal(ca.organization, "Acme");
  assert.equal(ca.keyType, "rsa-3072");
  assert.equal(ca.leafNotAfter, "825d");
});

test("bad names and dates get the same one-line messages as nutca init, and can be corrected", async () => {
  const term = new Terminal();
  const answers = term.watch(askCa(term.io, {}, NOW));
  await term.answer("CA name", "x".repeat(70) + KEY.enter);
  await term.waitFor("must be 1 to 64 printable characters — choose a shorter name");
  term.type(KEY.ctrlU + "Short CA" + KEY.enter);
  await term.answer("Organisation", KEY.enter);
  await term.answer("Key type:", KEY.down + KEY.enter);
  await term.answer("CA expiry", "2020-01-01" + KEY.enter);
  await term.waitFor('the expiry "2020-01-01" is in the past — give a future date or a duration');
  term.type(KEY.ctrlU + "2030-02-30" + KEY.enter);
  await term.waitFor('cannot read the expiry "2030-02-30" — use never, a date like 2035-12-31');
  term.type(KEY.ctrlU + "20y" + KEY.enter);
  await term.answer("Default expiry", "soon" + KEY.enter);
  await term.waitFor('cannot read the expiry "soon"');
  term.type(KEY.ctrlU + "10y" + KEY.enter);
  await term.answer("Protect the CA key", KEY.enter);
  await term.answer("CA passphrase", STRONG + KEY.enter);
  await term.answer("Repeat", STRONG + KEY.enter);
  const ca = await answers;
  assert.equal(ca.name, "Short CA");
  assert.equal(ca.keyType, "ec-p384");
  assert.equal(ca.notAfter, "20y");
  assert.equal(ca.leafNotAfter, "10y");
});

test("no passphrase only after the warning and an explicit yes", async () => {
  const term = new Terminal();
  const answer = term.watch(askNewPassphrase(term.io));
  await term.answer("Protect the CA key with a passphrase?", "n" + KEY.enter);
  await term.waitFor("WARNING: without a passphrase the CA key is stored unencrypted");
  await term.answer("Store the CA key WITHOUT a passphrase anyway? (y/N)", "y" + KEY.enter);
  assert.equal(await answer, undefined);
});

test("declining the warning goes back to the passphrase; short, weak and mismatched ones are caught", async () => {
  const term = new Terminal();
  const answer = term.watch(askNewPassphrase(term.io));
  await term.answer("Protect the CA key with a passphrase?", "n" + KEY.enter);
  await term.answer("Store the CA key WITHOUT a passphrase anyway? (y/N)", KEY.enter);
  await term.answer("CA passphrase", "short" + KEY.enter);
  await term.waitFor("use at least 8 characters");
  term.type(KEY.ctrlU + "password" + KEY.enter);
  await term.waitFor("strength: weak");
  await term.answer("Use this weak passphrase anyway? (y/N)", KEY.enter);
  await term.answer("CA passphrase", STRONG + KEY.enter);
  await term.answer("Repeat the passphrase:", "something else" + KEY.enter);
  await term.waitFor("The two passphrases differ: try again.");
  await term.answer("CA passphrase", STRONG + KEY.enter);
  await term.answer("Repeat the passphrase:", STRONG + KEY.enter);
  assert.equal(await answer, STRONG);
});

test("the strength hint tells weak from strong", () => {
  assert.equal(passphraseStrength("password").label, "weak");
  assert.equal(passphraseStrength("aaaaaaaaaaaaaaaaaaaaaaaa").label, "weak");
  assert.equal(passphraseStrength("Tr0ub4dor&3").label, "fair");
  assert.equal(passphraseStrength(STRONG).label, "strong");
});

test("name constraints are suggested from the server names: parent domains, /24 and /64", () => {
  const servers = [
    { name: "ups1", dns: ["ups1.example.net", "ups.example.net"], ip: ["192.168.1.10"] },
    { name: "ups2", dns: ["ups2"], ip: ["fd00:1:2:3::10"] },
  ];
  assert.deepEqual(suggestConstraints(servers), {
    dns: ["example.net", "ups2"],
    ip: ["192.168.1.0/24", "fd00:1:2:3::/64"],
  });
});

test("name constraints: off by default; when chosen, a list that leaves out a server name is refused", async () => {
  const servers = [{ name: "ups1", dns: ["ups1.example.net"], ip: ["192.168.1.10"] }];
  const off = new Terminal();
  const none = off.watch(askConstraints(off.io, servers));
  await off.answer("Limit the CA to example.net, 192.168.1.0/24? (y/N)", KEY.enter);
  assert.deepEqual(await none, { dns: [], ip: [] });

  const term = new Terminal();
  const permitted = term.watch(askConstraints(term.io, servers));
  await term.answer("Limit the CA to", "y" + KEY.enter);
  await term.answer("Permitted DNS suffixes (comma-separated, empty for any): (example.net)", KEY.backspace);
  term.type("other.org" + KEY.enter);
  await term.waitFor(`"ups1.example.net" is outside the CA's name constraints (other.org)`);
  term.type(KEY.ctrlU + "example.net" + KEY.enter);
  await term.answer("Permitted IP networks", KEY.backspace + "10.0.0.0/33" + KEY.enter);
  await term.waitFor(`"10.0.0.0/33" is not a valid network`);
  term.type(KEY.ctrlU + KEY.enter);
  assert.deepEqual(await permitted, { dns: ["example.net"], ip: [] });
});
