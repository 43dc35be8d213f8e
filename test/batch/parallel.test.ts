// Eight batch processes of 25 certificates each on one store at once: the lock
// serializes their commits, and every certificate lands exactly once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runNutca, tempDir } from "../helpers/cli.js";
import { requireTool } from "../helpers/tools.js";
import { assertDiskMatchesLedger, assertDoctor, csvManifest, fastStore, leaves, verifyAll } from "./support.js";

const PROCESSES = 8;
const EACH = 25;

test(`${PROCESSES} processes issuing ${EACH} certificates each in parallel`, async (t) => {
  const dir = tempDir();
  const store = await fastStore(dir);
  const manifests = Array.from({ length: PROCESSES }, (_, p) => csvManifest(dir, EACH, `p${p}-`, `m${p}.csv`));
  const results = await Promise.all(
    manifests.map((manifest) =>
      runNutca(["issue", "--from", manifest], { store, env: { NUTCA_LOCK_TIMEOUT_MS: "60000" }, timeoutMs: 90_000 }),
    ),
  );
  for (const result of results) {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Issued ${EACH} certificate`));
  }
  const records = leaves(store);
  assert.equal(records.length, PROCESSES * EACH, "one ledger entry per certificate");
  assert.equal(new Set(records.map((r) => r.serial)).size, PROCESSES * EACH, "distinct serials");
  assert.equal(new Set(records.map((r) => r.name)).size, PROCESSES * EACH, "distinct names");
  assertDiskMatchesLedger(store);
  await assertDoctor(store);
  if (!requireTool(t, "openssl")) return;
  assert.equal(verifyAll(store), PROCESSES * EACH);
});
