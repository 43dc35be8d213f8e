// Regression: a PKCS#12 whose key bag decrypts to bytes that are no key (found by
// test/fuzz/objects.test.ts) crashed readPkcs12 with OpenSSL's "DECODER routines::unsupported".
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NutcaError } from "../../src/errors.js";
import { readPkcs12 } from "../../src/pki/p12-read.js";
import { REPO_ROOT } from "../helpers/cli.js";

test("a key bag that decrypts to no key is BAD_FILE, not a crash", async () => {
  const damaged = new Uint8Array(readFileSync(join(REPO_ROOT, "test/p12/damaged-key-bag.p12")));
  await assert.rejects(readPkcs12(damaged, "x"), (error: unknown) => {
    assert.ok(error instanceof NutcaError, String(error));
    assert.equal(error.code, "BAD_FILE");
    assert.match(error.message, /key cannot be read/);
    return true;
  });
});
