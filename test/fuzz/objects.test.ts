// Signing requests and whatever inspect is pointed at, made by openssl and damaged: a report or a one-line
// NutcaError, never another exception.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { inspect } from "../../src/cli/commands/inspect.js";
import { inspectItems } from "../../src/cli/commands/inspect-report.js";
import type { Context } from "../../src/cli/context.js";
import { renderJson } from "../../src/cli/output.js";
import { decodeCsr, readSigningRequest } from "../../src/pki/csr.js";
import { KEY_TYPES } from "../../src/pki/keys.js";
import { decodeObjects } from "../../src/pki/objects.js";
import { readPkcs12 } from "../../src/pki/p12-read.js";
import { NOW, work, acceptOrReject, acceptOrRejectSync, Input, toBytes, Seeds, seedsOrSkip } from "./support.js";
import { damagedKeyInfo, damagedBytes, repemmed, damagedText, randomPem, concatenated } from "./damage.js";

// ---------------------------------------------------------------- 2. signing requests

test("decodeCsr and readSigningRequest: damaged and random requests", async (t) => {
  const s = await seedsOrSkip(t);
  if (!s) return;
  const input: fc.Arbitrary<Input> = fc.oneof(
    { weight: 3, arbitrary: damagedText(s.csrTexts) },
    { weight: 3, arbitrary: damagedBytes(s.csrDers) },
    { weight: 2, arbitrary: damagedKeyInfo(s.csrDers) },
    {
      weight: 2,
      arbitrary: repemmed(s.csrDers.map((der) => ({ label: "CERTIFICATE REQUEST", der }))),
    },
    { weight: 1, arbitrary: concatenated(fc.oneof(fc.constantFrom(...s.csrTexts, ...s.pems), randomPem)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
    { weight: 1, arbitrary: randomPem },
  );
  await fc.assert(
    fc.asyncProperty(input, async (input) => {
      const bytes = toBytes(input);
      acceptOrRejectSync(() => decodeCsr(bytes));
      const request = await acceptOrReject(() => readSigningRequest(bytes, "req.pem"));
      if (request) {
        assert.ok(KEY_TYPES.includes(request.keyType), request.keyType);
        assert.ok(request.commonName === undefined || typeof request.commonName === "string");
      }
    }),
    { numRuns: 1000, includeErrorInReport: true },
  );
});

// ---------------------------------------------------------------- 3. inspect

const KINDS = ["certificate", "csr", "crl", "private-key", "encrypted-key", "public-key", "pkcs12", "unknown"];

function inspectInput(s: Seeds): fc.Arbitrary<Input> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: damagedText(s.pems) },
    { weight: 3, arbitrary: repemmed(s.ders) },
    { weight: 1, arbitrary: fc.constantFrom(...s.pems) },
    { weight: 1, arbitrary: randomPem },
  );
  return fc.oneof(
    { weight: 3, arbitrary: piece },
    { weight: 2, arbitrary: concatenated(piece) },
    { weight: 3, arbitrary: damagedBytes(s.ders.map(({ der }) => der)) },
    { weight: 1, arbitrary: damagedKeyInfo([...s.certificateDers, ...s.csrDers]) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  );
}

test("decodeObjects and the inspect report: damaged certificates, keys, CRLs, CSRs and PKCS#12", async (t) => {
  const s = await seedsOrSkip(t);
  if (!s) return;
  await fc.assert(
    fc.asyncProperty(inspectInput(s), async (input) => {
      const objects = acceptOrRejectSync(() => decodeObjects(toBytes(input)));
      if (!objects) return;
      for (const object of objects) {
        assert.ok(KINDS.includes(object.kind), object.kind);
        if (object.kind === "unknown") assert.ok(!/[\r\n]/.test(object.reason), `reason ${object.reason}`);
      }
      const report = await acceptOrReject(() =>
        inspectItems(
          objects.map((object) => ({ object })),
          undefined,
          NOW,
        ),
      );
      if (report) renderJson(report);
    }),
    { numRuns: 1000, includeErrorInReport: true },
  );
});

test("readPkcs12 (inspect's PKCS#12 reader): damaged and random files, right and wrong password", async (t) => {
  const s = await seedsOrSkip(t);
  if (!s) return;
  const input = fc.oneof(
    { weight: 4, arbitrary: damagedBytes([s.p12]) },
    { weight: 1, arbitrary: damagedBytes(s.ders.map(({ der }) => der)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
  await fc.assert(
    fc.asyncProperty(input, fc.constantFrom("x", "", "wrong"), async (der, password) => {
      await acceptOrReject(() => readPkcs12(der, password));
    }),
    { numRuns: 300, includeErrorInReport: true },
  );
});

test("nutca inspect end to end (no store, no TTY): report or a one-line error", async (t) => {
  const s = await seedsOrSkip(t);
  if (!s) return;
  const dir = join(work, "inspect");
  const storeDir = join(dir, "no-store");
  mkdirSync(storeDir, { recursive: true });
  const file = join(dir, "input");
  const warnings: string[] = [];
  const context: Context = {
    storeDir,
    json: false,
    interactive: false,
    env: { NUTCA_P12_PASSWORD: "x" },
    now: NOW,
    warn: (line) => warnings.push(line),
  };
  const input = fc.oneof(
    { weight: 4, arbitrary: inspectInput(s) },
    { weight: 1, arbitrary: damagedBytes([s.p12]) },
    { weight: 1, arbitrary: fc.constant(s.p12) },
  );
  await fc.assert(
    fc.asyncProperty(input, async (input) => {
      writeFileSync(file, toBytes(input));
      const result = await acceptOrReject(() => inspect(file, {}, context));
      if (result) {
        assert.equal(typeof result.human, "string");
        renderJson(result.data);
      }
    }),
    { numRuns: 300, includeErrorInReport: true },
  );
});
