// The TLS-shim bundles in memory: one key+chain file for upsdTLS.py, one CA file
// for upsmonTLS.py, their command lines, and the refusals.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { NutcaError } from "../../src/errors.js";
import type { Authority, Bundle, Identity } from "../../src/exports/bundle.js";
import { shimClientBundle, shimServerBundle } from "../../src/exports/shims.js";
import { loadAuthority, loadIdentity } from "../../src/store/identity.js";
import { CaStore } from "../../src/store/store.js";
import { makeStore, nutca, tempDir } from "../stunnel/support.js";

const temp = tempDir("nutca-shims-unit-");
let authority: Authority;
let srv: Identity;
let ipOnly: Identity;
let mon1: Identity;
let foreignRoot: Authority["root"];

before(() => {
  const store = new CaStore(
    makeStore(join(temp.path, "store"), [
      ["server", "srv", "--dns", "nut.example.test", "--dns", "ups.example.test", "--ip", "127.0.0.1"],
      ["server", "iponly", "--ip", "192.0.2.7"],
      ["client", "mon1"],
    ]),
  );
  authority = loadAuthority(store);
  srv = loadIdentity(store, "srv", "server");
  ipOnly = loadIdentity(store, "iponly", "server");
  mon1 = loadIdentity(store, "mon1", "client");
  foreignRoot = loadAuthority(new CaStore(makeStore(join(temp.path, "other"), []))).root;
});
after(() => temp.remove());

function text(bundle: Bundle, path: string): string {
  const found = bundle.files.find((file) => file.path === path);
  assert.ok(found, `${path} in ${bundle.files.map((file) => file.path).join(", ")}`);
  return String(found.data);
}

const blocks = (pem: string) =>
  [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]+?)-----END \1-----/g)].map((m) => ({
    label: m[1],
    der: m[2]!.replace(/\s/g, ""),
  }));
const der = (certificate: Authority["root"]) => Buffer.from(certificate.rawData).toString("base64");

const usage = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof NutcaError, String(error));
    assert.equal(error.code, "USAGE");
    assert.equal(error.exitCode, 2);
    assert.match(error.line, pattern);
    return true;
  });

describe("shim-server bundle (upsdTLS.py)", () => {
  test("one 0600 file named after the host: key, then leaf, then intermediates", () => {
    const bundle = shimServerBundle(srv, { root: authority.root, intermediates: [foreignRoot] });
    assert.deepEqual(
      bundle.files.map((file) => [file.path, file.mode]),
      [
        ["nut.example.test.cert.pem", 0o600],
        ["README.txt", 0o644],
        ["install.sh", 0o755],
      ],
    );
    const parts = blocks(text(bundle, "nut.example.test.cert.pem"));
    assert.deepEqual(
      parts.map((part) => part.label),
      ["PRIVATE KEY", "CERTIFICATE", "CERTIFICATE"],
    );
    assert.equal(parts[1]!.der, der(srv.certificate), "the leaf is the first certificate");
    assert.equal(parts[2]!.der, der(foreignRoot));
    assert.ok(!parts.some((part) => part.der === der(authority.root)), "the root is not sent");
  });

  test("command line, ownership and no --upsdport", () => {
    const bundle = shimServerBundle(srv, authority);
    const command = "upsdTLS.py -s /etc/nut/nut.example.test.cert.pem --listen 0.0.0.0 401";
    assert.ok(bundle.summary.includes(`Run: ${command}`), bundle.summary.join("\n"));
    const readme = text(bundle, "README.txt");
    assert.match(readme, /install -o nut -g nut -m 0600 nut\.example\.test\.cert\.pem \/etc\/nut\//);
    assert.match(readme, /-o root -g nut -m 0640/);
    assert.ok(readme.includes(`  ${command}\n`));
    for (const line of [...bundle.summary, ...readme.split("\n").filter((l) => l.includes("upsdTLS.py -s"))])
      assert.ok(!line.includes("--upsdport"), line);
  });

  test("--listen and --install-dir; a path the shell would split is refused", () => {
    const bundle = shimServerBundle(srv, authority, { listen: "192.0.2.1", installDir: "/opt/nut-tls/" });
    assert.ok(
      bundle.summary.includes("Run: upsdTLS.py -s /opt/nut-tls/nut.example.test.cert.pem --listen 192.0.2.1 401"),
      bundle.summary.join("\n"),
    );
    usage(() => shimServerBundle(srv, authority, { installDir: "/opt/nut tls" }), /not a plain absolute path/);
    usage(() => shimClientBundle(srv.certificate, "srv", authority, { installDir: "/etc/$(x)" }), /plain absolute/);
  });

  test("refuses a client certificate, an IPv6 or bad --listen and a relative dir", () => {
    usage(() => shimServerBundle(mon1, authority), /needs a server certificate/);
    usage(() => shimServerBundle(srv, authority, { listen: "::" }), /not an IPv4 address/);
    usage(() => shimServerBundle(srv, authority, { listen: "nut.example.test" }), /not an IPv4 address/);
    usage(() => shimServerBundle(srv, authority, { installDir: "nut" }), /not a plain absolute path/);
  });

  test("a server with no DNS name: the file takes the store name", () => {
    assert.equal(shimServerBundle(ipOnly, authority).files[0]!.path, "iponly.cert.pem");
  });
});

describe("shim-client bundle (upsmonTLS.py)", () => {
  test("one CA file, root included, no key; --upsdname defaults to the first DNS name", () => {
    const bundle = shimClientBundle(srv.certificate, "srv", { root: authority.root, intermediates: [foreignRoot] });
    assert.deepEqual(
      bundle.files.map((file) => [file.path, file.mode]),
      [
        ["nut.example.test-client.cert.pem", 0o644],
        ["README.txt", 0o644],
        ["install.sh", 0o755],
      ],
    );
    const parts = blocks(text(bundle, "nut.example.test-client.cert.pem"));
    assert.deepEqual(
      parts.map((part) => part.der),
      [der(foreignRoot), der(authority.root)],
    );
    assert.ok(
      bundle.summary.includes(
        "Run: upsmonTLS.py -c /etc/nut/nut.example.test-client.cert.pem --upsdname nut.example.test",
      ),
      bundle.summary.join("\n"),
    );
    const readme = text(bundle, "README.txt");
    assert.match(readme, /Restart=always/);
    assert.match(readme, /EXITS after a failed handshake/);
    assert.match(readme, /MONITOR <ups>@127\.0\.0\.1/);
  });

  test("--upsdname: any SAN works (an IP only as an IP entry); anything else is refused", () => {
    const run = (upsdname: string) =>
      shimClientBundle(srv.certificate, "srv", authority, { upsdname }).summary.find((line) => line.startsWith("Run:"));
    assert.match(run("UPS.example.test")!, /--upsdname ups\.example\.test$/);
    assert.match(run("127.0.0.1")!, /--upsdname 127\.0\.0\.1$/);
    usage(() => run("other.example.test"), /--upsdname other\.example\.test is not in the server certificate/);
    usage(() => run("10.1.1.1"), /not in the server certificate/);
  });

  test("a server certificate with only an IP: that IP, with a clear warning", () => {
    const bundle = shimClientBundle(ipOnly.certificate, "iponly", authority);
    assert.equal(bundle.files[0]!.path, "iponly-client.cert.pem");
    assert.match(bundle.summary[0]!, /^Warning: .*no DNS name.*--upsdname 192\.0\.2\.7/);
    assert.match(bundle.summary.at(-1)!, /--upsdname 192\.0\.2\.7$/);
  });
});

describe("shim CLI", () => {
  test("exports both and refuses a client certificate (exit 2, nothing written)", () => {
    const store = join(temp.path, "store");
    const out = join(temp.path, "out-client-cert");
    const refused = nutca(store, ["export", "shim-server", "--server", "mon1", "--out", out]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^nutca: "mon1" is a client certificate[^\n]*\n$/);
    assert.equal(existsSync(out), false);
    const refusedClient = nutca(store, ["export", "shim-client", "--server", "mon1", "--out", out]);
    assert.equal(refusedClient.status, 2);
    assert.equal(existsSync(out), false);
    const ok = nutca(store, ["export", "shim-client", "--server", "srv", "--out", join(temp.path, "shim-client")]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /upsmonTLS\.py -c \/etc\/nut\/nut\.example\.test-client\.cert\.pem --upsdname/);
  });
});
