// A store the user may not read (root's 0700 store, nutca run as another
// user) is reported as "permission denied", naming the path in the way and
// its owner, exit 1; never as "there is no CA" or a corrupt file. The store
// is left byte for byte as it was.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { NUTCA_BIN, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";

const AS_NOBODY = ["--reuid=nobody", "--regid=nogroup", "--clear-groups"];

/** Runs nutca as the user nobody (the tests run as root). */
function nutcaAsNobody(store: string, args: readonly string[]) {
  const result = spawnSync("setpriv", [...AS_NOBODY, process.execPath, NUTCA_BIN, "--store", store, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: "/nonexistent" },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function asRoot(t: TestContext): boolean {
  if (process.getuid?.() === 0) return true;
  t.skip("needs root, to run nutca as another user");
  return false;
}

/** A store made by root in a directory anyone may enter. */
async function rootStore(): Promise<string> {
  const parent = tempDir();
  chmodSync(parent, 0o755);
  const store = join(parent, "store");
  await runNutcaOk(["init", "--no-passphrase"], { store });
  return store;
}

function denied(path: string, mode: string): string {
  return `nutca: permission denied: ${path} belongs to root (uid 0), mode ${mode} — run nutca as root, or pass --store with a store of your own\n`;
}

function assertDenied(store: string, args: readonly string[], stderr: string): void {
  const before = snapshotDir(store);
  const result = nutcaAsNobody(store, args);
  assert.equal(result.stderr, stderr, args.join(" "));
  assert.equal(result.code, 1, args.join(" "));
  assert.equal(result.stdout, "", args.join(" "));
  assert.deepEqual(snapshotDir(store), before, `${args.join(" ")} left the store unchanged`);
}

test("a root-owned 0700 store, used by another user, is permission denied, not 'no CA'", async (t) => {
  if (!asRoot(t)) return;
  const store = await rootStore();
  for (const args of [["list"], ["issue", "client", "x"], ["doctor"], ["init", "--no-passphrase"], ["show", "ca"]]) {
    assertDenied(store, args, denied(store, "0700"));
  }
  const json = nutcaAsNobody(store, ["--json", "list"]);
  assert.equal(json.code, 1);
  assert.equal((JSON.parse(json.stderr) as { error: { code: string } }).error.code, "IO");
});

test("a store file the user may not read is permission denied, not a corrupt store", async (t) => {
  if (!asRoot(t)) return;
  const store = await rootStore();
  chmodSync(store, 0o755);
  assertDenied(store, ["list"], denied(join(store, "nutca-store.json"), "0600"));
  chmodSync(join(store, "nutca-store.json"), 0o644);
  assertDenied(store, ["list"], denied(join(store, "ledger.jsonl"), "0600"));
  chmodSync(join(store, "ledger.jsonl"), 0o644);
  assertDenied(store, ["show", "ca"], denied(join(store, "ca.crt.pem"), "0600"));
  chmodSync(join(store, "ca.crt.pem"), 0o644);
  assertDenied(store, ["issue", "client", "x"], denied(join(store, "private"), "0700"));
  chmodSync(join(store, "private"), 0o755);
  assertDenied(store, ["issue", "client", "x"], denied(join(store, "private", "ca.key.pem"), "0600"));
  chmodSync(join(store, "private", "ca.key.pem"), 0o644);
  // Everything readable, but not the user's to change: the lock cannot be made.
  assertDenied(store, ["issue", "client", "x"], denied(store, "0755"));
});
