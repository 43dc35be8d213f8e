// A full disk during a batch: a clear one-line error, no partial files, the
// ledger intact, and a re-run with space completes the batch. The store sits
// on a real 128 KiB tmpfs (root only; skipped, visibly, elsewhere).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";
import { requireTool } from "../helpers/tools.js";
import { assertDiskMatchesLedger, assertDoctor, csvManifest, leaves, verifyAll } from "./support.js";

const BATCH = 40;

test("a full disk during a batch leaves the store consistent", async (t) => {
  const dir = tempDir();
  const mountPoint = join(dir, "small");
  mkdirSync(mountPoint);
  const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=128k,mode=0700", "tmpfs", mountPoint], {
    encoding: "utf8",
  });
  if (mount.status !== 0) {
    t.skip(`cannot mount a tmpfs (needs root): ${(mount.stderr ?? "").trim()}`);
    return;
  }
  try {
    const store = join(mountPoint, "store");
    await runNutcaOk(["init", "--no-passphrase"], { store });
    const manifest = csvManifest(dir, BATCH, "d");

    const full = await runNutca(["issue", "--from", manifest], { store });
    assert.equal(full.code, 1, full.stdout + full.stderr);
    assert.match(
      full.stderr,
      /^nutca: no space left on the device( \S+)? — free some space and run the command again\n$/,
    );
    const committed = leaves(store).length;
    t.diagnostic(`${committed} of ${BATCH} certificates fitted`);
    assert.ok(committed < BATCH, "the disk filled up before the end of the batch");

    // The ledger: whole lines only; no staging, temp or lock file left; doctor finds nothing.
    const ledger = readFileSync(join(store, "ledger.jsonl"), "utf8");
    assert.ok(ledger.endsWith("\n"), "no torn ledger line");
    for (const line of ledger.trimEnd().split("\n")) JSON.parse(line);
    assert.deepEqual(existsSync(join(store, "staging")) ? readdirSync(join(store, "staging")) : [], []);
    const stray = spawnSync("find", [store, "-name", ".nutca-tmp-*", "-o", "-name", "store.lock*"], {
      encoding: "utf8",
    });
    assert.equal(stray.stdout, "", "no temp or lock file");
    assertDiskMatchesLedger(store);
    await assertDoctor(store);

    // With space again, the same manifest completes the batch.
    assert.equal(spawnSync("mount", ["-o", "remount,size=4m", mountPoint]).status, 0);
    await runNutcaOk(["issue", "--from", manifest], { store });
    assert.equal(leaves(store).length, BATCH);
    await assertDoctor(store);
    if (requireTool(t, "openssl")) assert.equal(verifyAll(store), BATCH);
  } finally {
    spawnSync("umount", [mountPoint]);
  }
});
