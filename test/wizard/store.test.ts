// Step 1: where the store is (flag, NUTCA_STORE, saved preference, ./ca-store)
// and what is in it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chooseStore } from "../../src/cli/wizard/store.js";
import { makeStore, scratch, testEnv } from "./fixtures.js";
import { KEY, Terminal } from "./terminal.js";

const NOW = new Date();

test("--store is used as given, and an empty store says so", async () => {
  const dir = join(scratch(), "store");
  const term = new Terminal();
  const state = await chooseStore(term.io, dir, testEnv(scratch()), NOW);
  assert.equal(state.dir, dir);
  assert.equal(state.meta, undefined);
  assert.match(term.text, new RegExp(`Store: ${dir} \\(from --store\\)\\n  empty: no CA yet`));
});

test("the saved preference is the default of the store question, and can be changed", async () => {
  const config = scratch();
  const saved = join(scratch(), "saved-store");
  writeFileSync(join(config, "config.json"), JSON.stringify({ storeDir: saved }));
  const term = new Terminal();
  const state = term.watch(chooseStore(term.io, undefined, testEnv(config), NOW));
  await term.answer(`CA store directory (your saved preference, see nutca config): (${saved})`, KEY.enter);
  assert.equal((await state).dir, saved);

  const other = join(scratch(), "other");
  const again = new Terminal();
  const changed = again.watch(chooseStore(again.io, undefined, testEnv(config), NOW));
  await again.answer("CA store directory", other + KEY.enter);
  assert.equal((await changed).dir, other);
});

test("NUTCA_STORE wins over the saved preference and asks nothing", async () => {
  const config = scratch();
  writeFileSync(join(config, "config.json"), JSON.stringify({ storeDir: "/nowhere" }));
  const dir = join(scratch(), "env-store");
  const term = new Terminal();
  const state = await chooseStore(term.io, undefined, { ...testEnv(config), NUTCA_STORE: dir }, NOW);
  assert.equal(state.dir, dir);
  assert.match(term.text, /from NUTCA_STORE/);
});

test("a store with a CA: its name, key, expiry, servers with their names, clients", async () => {
  const dir = join(scratch(), "store");
  const env = testEnv(scratch());
  await makeStore(dir, env);
  const term = new Terminal();
  const state = await chooseStore(term.io, dir, env, NOW);
  assert.equal(state.meta?.ca.name, "Test CA");
  assert.deepEqual([...state.names].sort(), ["mon1", "ups1"]);
  assert.match(term.text, /CA: {6}"Test CA" \(ec-p256, key encrypted, expires never \(9999-12-31T23:59:59Z\)\)/);
  assert.match(term.text, /servers: ups1 \(ups1\.example\.net ups\.example\.net 192\.168\.1\.10\)/);
  assert.match(term.text, /clients: mon1/);
});
