// The CA core against the real verifiers: OpenSSL, GnuTLS certtool and NSS certutil.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { modeOf, runNutca, runNutcaOk, snapshotDir, tempDir, writePassphraseFile } from "../helpers/cli.js";
import { requireTool, run, runOk } from "../helpers/tools.js";

const SERVER_DNS = ["ups1.example.net", "ups1"];
const SERVER_IP = ["10.0.0.5", "2001:db8::5"];

let work: string;
let passFile: string;
/** An encrypted P-256 CA with a server "srv" and a client "cl". */
let main: string;
/** A CA limited to example.net and 10.0.0.0/8, with a server "inside". */
let constrained: string;
/** Unencrypted CAs of the other key types, each with a server "srv" of the same type. */
const keyTypeStores: Record<string, string> = {};

const caCert = (store: string) => join(store, "ca.crt.pem");
const leaf = (store: string, name: string) => join(store, "issued", `${name}.crt.pem`);

before(async () => {
  work = tempDir();
  passFile = writePassphraseFile(work);
  const withPass = ["--passphrase-file", passFile];
  main = join(work, "main");
  constrained = join(work, "constrained");
  const initMain = async () => {
    await runNutcaOk(["init", "--name", "Interop CA", "--org", "nutca tests", ...withPass], { store: main });
    const dns = SERVER_DNS.flatMap((name) => ["--dns", name]);
    const ip = SERVER_IP.flatMap((address) => ["--ip", address]);
    await runNutcaOk(["issue", "server", "srv", ...dns, ...ip, ...withPass], { store: main });
    await runNutcaOk(["issue", "client", "cl", ...withPass], { store: main });
  };
  const initConstrained = async () => {
    const limits = ["--permit-dns", "example.net", "--permit-ip", "10.0.0.0/8"];
    await runNutcaOk(["init", "--name", "Constrained CA", ...limits, ...withPass], { store: constrained });
    const names = ["--dns", "a.example.net", "--ip", "10.1.2.3"];
    await runNutcaOk(["issue", "server", "inside", ...names, ...withPass], { store: constrained });
  };
  const initKeyType = async (key: string) => {
    const store = join(work, key);
    // Unencrypted, to save two 600,000-round key derivations: the key type is under test here.
    await runNutcaOk(["init", "--key", key, "--no-passphrase"], { store });
    await runNutcaOk(["issue", "server", "srv", "--dns", "ups2.example.net"], { store });
    keyTypeStores[key] = store;
  };
  await Promise.all([initMain(), initConstrained(), initKeyType("rsa-2048"), initKeyType("ec-p384")]);
});

describe("the CA certificate", () => {
  test("notAfter is GeneralizedTime 99991231235959Z and notBefore a UTCTime", (t) => {
    if (!requireTool(t, "openssl")) return;
    const text = runOk("openssl", ["x509", "-in", caCert(main), "-noout", "-text"]).stdout;
    assert.match(text, /Not After : Dec 31 23:59:59 9999 GMT/);
    const asn1 = runOk("openssl", ["asn1parse", "-in", caCert(main)]).stdout;
    assert.match(asn1, /GENERALIZEDTIME\s+:99991231235959Z/);
    assert.match(asn1, /UTCTIME\s+:\d{12}Z/);
    assert.ok(asn1.indexOf("UTCTIME") < asn1.indexOf("GENERALIZEDTIME"), "notBefore comes first");
  });

  test("has critical basicConstraints CA:TRUE, critical keyUsage keyCertSign+cRLSign and an SKI", (t) => {
    if (!requireTool(t, "openssl")) return;
    const text = runOk("openssl", ["x509", "-in", caCert(main), "-noout", "-text"]).stdout;
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
    assert.match(text, /X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    assert.match(text, /X509v3 Subject Key Identifier:\s*\n\s+([0-9A-F]{2}:){19}[0-9A-F]{2}/);
    assert.match(text, /Subject: O = nutca tests, CN = Interop CA/);
    assert.doesNotMatch(text, /Name Constraints/);
  });
});

describe("issued certificates with OpenSSL", () => {
  const verify = (args: string[], file: string) =>
    run("openssl", ["verify", "-x509_strict", "-CAfile", caCert(main), ...args, file]);

  test("the server certificate verifies strictly for each of its DNS names and IPs", (t) => {
    if (!requireTool(t, "openssl")) return;
    const server = leaf(main, "srv");
    const plain = verify(["-purpose", "sslserver"], server);
    assert.equal(plain.code, 0, plain.output);
    assert.match(plain.stdout, /: OK$/m);
    for (const name of SERVER_DNS) {
      const result = verify(["-verify_hostname", name], server);
      assert.equal(result.code, 0, `${name}: ${result.output}`);
    }
    for (const address of SERVER_IP) {
      const result = verify(["-verify_ip", address], server);
      assert.equal(result.code, 0, `${address}: ${result.output}`);
    }
    const text = runOk("openssl", ["x509", "-in", server, "-noout", "-text"]).stdout;
    assert.match(text, /DNS:ups1\.example\.net, DNS:ups1, IP Address:10\.0\.0\.5, IP Address:2001:DB8:0:0:0:0:0:5/);
    assert.match(text, /X509v3 Authority Key Identifier/);
    assert.match(text, /TLS Web Server Authentication/);
  });

  test("the server certificate fails for a name or address it does not hold", (t) => {
    if (!requireTool(t, "openssl")) return;
    const server = leaf(main, "srv");
    const wrongName = verify(["-verify_hostname", "ups2.example.net"], server);
    assert.notEqual(wrongName.code, 0);
    assert.match(wrongName.output, /hostname mismatch/);
    const wrongIp = verify(["-verify_ip", "10.0.0.6"], server);
    assert.notEqual(wrongIp.code, 0);
    assert.match(wrongIp.output, /IP address mismatch/);
    const asClient = verify(["-purpose", "sslclient"], server);
    assert.notEqual(asClient.code, 0, "a server certificate is not a client certificate");
  });

  test("the client certificate verifies strictly as an SSL client", (t) => {
    if (!requireTool(t, "openssl")) return;
    const result = verify(["-purpose", "sslclient"], leaf(main, "cl"));
    assert.equal(result.code, 0, result.output);
    assert.match(result.stdout, /: OK$/m);
  });

  for (const key of ["rsa-2048", "ec-p384"]) {
    test(`a ${key} CA and server verify`, (t) => {
      if (!requireTool(t, "openssl")) return;
      const store = keyTypeStores[key]!;
      const result = run("openssl", [
        "verify",
        "-x509_strict",
        "-CAfile",
        caCert(store),
        "-verify_hostname",
        "ups2.example.net",
        leaf(store, "srv"),
      ]);
      assert.equal(result.code, 0, result.output);
      const text = runOk("openssl", ["x509", "-in", leaf(store, "srv"), "-noout", "-text"]).stdout;
      assert.match(text, key === "rsa-2048" ? /Public-Key: \(2048 bit\)/ : /NIST CURVE: P-384/);
      assert.match(text, key === "rsa-2048" ? /sha256WithRSAEncryption/ : /ecdsa-with-SHA384/);
    });
  }
});

test("GnuTLS certtool verifies the server and the client", (t) => {
  if (!requireTool(t, "certtool")) return;
  for (const name of ["srv", "cl"]) {
    const result = run("certtool", ["--verify", "--load-ca-certificate", caCert(main), "--infile", leaf(main, name)]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Chain verification output: Verified/);
  }
});

test("NSS certutil accepts the server (-u V) and the client (-u C) under a CT,, CA", (t) => {
  if (!requireTool(t, "certutil")) return;
  const db = join(tempDir(), "nssdb");
  mkdirSync(db);
  const certutil = (...args: string[]) => run("certutil", ["-d", `sql:${db}`, ...args]);
  const ok = (result: ReturnType<typeof run>) => assert.equal(result.code, 0, result.output);
  ok(run("certutil", ["-N", "-d", `sql:${db}`, "--empty-password"]));
  ok(certutil("-A", "-n", "ca", "-t", "CT,,", "-i", caCert(main)));
  ok(certutil("-A", "-n", "server", "-t", ",,", "-i", leaf(main, "srv")));
  ok(certutil("-A", "-n", "client", "-t", ",,", "-i", leaf(main, "cl")));
  for (const [nickname, usage] of [
    ["server", "V"],
    ["client", "C"],
  ] as const) {
    const result = certutil("-V", "-u", usage, "-n", nickname);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /certificate is valid/);
  }
  const wrongUsage = certutil("-V", "-u", "C", "-n", "server");
  assert.notEqual(wrongUsage.code, 0, "a server certificate is not valid as a client");
  assert.match(wrongUsage.output, /certificate is invalid/);
});

describe("name constraints", () => {
  test("the constrained CA carries critical permitted subtrees, and its leaf verifies", (t) => {
    if (!requireTool(t, "openssl")) return;
    const text = runOk("openssl", ["x509", "-in", caCert(constrained), "-noout", "-text"]).stdout;
    assert.match(
      text,
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:example\.net\s+IP:10\.0\.0\.0\/255\.0\.0\.0/,
    );
    const result = run("openssl", [
      "verify",
      "-x509_strict",
      "-CAfile",
      caCert(constrained),
      leaf(constrained, "inside"),
    ]);
    assert.equal(result.code, 0, result.output);
  });

  test("nutca refuses a name outside them (exit 2) and leaves the store unchanged", async () => {
    const before = snapshotDir(constrained);
    for (const names of [
      ["--dns", "evil.com"],
      ["--dns", "badexample.net"],
      ["--dns", "a.example.net", "--ip", "192.168.1.1"],
    ]) {
      const result = await runNutca(["issue", "server", "evil", ...names, "--passphrase-file", passFile], {
        store: constrained,
      });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^nutca: .*outside the CA's name constraints/);
    }
    assert.deepEqual(snapshotDir(constrained), before);
  });

  test("a leaf for evil.com signed with the CA key outside nutca is rejected by openssl", (t) => {
    if (!requireTool(t, "openssl")) return;
    const dir = tempDir();
    const caKey = join(dir, "ca.key.pem");
    runOk("openssl", [
      "pkey",
      "-in",
      join(constrained, "private/ca.key.pem"),
      "-passin",
      `file:${passFile}`,
      "-out",
      caKey,
    ]);
    const signLeaf = (dns: string) => {
      const key = join(dir, `${dns}.key.pem`);
      const csr = join(dir, `${dns}.csr`);
      const ext = join(dir, `${dns}.ext`);
      const cert = join(dir, `${dns}.crt.pem`);
      runOk("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
      runOk("openssl", ["req", "-new", "-key", key, "-subj", `/CN=${dns}`, "-out", csr]);
      writeFileSync(
        ext,
        [
          "basicConstraints=critical,CA:FALSE",
          "keyUsage=critical,digitalSignature",
          "extendedKeyUsage=serverAuth",
          `subjectAltName=DNS:${dns}`,
          "subjectKeyIdentifier=hash",
          "authorityKeyIdentifier=keyid",
        ].join("\n") + "\n",
      );
      const ca = ["-CA", caCert(constrained), "-CAkey", caKey, "-set_serial", "0x1234", "-days", "30"];
      runOk("openssl", ["x509", "-req", "-in", csr, ...ca, "-extfile", ext, "-out", cert]);
      return run("openssl", ["verify", "-x509_strict", "-CAfile", caCert(constrained), cert]);
    };
    const control = signLeaf("b.example.net");
    assert.equal(control.code, 0, `the same recipe inside the constraints verifies: ${control.output}`);
    const evil = signLeaf("evil.com");
    assert.notEqual(evil.code, 0, evil.output);
    assert.match(evil.output, /permitted subtree violation|name constraint/i);
  });

  test("a client whose CN is a host name outside them is refused, or verifies", async (t) => {
    if (!requireTool(t, "openssl")) return;
    const store = join(tempDir(), "copy");
    cpSync(constrained, store, { recursive: true });
    const result = await runNutca(["issue", "client", "host.evil.com", "--passphrase-file", passFile], { store });
    if (result.code === 2) return;
    assert.equal(result.code, 0, result.stderr);
    const verify = run("openssl", ["verify", "-x509_strict", "-CAfile", caCert(store), leaf(store, "host.evil.com")]);
    assert.equal(verify.code, 0, verify.output);
  });
});

describe("secrets at rest", () => {
  test("openssl reads the encrypted CA key with the passphrase, and not without it", (t) => {
    if (!requireTool(t, "openssl")) return;
    const key = join(main, "private/ca.key.pem");
    const good = run("openssl", ["pkey", "-in", key, "-passin", `file:${passFile}`, "-noout"]);
    assert.equal(good.code, 0, good.output);
    const wrong = writePassphraseFile(tempDir(), "not the passphrase");
    const bad = run("openssl", ["pkey", "-in", key, "-passin", `file:${wrong}`, "-noout"]);
    assert.notEqual(bad.code, 0);
  });

  test("the CA key is PBES2 / PBKDF2-HMAC-SHA256 (600,000 rounds) / AES-256-CBC", (t) => {
    if (!requireTool(t, "openssl")) return;
    for (const store of [main, constrained]) {
      const asn1 = runOk("openssl", ["asn1parse", "-in", join(store, "private/ca.key.pem")]).stdout;
      for (const part of [/:PBES2/, /:PBKDF2/, /:hmacWithSHA256/, /:aes-256-cbc/, /INTEGER\s+:0927C0\b/]) {
        assert.match(asn1, part);
      }
    }
  });

  test("every key file is 0600 and every store directory 0700", () => {
    for (const store of [main, constrained, ...Object.values(keyTypeStores)]) {
      assert.equal(modeOf(store), 0o700, store);
      const keys = readdirSync(join(store, "private"));
      assert.ok(keys.length >= 2, "the CA key and at least one leaf key");
      for (const name of keys) assert.equal(modeOf(join(store, "private", name)), 0o600, name);
      for (const path of snapshotDir(store).keys()) {
        const full = join(store, path);
        if (statSync(full).isDirectory()) assert.equal(modeOf(full), 0o700, path);
      }
    }
  });
});

test("a CA name with a leading #, quotes and a backslash is kept as typed, in the CA and its leaves", async (t) => {
  const store = join(tempDir(), "store");
  const name = '#1 "Main" \\ CA';
  await runNutcaOk(["init", "--name", name, "--org", 'Acme "Q" Inc', "--no-passphrase"], { store });
  await runNutcaOk(["issue", "client", "mon1"], { store });
  if (!requireTool(t, "openssl")) return;
  const subject = (file: string) =>
    runOk("openssl", ["x509", "-in", file, "-noout", "-subject", "-nameopt", "RFC2253"]).stdout.trim();
  assert.equal(subject(caCert(store)), 'subject=CN=\\#1 \\"Main\\" \\\\ CA,O=Acme \\"Q\\" Inc');
  assert.equal(subject(leaf(store, "mon1")), 'subject=CN=mon1,O=Acme \\"Q\\" Inc');
  assert.equal(runOk("openssl", ["verify", "-x509_strict", "-CAfile", caCert(store), leaf(store, "mon1")]).code, 0);
});
