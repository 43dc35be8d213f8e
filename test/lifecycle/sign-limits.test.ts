// What `sign` refuses in a request, `inspect` reports with the same words (one rule, pki/csr.ts): too many names
// (a request with thousands of them was called "not a certificate request"), and a key nutca does not issue (an
// RSA key of a size outside 2048/3072/4096, an EC key off P-256/P-384), which inspect called "No problems found".
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaJson, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";
import { runOk } from "../helpers/tools.js";

const work = tempDir("nutca-sign-limits-");
const store = join(work, "store");

interface InspectReport {
  items: { type: string; findings: { code: string; message: string; fix: string }[] }[];
}

/** A request made by openssl req, with `names` DNS SANs. */
function request(name: string, keyArgs: readonly string[], names: number): string {
  const config = join(work, `${name}.cnf`);
  const alt = Array.from({ length: names }, (_, i) => `DNS.${i} = h${i}.example.net`);
  writeFileSync(
    config,
    [
      "[req]",
      "distinguished_name = dn",
      "prompt = no",
      ...(names > 0 ? ["req_extensions = ext"] : []),
      "[dn]",
      `CN = ${name}`,
      ...(names > 0 ? ["[ext]", "subjectAltName = @alt", "[alt]", ...alt] : []),
    ].join("\n") + "\n",
  );
  const out = join(work, `${name}.csr.pem`);
  runOk("openssl", [
    "req",
    "-new",
    ...keyArgs,
    "-nodes",
    "-keyout",
    join(work, `${name}.key`),
    "-config",
    config,
    "-out",
    out,
  ]);
  return out;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

before(async () => {
  await runNutcaOk(["init", "--no-passphrase"], { store });
});

const refused: { title: string; make: () => string; line: RegExp }[] = [
  {
    title: "101 names",
    make: () => request("many", EC, 101),
    line: /^101 names asked for: a certificate carries at most 100 — make the request with fewer names/,
  },
  {
    title: "5000 names",
    make: () => request("thousands", EC, 5000),
    line: /^5000 names asked for: a certificate carries at most 100/,
  },
  {
    title: "an RSA 3584 key",
    make: () => request("rsa3584", ["-newkey", "rsa:3584"], 1),
    line: /^unsupported key \(RSA 3584 bits\) — use one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096\n$/,
  },
  {
    title: "an EC P-521 key",
    make: () => request("p521", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"], 1),
    line: /^unsupported key \(EC, on a curve other than P-256 and P-384\)/,
  },
];

for (const { title, make, line } of refused) {
  describe(`a request with ${title}`, () => {
    let csr: string;
    before(() => {
      csr = make();
    });

    test("sign: exit 2, one line saying why, store unchanged", async () => {
      const before = snapshotDir(store);
      const result = await runNutca(["sign", csr, "--profile", "client", "--name", "host"], { store });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stderr.split("\n").length, 2, result.stderr);
      assert.match(result.stderr.replace(/^nutca: /, ""), line);
      assert.deepEqual(snapshotDir(store), before);
    });

    test("inspect: a finding with sign's own reason", async () => {
      const report = await runNutcaJson<InspectReport>(["inspect", csr], { store });
      const finding = report.items[0]!.findings.find((candidate) => candidate.code === "sign-refuses");
      assert.ok(finding, JSON.stringify(report.items[0]));
      const signed = await runNutca(["sign", csr, "--profile", "client", "--name", "host"], { store });
      const [what, fix] = signed.stderr
        .trim()
        .replace(/^nutca: /, "")
        .split(" — ");
      assert.equal(finding.message, `nutca sign refuses it: ${what}`);
      assert.equal(finding.fix, fix);
    });
  });
}

test("a request with 100 names is signed, and inspect finds nothing sign refuses", async () => {
  const csr = request("hundred", EC, 100);
  const report = await runNutcaJson<InspectReport>(["inspect", csr], { store });
  assert.equal(report.items[0]!.findings.filter((finding) => finding.code === "sign-refuses").length, 0);
  const signed = await runNutcaJson<{ dns: string[] }>(["sign", csr, "--profile", "server"], { store });
  assert.equal(signed.dns.length, 100);
});

test("issue with 101 --dns names: the same limit, exit 2, store unchanged", async () => {
  const before = snapshotDir(store);
  const names = Array.from({ length: 101 }, (_, i) => ["--dns", `n${i}.example.net`]).flat();
  const result = await runNutca(["issue", "server", "wide", ...names], { store });
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /^nutca: 101 names asked for: a certificate carries at most 100 — give at most that many/,
  );
  assert.deepEqual(snapshotDir(store), before);
});
