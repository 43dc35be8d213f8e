// A batch issuance killed with SIGKILL at 20 moments: half at random, half
// frozen (SIGSTOP) the moment the ledger shows a random number of its
// certificates committed, so kills between two commits happen every run (and
// the test says so). After each kill the store passes doctor and disk and
// ledger agree; a re-run completes the batch and leaves the store clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { issueBatch } from "../../src/cli/commands/issue-batch.js";
import { NUTCA_BIN, tempDir } from "../helpers/cli.js";
import { testContext } from "../inspect/support.js";
import { requireTool } from "../helpers/tools.js";
import { assertDiskMatchesLedger, assertDoctor, csvManifest, fastStore, leaves, verifyAll } from "./support.js";

const KILLS = 20;
const BATCH = 8;

/**
 * Starts the batch and, when `when` resolves, stops it with SIGSTOP (so it
 * commits nothing more) and SIGKILLs it, if it is still running.
 */
function runAndKill(store: string, manifest: string, when: (stop: () => boolean) => Promise<void>) {
  const started = Date.now();
  const child = spawn(process.execPath, [NUTCA_BIN, "--store", store, "issue", "--from", manifest], {
    stdio: "ignore",
    env: { PATH: process.env.PATH, NUTCA_CONFIG_DIR: join(store, "..", "config") },
  });
  let exited = false;
  const exit = new Promise<{ ms: number; killed: boolean }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      exited = true;
      resolve({ ms: Date.now() - started, killed: signal === "SIGKILL" });
    });
  });
  void when(() => exited).then(() => {
    if (exited) return;
    child.kill("SIGSTOP");
    child.kill("SIGKILL");
  });
  return exit;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls (without a timer's delay: a group commits in a few milliseconds) until
 * the ledger holds `count` of the batch's certificates.
 */
async function untilCommitted(store: string, count: number, stop: () => boolean): Promise<void> {
  while (!stop() && leafLines(store) < count) await new Promise((resolve) => setImmediate(resolve));
}

function leafLines(store: string): number {
  try {
    return readFileSync(join(store, "ledger.jsonl"), "utf8").split("\n").length - 2;
  } catch {
    return 0;
  }
}

test(`a batch killed at ${KILLS} random moments stays consistent and completes on a re-run`, async (t) => {
  const dir = tempDir();
  const template = await fastStore(dir);
  const manifest = csvManifest(dir, BATCH, "k");
  // The batch's typical duration, process start-up included: the window the kills fall in.
  const calibration = join(dir, "calibration", "store");
  cpSync(template, calibration, { recursive: true });
  const typical = (await runAndKill(calibration, manifest, () => new Promise<void>(() => undefined))).ms;
  assert.equal(leaves(calibration).length, BATCH);

  let killedMidBatch = 0;
  for (let i = 0; i < KILLS; i++) {
    const store = join(dir, `run${i}`, "store");
    cpSync(template, store, { recursive: true });
    // Half the kills at a random moment of the run, half once 1 to BATCH-1 certificates are committed.
    const target = 1 + Math.floor(Math.random() * (BATCH - 1));
    const { killed } = await runAndKill(store, manifest, (stop) =>
      i % 2 === 0 ? sleep(Math.random() * typical) : untilCommitted(store, target, stop),
    );
    const committed = leaves(store).length;
    if (killed && committed > 0 && committed < BATCH) killedMidBatch++;

    await assertDoctor(store, true);
    assertDiskMatchesLedger(store);

    const rerun = await issueBatch({ from: manifest }, testContext(store));
    const data = rerun.data as { issued: unknown[]; skipped: unknown[] };
    assert.equal(data.issued.length + data.skipped.length, BATCH);
    const names = leaves(store).map((record) => record.name);
    assert.deepEqual([...names].sort(), Array.from({ length: BATCH }, (_, n) => `k${n}`).sort(), `run ${i}`);
    await assertDoctor(store);
  }
  t.diagnostic(`typical batch ${typical} ms; ${killedMidBatch} of ${KILLS} kills landed between two commits`);
  assert.ok(killedMidBatch >= 1, "at least one kill landed between two commits of the batch");
  if (!requireTool(t, "openssl")) return;
  assert.equal(verifyAll(join(dir, `run${KILLS - 1}`, "store")), BATCH);
});
