// The happy paths of init, issue, list and show, mostly through --json.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { passphraseEnv, REPO_ROOT, runNutca, runNutcaJson, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";

const NEVER = "9999-12-31T23:59:59.000Z";
const SERIAL = /^[0-9A-F]{32}$/;
const env = passphraseEnv();

interface Entry {
  op: string;
  serial: string;
  name: string;
  kind: string;
  subject: string;
  dns: string[];
  ip: string[];
  keyType: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  status?: string;
  files: { cert: string; key?: string };
}

describe("init, issue, list, show", () => {
  const store = join(tempDir(), "store");
  let ca: Entry & { store: string; encrypted: boolean; permitted: { dns: string[]; ip: string[] } };
  let server: Entry;
  let client: Entry;

  before(async () => {
    ca = await runNutcaJson(["init", "--name", "Test CA", "--org", "Example"], { store, env });
    server = await runNutcaJson(
      ["issue", "server", "ups1", "--dns", "UPS1.Example.NET.", "--dns", "ups1,ups1.local", "--ip", "2001:DB8:0::1"],
      { store, env },
    );
    client = await runNutcaJson(["issue", "client", "mon1"], { store, env });
  });

  test("init --json describes the new CA", () => {
    assert.equal(ca.store, store);
    assert.equal(ca.kind, "ca");
    assert.equal(ca.name, "ca");
    assert.match(ca.serial, SERIAL);
    assert.equal(ca.notAfter, NEVER);
    assert.equal(ca.subject, "O=Example, CN=Test CA");
    assert.equal(ca.keyType, "ec-p256");
    assert.equal(ca.encrypted, true);
    assert.deepEqual(ca.permitted, { dns: [], ip: [] });
    assert.match(ca.sha256, /^[0-9A-F]{64}$/);
    assert.match(readFileSync(join(store, "private/ca.key.pem"), "utf8"), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  });

  test("issue server --json normalizes and records its names", () => {
    assert.match(server.serial, SERIAL);
    assert.notEqual(server.serial, ca.serial);
    assert.equal(server.kind, "server");
    assert.equal(server.subject, "O=Example, CN=ups1.example.net");
    assert.deepEqual(server.dns, ["ups1.example.net", "ups1", "ups1.local"]);
    assert.deepEqual(server.ip, ["2001:db8::1"]);
    assert.equal(server.notAfter, NEVER);
    assert.deepEqual(server.files, { cert: "issued/ups1.crt.pem", key: "private/ups1.key.pem" });
    assert.ok(Date.parse(server.notBefore) < Date.now() - 30 * 60 * 1000, "notBefore is back-dated");
  });

  test("issue client --json: no SAN, CN is the name", () => {
    assert.match(client.serial, SERIAL);
    assert.equal(client.kind, "client");
    assert.equal(client.subject, "O=Example, CN=mon1");
    assert.deepEqual([client.dns, client.ip], [[], []]);
    assert.equal(client.notAfter, NEVER);
  });

  test("list --json shows every certificate as valid; list without --json is a table", async () => {
    const entries = await runNutcaJson<Entry[]>(["list"], { store });
    assert.deepEqual(
      entries.map((e) => [e.name, e.kind, e.serial, e.status, e.notAfter]),
      [
        ["ca", "ca", ca.serial, "valid", NEVER],
        ["ups1", "server", server.serial, "valid", NEVER],
        ["mon1", "client", client.serial, "valid", NEVER],
      ],
    );
    const table = (await runNutcaOk(["list"], { store })).stdout;
    assert.match(table, /^NAME\s+KIND\s+SERIAL\s+NOT AFTER\s+STATUS\n/);
    assert.match(table, new RegExp(`^ups1\\s+server\\s+${server.serial}\\s+never\\s+valid$`, "m"));
  });

  test("show --json by name and by serial (with colons, lower case)", async () => {
    const byName = await runNutcaJson<Entry & { pem: string; sha1: string }>(["show", "ups1"], { store });
    assert.equal(byName.serial, server.serial);
    assert.equal(byName.status, "valid");
    assert.equal(byName.notAfter, NEVER);
    assert.match(byName.sha1, /^[0-9A-F]{40}$/);
    assert.equal(byName.pem, readFileSync(join(store, "issued/ups1.crt.pem"), "utf8"));
    const colons = client.serial.toLowerCase().match(/../g)!.join(":");
    const bySerial = await runNutcaJson<Entry>(["show", colons], { store });
    assert.equal(bySerial.name, "mon1");
    const human = (await runNutcaOk(["show", "ups1"], { store })).stdout;
    assert.match(human, /not after:\s+never \(9999-12-31T23:59:59Z\)/);
    assert.match(human, /dns names:\s+ups1\.example\.net, ups1, ups1\.local/);
  });

  test("show --pem prints exactly the certificate file", async () => {
    for (const [name, file] of [
      ["ups1", "issued/ups1.crt.pem"],
      ["mon1", "issued/mon1.crt.pem"],
      ["ca", "ca.crt.pem"],
    ]) {
      const { stdout } = await runNutcaOk(["show", name!, "--pem"], { store });
      assert.match(stdout, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
      assert.equal(stdout, readFileSync(join(store, file!), "utf8"), name);
    }
  });

  test("reads need no passphrase and change nothing; NUTCA_STORE stands in for --store", async () => {
    const before = snapshotDir(store);
    const entries = await runNutcaJson<Entry[]>(["list"], { env: { NUTCA_STORE: store } });
    assert.equal(entries.length, 3);
    await runNutcaOk(["show", "ups1"], { store });
    assert.deepEqual(snapshotDir(store), before);
  });
});

describe("leaf expiry", () => {
  test("without --not-after a leaf is capped at the CA's notAfter", async () => {
    const store = join(tempDir(), "store");
    await runNutcaOk(["init", "--not-after", "2040-01-01"], { store, env });
    const leaf = await runNutcaJson<Entry>(["issue", "client", "c1"], { store, env });
    assert.equal(leaf.notAfter, "2040-01-01T23:59:59.000Z");
    const earlier = await runNutcaJson<Entry>(["issue", "client", "c2", "--not-after", "2039-06-30"], { store, env });
    assert.equal(earlier.notAfter, "2039-06-30T23:59:59.000Z");
  });

  test("--leaf-not-after sets the default expiry of leaves", async () => {
    const store = join(tempDir(), "store");
    await runNutcaOk(["init", "--leaf-not-after", "30d", "--no-passphrase"], { store });
    const started = Date.now();
    const leaf = await runNutcaJson<Entry>(["issue", "client", "c1"], { store });
    const days = (Date.parse(leaf.notAfter) - started) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30.01, `${days} days`);
  });
});

describe("the program", () => {
  test("--version prints the package.json version", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const result = await runNutca([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `${version}\n`);
    }
  });

  test("no arguments and no TTY: the help on stderr, exit 2, promptly", async () => {
    const started = Date.now();
    const result = await runNutca([], { timeoutMs: 10_000 });
    assert.ok(Date.now() - started < 8000, "no prompt was waited on");
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Usage: nutca/);
    assert.match(result.stderr, /\binit\b[\s\S]*\bissue\b[\s\S]*\blist\b[\s\S]*\bshow\b/);
    assert.match(result.stderr, /\nnutca: no command given — .*nutca init\n$/);
  });

  test("--no-passphrase writes an unencrypted PRIVATE KEY, warns on stderr, and issues without a passphrase", async () => {
    const store = join(tempDir(), "store");
    const init = await runNutca(["init", "--no-passphrase"], { store });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, /^nutca: warning: .*UNENCRYPTED/);
    assert.match(init.stdout, /NOT encrypted/);
    const key = readFileSync(join(store, "private/ca.key.pem"), "utf8");
    assert.match(key, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.doesNotMatch(key, /ENCRYPTED/);
    const meta = JSON.parse(readFileSync(join(store, "nutca-store.json"), "utf8")) as { ca: { encrypted: boolean } };
    assert.equal(meta.ca.encrypted, false);
    const issued = await runNutca(["issue", "client", "c1"], { store });
    assert.equal(issued.code, 0, issued.stderr);
    assert.equal(issued.stderr, "");
  });
});
