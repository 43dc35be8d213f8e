// Unit tests of the pure upsd/upsmon bundles: files, modes, snippet lines, refusals.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import type { Bundle } from "../../src/exports/bundle.js";
import { upsdNssBundle, upsdOpensslBundle } from "../../src/exports/upsd.js";
import { upsmonNssBundle, upsmonOpensslBundle } from "../../src/exports/upsmon.js";
import { monitorTarget } from "../../src/exports/upsmon-monitor.js";
import type { NssMaterial } from "../../src/exports/nut-common.js";
import { subjectHash } from "../../src/pki/subject-hash.js";
import type { Identity } from "../../src/pki/identity.js";
import { NutcaError } from "../../src/errors.js";
import { makeCa, makeLeaf, type TestCa } from "./fixtures.js";

const PASSWORD = "s3cret-DB-password_xyz";
const DB: NssMaterial = {
  kind: "database",
  files: {
    "cert9.db": new Uint8Array([1, 2, 3]),
    "key4.db": new Uint8Array([4, 5, 6]),
    "pkcs11.txt": new TextEncoder().encode("library=\n"),
  },
};
const SCRIPT: NssMaterial = {
  kind: "script",
  reason: "certutil is not installed here",
  p12: { data: new Uint8Array([9, 9]), password: "p12-only-password" },
};

const text = (data: string | Uint8Array) => (typeof data === "string" ? data : Buffer.from(data).toString("latin1"));
const file = (bundle: Bundle, path: string) => {
  const found = bundle.files.find((entry) => entry.path === path);
  assert.ok(found, `${path} is in the bundle (${bundle.files.map((entry) => entry.path).join(", ")})`);
  return found;
};
const lines = (bundle: Bundle, path: string) => text(file(bundle, path).data).split("\n");

/** No file that holds a key or a password may be readable by others. */
function assertNoWorldReadableSecret(bundle: Bundle, secrets: readonly string[] = []): void {
  for (const entry of bundle.files) {
    const data = text(entry.data);
    const secret =
      /PRIVATE KEY/.test(data) ||
      /key4\.db$|\.p12$|\.password$/.test(entry.path) ||
      secrets.some((value) => data.includes(value));
    if (secret) assert.equal(entry.mode & 0o007, 0, `${entry.path} (mode ${entry.mode.toString(8)}) is a secret`);
  }
}

/** The password is in the snippet's CERTIDENT line and nowhere else: no other file, no summary line. */
function assertPasswordOnlyIn(bundle: Bundle, snippet: string, password: string): void {
  for (const entry of bundle.files) {
    const count = text(entry.data).split(password).length - 1;
    assert.equal(count, entry.path === snippet ? 1 : 0, `${entry.path} holds the password ${count} times`);
  }
  assert.ok(!bundle.summary.join("\n").includes(password), "the summary does not show the password");
}

function assertUsage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof NutcaError);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, pattern);
    return true;
  });
}

let ca: TestCa;
let server: Identity;
let client: Identity;

before(async () => {
  ca = await makeCa("Test CA", true);
  server = await makeLeaf(ca, "server", "ups1", {
    dns: ["ups1.example.net", "ups-b.example.net"],
    ip: ["192.0.2.10", "2001:db8::1"],
  });
  client = await makeLeaf(ca, "client", "mon1");
});

describe("upsd, OpenSSL", () => {
  it("writes leaf, intermediates, then the unencrypted key in one 0640 PEM, and the snippet", () => {
    const bundle = upsdOpensslBundle({
      identity: server,
      authority: ca.authority,
      installDir: "/etc/nut/tls",
      backendNote: "openssl",
    });
    const pem = file(bundle, "upsd.pem");
    assert.equal(pem.mode, 0o640);
    const blocks = [...text(pem.data).matchAll(/-----BEGIN ([A-Z ]+)-----/g)].map((match) => match[1]);
    assert.deepEqual(blocks, ["CERTIFICATE", "CERTIFICATE", "PRIVATE KEY"]);
    assert.ok(text(pem.data).startsWith(server.certificate.toString("pem")), "the leaf comes first");
    assert.ok(text(pem.data).includes(ca.authority.intermediates[0]!.toString("pem")), "then the intermediate");
    const snippet = lines(bundle, "upsd.conf.snippet");
    assert.ok(snippet.includes("CERTFILE /etc/nut/tls/upsd.pem"));
    assert.ok(snippet.includes("DISABLE_WEAK_SSL true"));
    assertNoWorldReadableSecret(bundle);
    const readme = text(file(bundle, "README.txt").data);
    assert.match(readme, /install -d -o root -g nut -m 0750 \/etc\/nut\/tls\n/);
    assert.match(readme, /install -o root -g nut -m 0640 upsd\.pem \/etc\/nut\/tls\/upsd\.pem/);
    assert.match(readme, /ldd \/lib\/nut\/upsd/);
    assert.match(readme, /NOT the server name/);
    assert.match(readme, /FAILS OPEN/);
    assert.match(readme, /cannot require client certificates/);
  });

  it("uses --install-dir in every config line, quoting it for NUT when it has a blank", () => {
    const bundle = upsdOpensslBundle({
      identity: server,
      authority: ca.authority,
      installDir: "/opt/nut tls/",
      backendNote: "",
    });
    assert.ok(lines(bundle, "upsd.conf.snippet").includes('CERTFILE "/opt/nut tls/upsd.pem"'));
    assert.match(text(file(bundle, "README.txt").data), /upsd\.pem '\/opt\/nut tls\/upsd\.pem'/);
  });

  it("refuses a relative or unquotable install directory", () => {
    const input = { identity: server, authority: ca.authority, backendNote: "" };
    assertUsage(() => upsdOpensslBundle({ ...input, installDir: "etc/nut" }), /not an absolute path/);
    assertUsage(() => upsdOpensslBundle({ ...input, installDir: '/etc/"nut"' }), /quote/);
  });
});

describe("upsd, NSS", () => {
  const input = () => ({ identity: server, authority: ca.authority, installDir: "/etc/nut/tls", backendNote: "nss" });

  it("lays out the database root:nut-ready (0750/0640) and a 0640 snippet that alone holds the password", () => {
    const bundle = upsdNssBundle({ ...input(), nickname: "nut-server", password: PASSWORD, nss: DB });
    for (const name of ["cert9.db", "key4.db", "pkcs11.txt"]) assert.equal(file(bundle, `nssdb/${name}`).mode, 0o640);
    assert.deepEqual(bundle.directories, [{ path: "nssdb", mode: 0o750 }]);
    const snippet = lines(bundle, "upsd.conf.snippet");
    assert.ok(snippet.includes("CERTPATH /etc/nut/tls/nssdb"));
    assert.ok(snippet.includes(`CERTIDENT "nut-server" "${PASSWORD}"`));
    assert.ok(snippet.includes("DISABLE_WEAK_SSL true"));
    assert.ok(snippet.some((line) => /^# SECRET/.test(line)));
    assert.equal(file(bundle, "upsd.conf.snippet").mode, 0o640);
    assertPasswordOnlyIn(bundle, "upsd.conf.snippet", PASSWORD);
    assertNoWorldReadableSecret(bundle, [PASSWORD]);
    const readme = text(file(bundle, "README.txt").data);
    assert.match(readme, /install -d -o root -g nut -m 0750 \/etc\/nut\/tls\/nssdb/);
    assert.match(
      readme,
      /install -o root -g nut -m 0640 nssdb\/cert9\.db nssdb\/key4\.db nssdb\/pkcs11\.txt \/etc\/nut\/tls\/nssdb\//,
    );
    assert.match(readme, /a secret/);
  });

  it("writes CERTIDENT with an empty password when asked, and then the snippet is no secret", () => {
    const bundle = upsdNssBundle({ ...input(), nickname: "my server", password: "", nss: DB });
    assert.ok(lines(bundle, "upsd.conf.snippet").includes('CERTIDENT "my server" ""'));
    assert.equal(file(bundle, "upsd.conf.snippet").mode, 0o644);
  });

  it("without certutil: the .p12 (0600), its password, the CA and a build-nssdb.sh that reads the DB password from the snippet", () => {
    const bundle = upsdNssBundle({ ...input(), nickname: "nut-server", password: PASSWORD, nss: SCRIPT });
    assert.equal(file(bundle, "upsd.p12").mode, 0o600);
    assert.equal(file(bundle, "upsd.p12.password").mode, 0o600);
    assert.equal(file(bundle, "ca.crt.pem").data, ca.authority.root.toString("pem") + "\n");
    assert.ok(file(bundle, "intermediate-1.crt.pem"));
    const script = text(file(bundle, "build-nssdb.sh").data);
    assert.equal(file(bundle, "build-nssdb.sh").mode, 0o755);
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.match(script, /sed -n .*CERTIDENT.* upsd\.conf\.snippet/);
    assert.match(script, /certutil -A .* -n 'Test CA' -t CT,, -a -i ca\.crt\.pem/);
    assert.match(script, /certutil -A .* -n 'Test CA intermediate' -t ,, -a -i intermediate-1\.crt\.pem/);
    assert.match(script, /pk12util -i upsd\.p12 .* -w upsd\.p12\.password -k "\$tmp\/db\.pass"/);
    assert.match(script, /certutil -V .* -n nut-server -u V/);
    assert.doesNotMatch(script, /--empty-password/);
    assert.equal(bundle.directories?.length, 0);
    assertPasswordOnlyIn(bundle, "upsd.conf.snippet", PASSWORD);
    assert.match(bundle.summary.join("\n"), /certutil is not installed here/);
    assert.match(text(file(bundle, "README.txt").data), /sh build-nssdb\.sh \/etc\/nut\/tls\/nssdb/);
  });

  it("refuses a nickname or password NUT's parser would mangle", () => {
    assertUsage(() => upsdNssBundle({ ...input(), nickname: 'a"b', password: "", nss: DB }), /nickname.*quote/);
    assertUsage(() => upsdNssBundle({ ...input(), nickname: "x", password: "a\\b", nss: DB }), /password.*backslash/);
  });
});

describe("upsmon, OpenSSL", () => {
  it("puts each CA certificate under its subject-hash name and writes CERTPATH, CERTVERIFY 1, FORCESSL 1", () => {
    const bundle = upsmonOpensslBundle({
      server,
      authority: ca.authority,
      installDir: "/etc/nut/tls",
      backendNote: "",
    });
    for (const certificate of [ca.authority.root, ...ca.authority.intermediates]) {
      const hash = subjectHash(new Uint8Array(certificate.subjectName.toArrayBuffer()));
      assert.equal(file(bundle, `certs/${hash}.0`).data, certificate.toString("pem") + "\n");
    }
    const snippet = lines(bundle, "upsmon.conf.snippet");
    for (const line of ["CERTPATH /etc/nut/tls/certs", "CERTVERIFY 1", "FORCESSL 1"])
      assert.ok(snippet.includes(line), line);
    assert.ok(!snippet.some((line) => /^CERTFILE|^CERTHOST/.test(line)));
    assert.ok(!bundle.files.some((entry) => entry.path === "upsmon.pem"));
    assert.match(
      text(file(bundle, "README.txt").data),
      /install -o root -g nut -m 0644 certs\/\* \/etc\/nut\/tls\/certs\//,
    );
  });

  it("with --client: upsmon.pem (0640) and a commented CERTFILE line for NUT 2.8.6+", () => {
    const bundle = upsmonOpensslBundle({
      server,
      client,
      authority: ca.authority,
      installDir: "/etc/nut/tls",
      backendNote: "",
    });
    assert.equal(file(bundle, "upsmon.pem").mode, 0o640);
    assert.ok(text(file(bundle, "upsmon.pem").data).startsWith(client.certificate.toString("pem")));
    assert.ok(lines(bundle, "upsmon.conf.snippet").includes("# CERTFILE /etc/nut/tls/upsmon.pem"));
    assertNoWorldReadableSecret(bundle);
  });
});

describe("upsmon, NSS", () => {
  const input = () => ({ server, authority: ca.authority, installDir: "/etc/nut/tls", backendNote: "" });

  it("trusts the CA in a password-less database and names the server as its certificate does", () => {
    const bundle = upsmonNssBundle({
      ...input(),
      server,
      monitorHost: "UPS-B.example.net",
      nickname: "nut-client",
      password: "",
      nss: DB,
    });
    const snippet = lines(bundle, "upsmon.conf.snippet");
    assert.ok(snippet.includes("CERTPATH /etc/nut/tls/upsmon-nssdb"));
    assert.ok(snippet.includes('CERTHOST UPS-B.example.net "ups-b.example.net" 1 1'), snippet.join("\n"));
    assert.ok(snippet.includes("CERTVERIFY 1"));
    assert.ok(snippet.includes("FORCESSL 1"));
    assert.ok(!snippet.some((line) => line.startsWith("CERTIDENT")));
    assert.equal(file(bundle, "upsmon.conf.snippet").mode, 0o644);
    assert.deepEqual(bundle.directories, [{ path: "upsmon-nssdb", mode: 0o750 }]);
  });

  it("with a client identity: CERTIDENT with the password, in a 0640 snippet only", () => {
    const bundle = upsmonNssBundle({ ...input(), server, client, nickname: "nut-client", password: PASSWORD, nss: DB });
    assert.ok(lines(bundle, "upsmon.conf.snippet").includes(`CERTIDENT "nut-client" "${PASSWORD}"`));
    assert.equal(file(bundle, "upsmon.conf.snippet").mode, 0o640);
    assertPasswordOnlyIn(bundle, "upsmon.conf.snippet", PASSWORD);
  });

  it("without certutil and without a client: the CA and an empty-password build-nssdb.sh", () => {
    const bundle = upsmonNssBundle({
      ...input(),
      server,
      nickname: "nut-client",
      password: "",
      nss: { kind: "script", reason: "x" },
    });
    const script = text(file(bundle, "build-nssdb.sh").data);
    assert.match(script, /certutil -N .* --empty-password/);
    assert.doesNotMatch(script, /pk12util -i/);
    assert.ok(!bundle.files.some((entry) => entry.path.endsWith(".p12")));
  });
});

describe("monitorTarget", () => {
  it("defaults to the certificate's first name", () => {
    assert.deepEqual(monitorTarget(server), { host: "ups1.example.net", certName: "ups1.example.net" });
  });

  it("matches DNS names case-insensitively but keeps the MONITOR spelling, and IPs in any form", () => {
    assert.deepEqual(monitorTarget(server, "Ups1.Example.NET"), {
      host: "Ups1.Example.NET",
      certName: "ups1.example.net",
    });
    assert.deepEqual(monitorTarget(server, "192.0.2.10"), { host: "192.0.2.10", certName: "192.0.2.10" });
    assert.deepEqual(monitorTarget(server, "[2001:DB8:0::1]"), { host: "2001:DB8:0::1", certName: "2001:db8::1" });
  });

  it("refuses a host that is not in the SANs, or that has a port", () => {
    assertUsage(
      () => monitorTarget(server, "ups2.example.net"),
      /not a name in the server certificate.*ups1\.example\.net/,
    );
    assertUsage(() => monitorTarget(server, "192.0.2.11"), /SSL is not available/);
    assertUsage(() => monitorTarget(server, "ups1.example.net:3493"), /has a port/);
  });
});
