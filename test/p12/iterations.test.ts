// A PKCS#12 whose key derivations ask for 8,388,608 iterations or more was reported as "the password is wrong":
// asn1js reads an INTEGER of 4 octets as 0. The count is read right, and the work a file may ask for is capped.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PFX } from "@peculiar/asn1-pfx";
import { AsnConvert } from "@peculiar/asn1-schema";
import { runNutca, tempDir } from "../helpers/cli.js";
import { runOk } from "../helpers/tools.js";

const work = tempDir("nutca-p12-iter-");
const password = join(work, "password.txt");
const key = join(work, "host.key");
const certificate = join(work, "host.crt");

/** `openssl pkcs12 -export` of one key and certificate with this many iterations (key bag and MAC). */
function exportWith(iterations: number, name: string): string {
  const out = join(work, name);
  runOk(
    "openssl",
    [
      "pkcs12",
      "-export",
      "-iter",
      String(iterations),
      "-certpbe",
      "NONE",
      "-inkey",
      key,
      "-in",
      certificate,
      "-passout",
      "file:" + password,
      "-out",
      out,
    ],
    { timeoutMs: 600_000 },
  );
  return out;
}

before(() => {
  writeFileSync(password, "a p12 password\n");
  runOk("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    key,
    "-subj",
    "/CN=ups1.example.net",
    "-days",
    "30",
    "-out",
    certificate,
  ]);
});

test("openssl -iter 8388608: the right password opens it, the count is shown as written", async () => {
  const file = exportWith(8_388_608, "big.p12");
  const result = await runNutca(["inspect", file, "--p12-password-file", password], { timeoutMs: 600_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /protection: MAC SHA-256, 8388608 iterations/);
  assert.match(result.stdout, /protection: key: PBES2 \(PBKDF2-HMAC-SHA256, 8388608 iterations, AES-256-CBC\)/);
  assert.match(result.stdout, /CN=ups1\.example\.net/);
});

test("a file asking for more than 10,000,000 iterations is refused unread, naming the count and the cap", async () => {
  const small = AsnConvert.parse(readFileSync(exportWith(2048, "small.p12")), PFX);
  small.macData!.iterations = 10_000_001;
  const file = join(work, "greedy.p12");
  writeFileSync(file, new Uint8Array(AsnConvert.serialize(small)));
  const started = Date.now();
  const result = await runNutca(["inspect", file, "--p12-password-file", password]);
  assert.equal(result.code, 2, result.stderr);
  assert.equal(
    result.stderr,
    "nutca: the PKCS#12 file asks for 10,000,001 iterations of its key derivation; nutca does at most 10,000,000" +
      " — export it again with fewer (openssl pkcs12 -export -iter 100000, or nutca export p12)\n",
  );
  assert.ok(Date.now() - started < 5_000, "refused before any key derivation");
});
