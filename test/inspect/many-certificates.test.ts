// inspect is linear in the number of certificates: 600 leaves of a CA that is
// not in the file, plus the system CA bundle when there is one, none of them
// issued by another, are reported whole well within a timeout that the pairwise
// matching it replaced (every certificate checked against every other, each
// pair parsed anew: about 77 s for 500) could not meet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair } from "../../src/pki/keys.js";
import { runNutcaJson, tempDir } from "../helpers/cli.js";
import { makeCa, makeCertificate, pem } from "./fixtures.js";

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const LEAVES = 600;

test(`${LEAVES} leaves and a system CA bundle are inspected, each certificate an item`, async () => {
  const ca = await makeCa("Absent CA");
  const keys = await generateKeyPair("ec-p256");
  const leaves: string[] = [];
  for (let index = 0; index < LEAVES; index++) {
    const { certificate } = await makeCertificate(ca, { cn: `leaf${index}`, dns: [`leaf${index}.example`], keys });
    leaves.push(pem(certificate));
  }
  const system = existsSync(SYSTEM_BUNDLE) ? readFileSync(SYSTEM_BUNDLE, "utf8") : "";
  const roots = system.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  const file = join(tempDir("nutca-inspect-many-"), "bundle.pem");
  writeFileSync(file, leaves.join("") + system);
  const report = await runNutcaJson<{ items: { type: string; store: string }[] }>(["inspect", file], {
    store: join(file, "..", "no-store"),
    timeoutMs: 120_000,
  });
  assert.equal(report.items.length, LEAVES + roots);
  assert.ok(report.items.every((item) => item.type === "certificate"));
});
