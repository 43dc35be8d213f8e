// `nutca init --intermediate`: an offline root, an intermediate that signs the
// leaves, and the chain root -> intermediate -> leaf through openssl, certtool
// and certutil, the exports, revocation and the CRL.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { passphraseEnv, runNutca, runNutcaJson, runNutcaOk, tempDir } from "../helpers/cli.js";
import { requireTool, run } from "../helpers/tools.js";

const pemBlocks = (text: string) => text.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g) ?? [];
const subjectOf = (pem: string) =>
  run("openssl", ["x509", "-noout", "-subject", "-nameopt", "RFC2253"], { input: pem });

describe("a store with an intermediate CA", () => {
  let base: string;
  let store: string;
  let root: string;
  let intermediate: string;

  before(async () => {
    base = tempDir("nutca-intermediate-");
    store = join(base, "store");
    const init = await runNutcaOk(["init", "--intermediate", "--no-passphrase", "--name", "Chain Root"], { store });
    assert.match(init.stdout, /root CA "Chain Root" and the issuing CA "Chain Root Issuing CA"/);
    assert.match(init.stdout, /private\/root\.key\.pem off this machine/);
    await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.test", "--ip", "127.0.0.1"], { store });
    await runNutcaOk(["issue", "client", "mon1"], { store });
    root = join(store, "root.crt.pem");
    intermediate = join(store, "ca.crt.pem");
  });

  const leaf = (name: string) => join(store, "issued", `${name}.crt.pem`);

  it("records the root and the intermediate in the ledger and the store settings", async () => {
    const meta = JSON.parse(readFileSync(join(store, "nutca-store.json"), "utf8")) as { ca: Record<string, unknown> };
    assert.equal(meta.ca.intermediate, true);
    assert.equal(meta.ca.name, "Chain Root Issuing CA");
    const entries = await runNutcaJson<{ name: string; kind: string }[]>(["list"], { store });
    assert.deepEqual(
      entries.filter((entry) => entry.kind === "ca").map((entry) => entry.name),
      ["root", "ca"],
    );
    const showRoot = await runNutcaOk(["show", "root", "--pem"], { store });
    assert.equal(showRoot.stdout.trim(), readFileSync(root, "utf8").trim());
    const doctor = await runNutca(["doctor"], { store });
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    const refused = await runNutca(["issue", "client", "root"], { store });
    assert.equal(refused.code, 2, "private/root.key.pem is the root's key: no leaf may take the name");
  });

  it("has a root with pathLen 1 and an intermediate with pathLen 0", (t) => {
    if (!requireTool(t, "openssl")) return;
    const text = (file: string) => run("openssl", ["x509", "-noout", "-text", "-in", file]).stdout;
    assert.match(text(root), /CA:TRUE, pathlen:1/);
    assert.match(text(intermediate), /CA:TRUE, pathlen:0/);
    assert.match(subjectOf(readFileSync(intermediate, "utf8")).stdout, /CN=Chain Root Issuing CA/);
    assert.match(run("openssl", ["x509", "-noout", "-issuer", "-in", leaf("ups1")]).stdout, /Issuing CA/);
  });

  it("openssl verify -x509_strict: root -> intermediate -> leaf, and not without the intermediate", (t) => {
    if (!requireTool(t, "openssl")) return;
    for (const [name, purpose] of [
      ["ups1", "sslserver"],
      ["mon1", "sslclient"],
    ] as const) {
      const args = ["verify", "-x509_strict", "-purpose", purpose, "-CAfile", root];
      const ok = run("openssl", [...args, "-untrusted", intermediate, leaf(name)]);
      assert.equal(ok.code, 0, ok.output);
      const missing = run("openssl", [...args, leaf(name)]);
      assert.notEqual(missing.code, 0, "the intermediate is needed");
    }
  });

  it("GnuTLS certtool verifies leaf + intermediate against the root", (t) => {
    if (!requireTool(t, "certtool")) return;
    for (const name of ["ups1", "mon1"]) {
      const chain = join(base, `${name}.chain.pem`);
      writeFileSync(chain, readFileSync(leaf(name), "utf8") + readFileSync(intermediate, "utf8"));
      const result = run("certtool", ["--verify", "--load-ca-certificate", root, "--infile", chain]);
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /Chain verification output: Verified/);
    }
  });

  it("NSS certutil -V with only the root trusted (CT,,) and the intermediate imported (,,)", (t) => {
    if (!requireTool(t, "certutil")) return;
    const db = join(base, "nssdb");
    mkdirSync(db);
    const certutil = (...args: string[]) => run("certutil", ["-d", `sql:${db}`, ...args]);
    const ok = (result: ReturnType<typeof run>) => assert.equal(result.code, 0, result.output);
    ok(certutil("-N", "--empty-password"));
    ok(certutil("-A", "-n", "root", "-t", "CT,,", "-i", root));
    ok(certutil("-A", "-n", "server", "-t", ",,", "-i", leaf("ups1")));
    ok(certutil("-A", "-n", "client", "-t", ",,", "-i", leaf("mon1")));
    assert.notEqual(certutil("-V", "-u", "V", "-n", "server").code, 0, "not without the intermediate");
    ok(certutil("-A", "-n", "issuing", "-t", ",,", "-i", intermediate));
    const server = certutil("-V", "-u", "V", "-n", "server");
    ok(server);
    assert.match(server.output, /certificate is valid/);
    ok(certutil("-V", "-u", "C", "-n", "client"));
  });

  it("export upsd (openssl): upsd.pem is leaf, intermediate, key; the upsmon CApath verifies it", async (t) => {
    if (!requireTool(t, "openssl")) return;
    const upsdDir = join(base, "export-upsd");
    const upsmonDir = join(base, "export-upsmon");
    await runNutcaOk(["export", "upsd", "--server", "ups1", "--backend", "openssl", "--out", upsdDir], { store });
    await runNutcaOk(["export", "upsmon", "--server", "ups1", "--backend", "openssl", "--out", upsmonDir], { store });
    const blocks = pemBlocks(readFileSync(join(upsdDir, "upsd.pem"), "utf8"));
    assert.equal(blocks.length, 3);
    assert.match(blocks[0]!, /BEGIN CERTIFICATE/);
    assert.equal(blocks[0]!.trim(), readFileSync(leaf("ups1"), "utf8").trim());
    assert.equal(blocks[1]!.trim(), readFileSync(intermediate, "utf8").trim());
    assert.match(blocks[2]!, /BEGIN PRIVATE KEY/);
    const certs = join(upsmonDir, "certs");
    const verify = run("openssl", [
      "verify",
      "-x509_strict",
      "-CApath",
      certs,
      "-purpose",
      "sslserver",
      join(upsdDir, "upsd.pem"),
    ]);
    assert.equal(verify.code, 0, verify.output);
    // The hashed directory holds the root and the intermediate, one per file.
    const hashed = run("sh", ["-c", `cat ${certs}/*.0`]).stdout;
    assert.equal(pemBlocks(hashed).length, 2);
  });

  it("export ca: ca.crt.pem is the root, ca-bundle.pem has both", async () => {
    const out = join(base, "export-ca");
    await runNutcaOk(["export", "ca", "--out", out], { store });
    assert.equal(readFileSync(join(out, "ca.crt.pem"), "utf8").trim(), readFileSync(root, "utf8").trim());
    assert.equal(pemBlocks(readFileSync(join(out, "ca-bundle.pem"), "utf8")).length, 2);
    const doctor = await runNutca(["doctor", "--export", out], { store });
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  });

  it("doctor --export accepts every export of the chain, and catches a upsd.pem without the intermediate", async () => {
    const targets = [
      ["upsd", "--server", "ups1", "--backend", "openssl"],
      ["upsd", "--server", "ups1", "--backend", "nss"],
      ["upsmon", "--server", "ups1", "--backend", "nss", "--client", "mon1"],
      ["upsmon", "--server", "ups1", "--backend", "openssl", "--client", "mon1"],
      ["pem", "ups1"],
      ["p12", "ups1"],
      ["stunnel-server", "--server", "ups1"],
      ["stunnel-client", "--client", "mon1", "--server", "ups1"],
      ["shim-server", "--server", "ups1"],
      ["shim-client", "--server", "ups1"],
    ];
    for (const [i, target] of targets.entries()) {
      const out = join(base, `doctor-${i}`);
      await runNutcaOk(["export", ...target, "--out", out], { store });
      const doctor = await runNutca(["doctor", "--export", out], { store });
      assert.equal(doctor.code, 0, `${target.join(" ")}:\n${doctor.stdout}${doctor.stderr}`);
    }
    const upsdPem = join(base, "doctor-0", "upsd.pem");
    const blocks = pemBlocks(readFileSync(upsdPem, "utf8"));
    writeFileSync(upsdPem, `${blocks[0]}\n${blocks[2]}\n`);
    const broken = await runNutca(["doctor", "--export", join(base, "doctor-0")], { store });
    assert.equal(broken.code, 4);
    assert.match(broken.stdout, /the chain stops at "CN=ups1\.test"/);
  });

  it("revoke and crl work with the intermediate's key, without the root key", async (t) => {
    if (!requireTool(t, "openssl")) return;
    // The offline root: its key leaves the machine, day-to-day work goes on.
    const offline = join(base, "offline-root.key.pem");
    renameSync(join(store, "private", "root.key.pem"), offline);
    try {
      await runNutcaOk(["issue", "client", "mon2"], { store });
      await runNutcaOk(["revoke", "mon2", "--reason", "keyCompromise"], { store });
      await runNutcaOk(["crl"], { store });
      const crl = join(store, "crl", "ca.crl.pem");
      const crlIssuer = run("openssl", ["crl", "-noout", "-issuer", "-in", crl]).stdout;
      assert.match(crlIssuer, /Chain Root Issuing CA/);
      const args = ["verify", "-x509_strict", "-crl_check", "-CAfile", root, "-untrusted", intermediate];
      args.push("-CRLfile", crl);
      const good = run("openssl", [...args, leaf("mon1")]);
      assert.equal(good.code, 0, good.output);
      const revoked = run("openssl", [...args, leaf("mon2")]);
      assert.notEqual(revoked.code, 0);
      assert.match(revoked.output, /certificate revoked/);
      const doctor = await runNutca(["doctor"], { store });
      assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    } finally {
      renameSync(offline, join(store, "private", "root.key.pem"));
    }
  });
});

describe("init --intermediate with a passphrase", () => {
  it("encrypts both keys with the same passphrase; issuing needs only the intermediate's", async (t) => {
    const store = join(tempDir("nutca-intermediate-enc-"), "store");
    const env = passphraseEnv();
    await runNutcaOk(["init", "--intermediate", "--intermediate-name", "Shop Issuing", "--name", "Shop Root"], {
      store,
      env,
    });
    for (const key of ["root.key.pem", "ca.key.pem"]) {
      assert.match(readFileSync(join(store, "private", key), "utf8"), /BEGIN ENCRYPTED PRIVATE KEY/);
    }
    const noPass = await runNutca(["issue", "server", "ups1", "--dns", "ups1.test"], { store });
    assert.notEqual(noPass.code, 0, "the intermediate's key is encrypted");
    await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.test"], { store, env });
    if (!requireTool(t, "openssl")) return;
    for (const key of ["root.key.pem", "ca.key.pem"]) {
      const opened = run(
        "openssl",
        ["pkey", "-noout", "-in", join(store, "private", key), "-passin", `env:NUTCA_PASSPHRASE`],
        { env: { ...process.env, ...env } },
      );
      assert.equal(opened.code, 0, opened.output);
    }
    assert.match(subjectOf(readFileSync(join(store, "ca.crt.pem"), "utf8")).stdout, /CN=Shop Issuing/);
    const verify = run("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      join(store, "root.crt.pem"),
      "-untrusted",
      join(store, "ca.crt.pem"),
      join(store, "issued", "ups1.crt.pem"),
    ]);
    assert.equal(verify.code, 0, verify.output);
    assert.ok(existsSync(join(store, "root.crt.pem")));
  });

  it("refuses --intermediate-name without --intermediate (exit 2, nothing written)", async () => {
    const store = join(tempDir("nutca-intermediate-bad-"), "store");
    const result = await runNutca(["init", "--no-passphrase", "--intermediate-name", "X"], { store });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--intermediate-name needs --intermediate/);
    assert.ok(!existsSync(join(store, "nutca-store.json")));
  });
});
