// A batch issuance killed with SIGKILL at 20 random moments: after each kill
// the store passes doctor and disk and ledger agree; a re-run completes it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { issueBatch } from "../../src/cli/commands/issue-batch.js";
import { NUTCA_BIN, tempDir } from "../helpers/cli.js";
import { testContext } from "../inspect/support.js";
import { requireTool } from "../helpers/tools.js";
import { assertDiskMatchesLedger, assertDoctor, csvManifest, fastStore, leaves, verifyAll } from "./support.js";

const KILLS = 20;
const BATCH = 8;

/**
 * Starts the batch and SIGKILLs it (if still running) when `when` resolves:
 * after a random delay, or at a random point of the commit phase.
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
  void when(() => exited).then(() => child.kill("SIGKILL"));
  return exit;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (polling) until the batch holds the lock and has committed `count` certificates, then 0-3 ms more. */
async function commitPhase(store: string, count: number, stop: () => boolean): Promise<void> {
  while (!stop()) {
    if (existsSync(join(store, "store.lock")) && leafLines(store) >= count) break;
    await sleep(0);
  }
  await sleep(Math.random() * 3);
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
    // Half the kills at a random moment of the run, half at a random moment of its (short) commit phase.
    const target = Math.floor(Math.random() * BATCH);
    const { killed } = await runAndKill(store, manifest, (stop) =>
      i % 2 === 0 ? sleep(Math.random() * typical) : commitPhase(store, target, stop),
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
  if (!requireTool(t, "openssl")) return;
  assert.equal(verifyAll(join(dir, `run${KILLS - 1}`, "store")), BATCH);
});
