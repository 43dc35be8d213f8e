// nutca list --expiring: exit 0 when nothing (certificates and the CRL) expires
// within the window, 3 when something does, for cron and monitoring.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertRefused, makeStore, nutca, nutcaOk } from "./support.js";

interface Expiring {
  due: boolean;
  until: string;
  certificates: { name: string }[];
  crl: { nextUpdate: string | null; due: boolean } | null;
}

function expiring(store: string, window: string, json = false): { code: number | null; out: string } {
  const result = nutca(store, [...(json ? ["--json"] : []), "list", "--expiring", window]);
  assert.equal(result.stderr, "");
  return { code: result.code, out: result.stdout };
}

test("list --expiring: 0 when nothing is due, 3 when a certificate or the CRL is", () => {
  const { store } = makeStore();
  nutcaOk(store, ["issue", "client", "forever"]);
  nutcaOk(store, ["issue", "client", "short", "--not-after", "20d"]);
  nutcaOk(store, ["issue", "client", "dropped", "--not-after", "5d"]);
  nutcaOk(store, ["revoke", "dropped"]);

  const quiet = expiring(store, "7d");
  assert.equal(quiet.code, 0, quiet.out);
  assert.match(quiet.out, /Nothing expires/);
  const quietJson = JSON.parse(expiring(store, "7d", true).out) as Expiring;
  assert.deepEqual([quietJson.due, quietJson.certificates, quietJson.crl?.due], [false, [], false]);

  const due = expiring(store, "30d");
  assert.equal(due.code, 3);
  assert.match(due.out, /short/);
  assert.doesNotMatch(due.out, /dropped|forever/);
  const dueJson = JSON.parse(expiring(store, "30d", true).out) as Expiring;
  assert.equal(dueJson.due, true);
  assert.deepEqual(
    dueJson.certificates.map((entry) => entry.name),
    ["short"],
  );

  // Renewed, the name is no longer due (the older certificate is not what the name stands for).
  nutcaOk(store, ["renew", "short", "--not-after", "1y"]);
  assert.equal(expiring(store, "30d").code, 0);

  // A CRL with a short nextUpdate is due like a certificate.
  nutcaOk(store, ["crl", "--next-update", "14d"]);
  const crl = expiring(store, "30d");
  assert.equal(crl.code, 3);
  assert.match(crl.out, /\(CRL\)/);
  assert.match(crl.out, /nutca crl/);
  const crlJson = JSON.parse(expiring(store, "30d", true).out) as Expiring;
  assert.deepEqual([crlJson.certificates, crlJson.crl?.due], [[], true]);
  assert.equal(expiring(store, "7d").code, 0);
  nutcaOk(store, ["crl", "--next-update", "never"]);
  assert.equal(expiring(store, "30d").code, 0);
});

test("list --expiring counts the CA itself, and refuses a window it cannot read", () => {
  const { store } = makeStore(["--not-after", "60d"]);
  assert.equal(expiring(store, "30d").code, 0);
  const due = expiring(store, "90d");
  assert.equal(due.code, 3);
  assert.match(due.out, /ca\s+ca/);
  assertRefused(store, ["list", "--expiring", "soon"], /cannot read the window "soon"/);
  assertRefused(store, ["list", "--expiring", "0d"], /cannot read/);
});
