// `nutca inspect`: summaries, the store relation, lint, no secrets, bad input.
// The command function runs in-process; the CLI runs where exit codes and stderr matter.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { engine } from "../../src/pki/engine.js";
import { join } from "node:path";
import { inspect } from "../../src/cli/commands/inspect.js";
import { revoke } from "../../src/cli/commands/revoke.js";
import { exportBundle } from "../../src/cli/commands/export.js";
import { p12Target } from "../../src/cli/targets/p12.js";
import { upsdTarget } from "../../src/cli/targets/upsd.js";
import { x509 } from "../../src/pki/x509.js";
import { runNutca, snapshotDir, tempDir } from "../helpers/cli.js";
import { damageCurveOid } from "./fixtures.js";
import { dataOf, makeStore, testContext } from "./support.js";

let dir: string;
let store: string;
let other: string;

interface Report {
  format: string;
  items: { type: string; store?: string; findings: { code: string }[]; matches?: string; friendlyName?: string }[];
  findings: { code: string; severity: string; message: string }[];
}

before(async () => {
  dir = tempDir("nutca-inspect-");
  store = join(dir, "store");
  other = join(dir, "other");
  await makeStore(store, {
    servers: [{ name: "ups1", dns: ["ups1.example.net"], ip: ["192.0.2.10"] }],
    clients: ["mon1"],
  });
  await makeStore(other, { name: "Other CA", servers: [{ name: "ups1", dns: ["ups1.example.net"] }] });
});

async function run(file: string, env: NodeJS.ProcessEnv = {}, options = {}) {
  const result = await inspect(file, options, testContext(store, env));
  return { human: result.human, report: dataOf<Report>(result) };
}

test("a certificate of the store, through the CLI: summary, its ledger entry, no findings, store untouched", async () => {
  const before = snapshotDir(store);
  const result = await runNutca(["inspect", join(store, "issued/ups1.crt.pem")], { store });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Certificate: CN=ups1\.example\.net/);
  assert.match(result.stdout, /names: +ups1\.example\.net, IP:192\.0\.2\.10/);
  assert.match(result.stdout, /store: +issued by this store's CA: "ups1" \(server, valid\)/);
  assert.match(result.stdout, /No problems found\./);
  assert.deepEqual(snapshotDir(store), before);
});

test("DER reads like PEM; another CA's certificate is NOT issued by this store's CA", async () => {
  const der = join(dir, "ups1.der");
  const pem = readFileSync(join(store, "issued/ups1.crt.pem"), "utf8");
  writeFileSync(der, new Uint8Array(new x509.X509Certificate(pem).rawData));
  const { report } = await run(der);
  assert.equal(report.format, "DER");
  assert.deepEqual(report.items[0]!.findings, []);
  const foreign = await run(join(other, "issued/ups1.crt.pem"));
  assert.equal(foreign.report.items[0]!.store, "NOT issued by this store's CA");
});

test("a key is described by type and public-key hash, never printed", async () => {
  const keyFile = join(store, "private/ups1.key.pem");
  const { human } = await run(keyFile);
  assert.match(human, /Private key: EC P-256 \(not shown\)/);
  assert.match(human, /belongs to: +the key of "ups1" in the store/);
  for (const line of readFileSync(keyFile, "utf8").split("\n")) {
    if (line.length > 20 && !line.startsWith("-----")) assert.ok(!human.includes(line), "key material printed");
  }
});

test("file-level findings: leaf not first, key of another certificate", async () => {
  const leaf = readFileSync(join(store, "issued/ups1.crt.pem"), "utf8");
  const ca = readFileSync(join(store, "ca.crt.pem"), "utf8");
  const swapped = join(dir, "swapped.pem");
  writeFileSync(swapped, ca + leaf);
  assert.deepEqual(
    (await run(swapped)).report.findings.map((finding) => finding.code),
    ["leaf-not-first"],
  );
  const mismatched = join(dir, "mismatched.pem");
  writeFileSync(mismatched, leaf + readFileSync(join(store, "private/mon1.key.pem"), "utf8"));
  const { report } = await run(mismatched);
  assert.deepEqual(
    report.findings.map((finding) => finding.code),
    ["key-mismatch"],
  );
  assert.match(report.items[1]!.matches!, /"mon1" in the store/);
  // What such a file does to upsd, by version: 2.8.0's fail-open is not 2.8.6's abort.
  for (const finding of [...(await run(swapped)).report.findings, ...report.findings]) {
    assert.match(finding.message, /NUT 2\.8\.6 aborts .*2\.8\.0's NSS upsd would have served plaintext \(fail-open\)/);
  }
});

test("an upsd.pem with an encrypted key: a note that only NUT 2.8.6 reads it, with CERTIDENT", async () => {
  const out = join(dir, "upsd-encrypted");
  const options = { backend: "openssl", nutVersion: "2.8.6", encryptKey: true, out };
  await exportBundle(upsdTarget, [], { server: "ups1", ...options }, testContext(store));
  const { report } = await run(join(out, "upsd.pem"));
  assert.deepEqual(
    report.findings.map(({ severity, code }) => ({ severity, code })),
    [{ severity: "info", code: "encrypted-key" }],
  );
  assert.match(
    report.findings[0]!.message,
    /NUT 2\.8\.5 and older cannot read it .*NUT 2\.8\.6 reads it with CERTIDENT/,
  );
});

test("a .p12 opens with its password; without one the CLI says so in one line, exit 2", async () => {
  const passwordFile = join(dir, "p12.pass");
  writeFileSync(passwordFile, "a p12 password\n", { mode: 0o600 });
  const out = join(dir, "p12");
  await exportBundle(p12Target, ["ups1"], { p12PasswordFile: passwordFile, out }, testContext(store));
  const p12 = join(out, "ups1.p12");
  const { report } = await run(p12, {}, { p12PasswordFile: passwordFile });
  assert.equal(report.format, "PKCS#12");
  assert.equal(report.items[0]!.friendlyName, "ups1");
  assert.match(report.items.find((item) => item.type === "private-key")!.matches!, /certificate 1 in this file/);
  const missing = await runNutca(["inspect", p12], { store });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr.trim().split("\n").length, 1);
  assert.match(missing.stderr, /password-protected.*--p12-password-file/);
  await assert.rejects(run(p12, { NUTCA_P12_PASSWORD: "wrong" }), { code: "BAD_PASSPHRASE" });
});

test("the store's CRL: revoked entries by name, signed by the CA, PEM and DER", async () => {
  await revoke("mon1", { reason: "keyCompromise" }, testContext(store));
  for (const file of ["crl/ca.crl.pem", "crl/ca.crl.der"]) {
    const { human } = await run(join(store, file));
    assert.match(human, /CRL of CN=Test CA/);
    assert.match(human, /keyCompromise \(mon1\)/);
    assert.match(human, /store: +signed by this store's CA/);
  }
  const { report } = await run(join(store, "issued/mon1.crt.pem"));
  assert.ok(report.items[0]!.findings.some((finding) => finding.code === "revoked"));
});

test("an Ed25519 request is flagged: NSS cannot load it", async () => {
  const keys = (await engine.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: "CN=ed.example.net",
    keys,
    signingAlgorithm: { name: "Ed25519" },
  });
  const file = join(dir, "ed.csr");
  writeFileSync(file, csr.toString("pem"));
  const { report } = await run(file);
  assert.equal(report.items[0]!.type, "csr");
  assert.deepEqual(
    report.items[0]!.findings.map((finding) => finding.code),
    ["ed25519-key"],
  );
});

test("a damaged certificate, request or CRL that decodes is one unreadable item, not a crash", async () => {
  const leaf = new x509.X509Certificate(readFileSync(join(store, "issued/ups1.crt.pem"), "utf8"));
  const damaged = x509.PemConverter.encode(damageCurveOid(new Uint8Array(leaf.rawData)).buffer, "CERTIFICATE");
  const file = join(dir, "damaged-chain.pem");
  // The damaged leaf, then the intact CA: the CA is still read, matched and linted.
  writeFileSync(file, damaged + "\n" + readFileSync(join(store, "ca.crt.pem"), "utf8"));
  const { report, human } = await run(file);
  assert.deepEqual(
    report.items.map((item) => item.type),
    ["unknown", "certificate"],
  );
  assert.deepEqual(
    report.items[0]!.findings.map((finding) => finding.code),
    ["unreadable"],
  );
  assert.match(human, /1\. Unread block "CERTIFICATE": cannot be read \(/);
  assert.match(human, /store: +this is the store's CA/);

  const der = join(dir, "damaged.der");
  writeFileSync(der, damageCurveOid(new Uint8Array(leaf.rawData)));
  const cli = await runNutca(["inspect", der], { store });
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stderr, "");
  assert.match(cli.stdout, /Unread block "certificate \(DER\)": cannot be read/);
  assert.match(cli.stdout, /1 error\(s\), 0 warning\(s\)\./);
});

test("bad input: a missing file or a non-PKI file is one line on stderr, exit 2", async () => {
  const missing = await runNutca(["inspect", join(dir, "nope.pem")], { store });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^nutca: cannot read .*nope\.pem — check the path/);
  const garbage = join(dir, "garbage.txt");
  writeFileSync(garbage, "just text\n");
  const result = await runNutca(["--json", "inspect", garbage], { store });
  assert.equal(result.code, 2);
  assert.equal((JSON.parse(result.stderr) as { error: { code: string } }).error.code, "BAD_FILE");
  assert.equal(result.stdout, "");
});
