// entriesNamed folds only a name's records and the revocations: for every name of a ledger that
// renewals, a rekey, revocations and a re-issue over a revoked name have shaped, it must give exactly
// what the whole fold gives for that name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CaStore } from "../../src/store/store.js";
import { makeStore, nutcaOk } from "../lifecycle/support.js";

test("entriesNamed(name) equals the whole fold's entries of that name", () => {
  const { store } = makeStore();
  const steps = [
    ["issue", "client", "a"],
    ["issue", "server", "b.example.net"],
    ["renew", "a"],
    ["renew", "a", "--rekey"],
    ["revoke", "b.example.net", "--reason", "keyCompromise"],
    ["issue", "server", "b.example.net"],
    ["issue", "client", "c"],
    ["revoke", "a"],
  ];
  for (const args of steps) nutcaOk(store, args);
  const ca = new CaStore(store);
  const now = new Date();
  const all = ca.entries(now);
  for (const name of ["a", "b.example.net", "c", "ca", "nobody"]) {
    assert.deepEqual(
      ca.entriesNamed(name, now),
      all.filter((entry) => entry.name === name),
      name,
    );
  }
  // The ledger above does exercise what the fold tracks across records.
  const a = all.filter((entry) => entry.name === "a");
  assert.equal(a.length, 3);
  assert.ok(a.some((entry) => entry.renewedBy !== undefined));
  assert.ok(a.some((entry) => entry.status === "revoked"));
  assert.ok(all.some((entry) => entry.name === "b.example.net" && entry.files.key === undefined));
});
