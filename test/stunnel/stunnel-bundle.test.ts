// The stunnel bundles in memory: file list, modes, conf lines, and every refusal.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { NutcaError } from "../../src/errors.js";
import type { Authority, Bundle, Identity } from "../../src/exports/bundle.js";
import { parseHostPort, stunnelAddress, stunnelClientBundle, stunnelServerBundle } from "../../src/exports/stunnel.js";
import { loadAuthority, loadIdentity } from "../../src/store/identity.js";
import { CaStore } from "../../src/store/store.js";
import { makeStore, nutca, tempDir } from "./support.js";

const temp = tempDir("nutca-stunnel-unit-");
let authority: Authority;
let srv: Identity;
let v6: Identity;
let mon1: Identity;
let foreignRoot: Authority["root"];

before(() => {
  const store = new CaStore(
    makeStore(join(temp.path, "store"), [
      ["server", "srv", "--dns", "nut.example.test", "--ip", "127.0.0.1"],
      ["server", "v6", "--dns", "v6.example.test", "--ip", "::1"],
      ["client", "mon1"],
    ]),
  );
  authority = loadAuthority(store);
  srv = loadIdentity(store, "srv", "server");
  v6 = loadIdentity(store, "v6", "server");
  mon1 = loadIdentity(store, "mon1", "client");
  foreignRoot = loadAuthority(new CaStore(makeStore(join(temp.path, "other"), []))).root;
});
after(() => temp.remove());

function file(bundle: Bundle, path: string): { text: string; mode: number } {
  const found = bundle.files.find((candidate) => candidate.path === path);
  assert.ok(found, `${path} in ${bundle.files.map((f) => f.path).join(", ")}`);
  return {
    text: typeof found.data === "string" ? found.data : Buffer.from(found.data).toString("utf8"),
    mode: found.mode,
  };
}

/** The `key = value` lines of stunnel.conf, comments dropped. */
function confLines(bundle: Bundle): string[] {
  return file(bundle, "stunnel.conf")
    .text.split("\n")
    .filter((line) => line.trim() !== "" && !/^[;#]/.test(line));
}

const pemBlocks = (text: string) => [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g)];
const derOf = (block: string) => block.replace(/-----[^-]+-----|\s/g, "");
const certDer = (certificate: Authority["root"]) => Buffer.from(certificate.rawData).toString("base64");

function assertNoReadableKey(bundle: Bundle): void {
  for (const entry of bundle.files) {
    const text = typeof entry.data === "string" ? entry.data : "";
    if (text.includes("PRIVATE KEY")) assert.equal(entry.mode & 0o077, 0, `${entry.path} holds a key: 0600`);
  }
}

describe("stunnel-server bundle", () => {
  test("files, modes and a complete mutual-TLS server conf", () => {
    const bundle = stunnelServerBundle(srv, authority);
    assert.equal(bundle.target, "stunnel-server");
    assert.deepEqual(
      bundle.files.map((f) => [f.path, f.mode]),
      [
        ["srv.chain.pem", 0o644],
        ["srv.key.pem", 0o600],
        ["ca.pem", 0o644],
        ["stunnel.conf", 0o644],
        ["README.txt", 0o644],
        ["install.sh", 0o755],
      ],
    );
    assertNoReadableKey(bundle);
    assert.deepEqual(confLines(bundle), [
      "foreground = yes",
      "pid = /run/stunnel-nut-server.pid",
      "[nut-server]",
      "accept = 0.0.0.0:3494",
      "connect = 127.0.0.1:3493",
      "cert = /etc/stunnel/nut/srv.chain.pem",
      "key = /etc/stunnel/nut/srv.key.pem",
      "CAfile = /etc/stunnel/nut/ca.pem",
      "verifyChain = yes",
      "sslVersionMin = TLSv1.2",
    ]);
    assert.match(file(bundle, "srv.key.pem").text, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n$/);
    const readme = file(bundle, "README.txt").text;
    assert.match(readme, /install -o root -g stunnel4 -m 0640 srv\.key\.pem \/etc\/stunnel\/nut\//);
    assert.match(readme, /-o root -g root -m 0600/);
    assert.match(readme, /install -o root -g root -m 0644 stunnel\.conf \/etc\/stunnel\/nut-server\.conf/);
    assert.match(readme, /systemctl enable --now stunnel@nut-server/);
    assert.match(readme, /LISTEN 127\.0\.0\.1 3493/);
    assert.match(readme, /openssl s_client -connect/);
  });

  test("chain is leaf then intermediates; ca.pem is intermediates then root", () => {
    const withIntermediate: Authority = { root: authority.root, intermediates: [foreignRoot] };
    const bundle = stunnelServerBundle(srv, withIntermediate);
    const chain = pemBlocks(file(bundle, "srv.chain.pem").text).map((m) => derOf(m[0]));
    assert.deepEqual(chain, [certDer(srv.certificate), certDer(foreignRoot)]);
    const ca = pemBlocks(file(bundle, "ca.pem").text).map((m) => derOf(m[0]));
    assert.deepEqual(ca, [certDer(foreignRoot), certDer(authority.root)]);
  });

  test("--accept, --connect, --install-dir and --pid-file land in the conf", () => {
    const bundle = stunnelServerBundle(srv, authority, {
      accept: "[::]:4494",
      connect: "127.0.0.1:3500",
      installDir: "/srv/tls/",
      pidFile: "/run/x.pid",
    });
    const lines = confLines(bundle);
    for (const line of [
      "accept = :::4494",
      "connect = 127.0.0.1:3500",
      "cert = /srv/tls/srv.chain.pem",
      "pid = /run/x.pid",
    ])
      assert.ok(lines.includes(line), `${line} in\n${lines.join("\n")}`);
  });

  test("a CRL adds crl.pem and a CRLfile line", () => {
    const crlPem = "-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----";
    const bundle = stunnelServerBundle(srv, authority, { crlPem });
    assert.equal(file(bundle, "crl.pem").text, crlPem + "\n");
    assert.ok(confLines(bundle).includes("CRLfile = /etc/stunnel/nut/crl.pem"));
    assert.ok(!confLines(stunnelServerBundle(srv, authority)).some((line) => line.startsWith("CRLfile")));
    assert.throws(
      () => stunnelServerBundle(srv, authority, { crlPem: "-----BEGIN CRL-----\n-----END CRL-----" }),
      /X509 CRL/,
    );
  });

  test("refuses a client certificate, a relative install dir and a malformed address", () => {
    const usage = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (error: unknown) => {
        assert.ok(error instanceof NutcaError);
        assert.equal(error.exitCode, 2);
        assert.match(error.line, pattern);
        return true;
      });
    usage(() => stunnelServerBundle(mon1, authority), /needs a server certificate/);
    usage(() => stunnelServerBundle(srv, authority, { installDir: "etc/stunnel" }), /not a plain absolute path/);
    usage(() => stunnelServerBundle(srv, authority, { installDir: "/etc/x\nkey = /tmp/k" }), /not a plain absolute/);
    usage(() => stunnelServerBundle(srv, authority, { accept: "3494" }), /not host:port/);
  });
});

describe("stunnel-client bundle", () => {
  test("defaults: the server's first DNS name on 3494, checkHost, plaintext on 127.0.0.1:3493", () => {
    const bundle = stunnelClientBundle(mon1, srv.certificate, authority);
    assert.deepEqual(
      bundle.files.map((f) => [f.path, f.mode]),
      [
        ["mon1.chain.pem", 0o644],
        ["mon1.key.pem", 0o600],
        ["ca.pem", 0o644],
        ["stunnel.conf", 0o644],
        ["README.txt", 0o644],
        ["install.sh", 0o755],
      ],
    );
    assertNoReadableKey(bundle);
    assert.deepEqual(confLines(bundle), [
      "foreground = yes",
      "pid = /run/stunnel-nut-client.pid",
      "[nut-client]",
      "client = yes",
      "accept = 127.0.0.1:3493",
      "connect = nut.example.test:3494",
      "cert = /etc/stunnel/nut/mon1.chain.pem",
      "key = /etc/stunnel/nut/mon1.key.pem",
      "CAfile = /etc/stunnel/nut/ca.pem",
      "verifyChain = yes",
      "checkHost = nut.example.test",
      "sslVersionMin = TLSv1.2",
    ]);
    const readme = file(bundle, "README.txt").text;
    assert.match(readme, /MONITOR <ups>@127\.0\.0\.1 1 <user> <password> secondary/);
    assert.match(readme, /install -o root -g stunnel4 -m 0640 mon1\.key\.pem/);
    assert.match(readme, /systemctl enable --now stunnel@nut-client/);
  });

  test("an IP --connect host gives checkIP, never checkHost", () => {
    const lines = confLines(stunnelClientBundle(mon1, srv.certificate, authority, { connect: "127.0.0.1:4000" }));
    assert.ok(lines.includes("checkIP = 127.0.0.1"));
    assert.ok(!lines.some((line) => line.startsWith("checkHost")));
    const v6Lines = confLines(stunnelClientBundle(mon1, v6.certificate, authority, { connect: "[0:0::1]:4000" }));
    assert.ok(v6Lines.includes("connect = ::1:4000") && v6Lines.includes("checkIP = ::1"), v6Lines.join("\n"));
  });

  test("a --connect host the server certificate does not name is refused (USAGE, exit 2)", () => {
    for (const connect of ["wrong.example.test:3494", "10.0.0.1:3494", "v6.example.test:3494"]) {
      assert.throws(
        () => stunnelClientBundle(mon1, srv.certificate, authority, { connect }),
        (error: unknown) =>
          error instanceof NutcaError &&
          error.code === "USAGE" &&
          error.exitCode === 2 &&
          /not in the server certificate \(it names nut\.example\.test, 127\.0\.0\.1\)/.test(error.message),
      );
    }
    assert.throws(() => stunnelClientBundle(srv, srv.certificate, authority), /needs a client certificate/);
  });
});

describe("parseHostPort", () => {
  test("host:port, [v6]:port and v6:port; stunnel's form has no brackets", () => {
    assert.deepEqual(parseHostPort("Nut.Example.Test.:3494", "--connect"), { host: "nut.example.test", port: 3494 });
    assert.deepEqual(parseHostPort("[::1]:3494", "--connect"), { host: "::1", port: 3494 });
    assert.deepEqual(parseHostPort("::1:3494", "--connect"), { host: "::1", port: 3494 });
    assert.equal(stunnelAddress({ host: "::", port: 3494 }), ":::3494");
    for (const bad of ["3494", ":3494", "host:0", "host:65536", "host:", "host:34x", "[::1]3494"]) {
      assert.throws(() => parseHostPort(bad, "--accept"), NutcaError, bad);
    }
  });
});

describe("CLI refusals", () => {
  const storeHash = (dir: string): string => {
    const hash = createHash("sha256");
    const walk = (path: string): void => {
      for (const name of readdirSync(path).sort()) {
        const full = join(path, name);
        hash.update(full);
        if (statSync(full).isDirectory()) walk(full);
        else hash.update(readFileSync(full));
      }
    };
    walk(dir);
    return hash.digest("hex");
  };

  const cases: [string, string[], RegExp][] = [
    [
      "a --connect host not in the server certificate",
      ["stunnel-client", "--client", "mon1", "--server", "srv", "--connect", "ups.example.test:3494"],
      /--connect host ups\.example\.test is not in the server certificate/,
    ],
    ["a client certificate as server", ["stunnel-server", "--server", "mon1"], /needs a server certificate/],
    [
      "a server certificate as client",
      ["stunnel-client", "--client", "srv", "--server", "srv"],
      /needs a client certificate/,
    ],
    [
      "a client certificate as the peer server",
      ["stunnel-client", "--client", "mon1", "--server", "mon1"],
      /needs a server certificate/,
    ],
    ["no --server", ["stunnel-server"], /--server/],
  ];
  for (const [what, args, message] of cases) {
    test(`refuses ${what}: exit 2, one line, nothing written`, () => {
      const store = join(temp.path, "store");
      const out = join(temp.path, `out-${args.join("-").replace(/\W+/g, "_")}`);
      const before = storeHash(store);
      const result = nutca(store, ["export", ...args, "--out", out]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /^nutca: [^\n]+\n$/);
      assert.equal(existsSync(out), false);
      assert.equal(storeHash(store), before);
    });
  }
});
