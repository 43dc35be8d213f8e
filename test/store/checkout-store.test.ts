// The checked-in ./ca-store of a checkout holds a README.md and a .gitignore
// and nothing else: that is an empty store. init makes the CA in it and keeps
// both files as they are; the wizard calls it empty; doctor does not count
// the two public files against the store's modes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeStore } from "../../src/cli/wizard/store.js";
import { REPO_ROOT, runNutca, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";

const CHECKOUT_FILES = ["README.md", ".gitignore"];

/** A copy of the repository's ca-store/ as git checks it out. */
function checkoutStore(): string {
  const dir = join(tempDir(), "ca-store");
  mkdirSync(dir);
  for (const name of CHECKOUT_FILES) copyFileSync(join(REPO_ROOT, "ca-store", name), join(dir, name));
  return dir;
}

function wizardSays(dir: string): string[] {
  return describeStore({ dir, source: "default", servers: [], clients: [], names: new Set() });
}

test("nutca init into a directory holding only README.md and .gitignore works and keeps them", async () => {
  const store = checkoutStore();
  const before = snapshotDir(store);
  assert.deepEqual(wizardSays(store), [`Store: ${store} (the default)`, "  empty: no CA yet"]);

  await runNutcaOk(["init", "--no-passphrase"], { store });
  const after = snapshotDir(store);
  for (const name of CHECKOUT_FILES) assert.equal(after.get(name), before.get(name), `${name} is kept as it was`);
  assert.ok(readdirSync(store).includes("nutca-store.json"));

  await runNutcaOk(["issue", "client", "monitor1"], { store });
  const doctor = await runNutca(["doctor"], { store });
  assert.equal(doctor.code, 0, doctor.stdout);
  assert.doesNotMatch(doctor.stdout, /README|gitignore/);
});

test("a directory with anything else in it is still not empty: the wizard says so and init refuses it", async () => {
  const store = checkoutStore();
  writeFileSync(join(store, "notes.txt"), "mine\n");
  assert.deepEqual(wizardSays(store), [
    `Store: ${store} (the default)`,
    "  no CA in it yet (the directory is not empty)",
  ]);
  const before = snapshotDir(store);
  const result = await runNutca(["init", "--no-passphrase"], { store });
  assert.equal(
    result.stderr,
    `nutca: ${store} is not empty (it holds notes.txt) and is not a nutca store — pass --store with a new or empty directory\n`,
  );
  assert.equal(result.code, 2);
  assert.deepEqual(snapshotDir(store), before);
});
