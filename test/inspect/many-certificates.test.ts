// inspect is linear in the number of certificates: the system CA bundle seven
// times over (about a thousand certificates, every one with six namesakes that
// verify as its issuer) is reported whole well within a timeout that the
// pairwise matching it replaced (hours for this input) could not meet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaJson, tempDir } from "../helpers/cli.js";

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

test("a thousand certificates are inspected, each one an item", { skip: !existsSync(SYSTEM_BUNDLE) }, async () => {
  const once = readFileSync(SYSTEM_BUNDLE, "utf8");
  const count = once.match(/-----BEGIN CERTIFICATE-----/g)!.length;
  const file = join(tempDir("nutca-inspect-many-"), "bundle.pem");
  writeFileSync(file, once.repeat(7));
  const report = await runNutcaJson<{ items: { type: string }[] }>(["inspect", file], {
    store: join(file, "..", "no-store"),
    timeoutMs: 120_000,
  });
  assert.equal(report.items.length, count * 7);
  assert.ok(report.items.every((item) => item.type === "certificate"));
});
