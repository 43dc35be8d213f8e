// `nutca export nutauth` through the CLI: the whole file it writes (sections, modes, pure ASCII, the
// nutauth.d/ form and its INCLUDE lines), and bad input refused with one line, exit 2, nothing written.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { modeOf, runNutca, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";
import { requireTool } from "../helpers/tools.js";
import { makeStore } from "../inspect/support.js";

let dir: string;
let store: string;
let passwordFile: string;

before(async () => {
  dir = tempDir("nutca-nutauth-export-");
  store = join(dir, "store");
  await makeStore(store, {
    servers: [
      { name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] },
      { name: "ups2", dns: ["ups2.example.net"] },
    ],
    clients: ["mon1"],
  });
  passwordFile = join(dir, "admin.pass");
  writeFileSync(passwordFile, "admin secret\n", { mode: 0o600 });
});

describe("export nutauth, OpenSSL", () => {
  it("one section per server, with a user's section beside it, the client PEM, 0600, pure ASCII", async () => {
    const out = join(dir, "two");
    await runNutcaOk(
      [
        ...["export", "nutauth", "--server", "ups1", "ups2", "--backend", "openssl", "--client", "mon1"],
        ...["--monitor-host", "127.0.0.1", "ups2.example.net", "--port", "3494", "--user", "admin"],
        ...["--password-file", passwordFile, "--install-dir", "/etc/nut", "--out", out],
      ],
      { store },
    );
    const conf = readFileSync(join(out, "nutauth.conf"), "utf8");
    const tls = (host: string) => [
      "SSLBACKEND = openssl",
      "CERTPATH = /etc/nut/nutauth-certs",
      "CERTFILE = /etc/nut/nutauth.pem",
      `CERTHOST = "${host}"`,
      "CERTVERIFY = on",
      "FORCESSL = on",
    ];
    const sections = (host: string) => [
      `[@${host}:3494]`,
      ...tls(host),
      "",
      `[admin@${host}:3494]`,
      'PASS = "admin secret"',
      ...tls(host),
    ];
    assert.deepEqual(conf.split("\n"), [
      "# nutauth.conf from nutca (NUT 2.8.6 clients, OpenSSL build)",
      "",
      ...sections("127.0.0.1"),
      "",
      ...sections("ups2.example.net"),
      "",
    ]);
    assert.match(conf, /^[\x20-\x7e\n]*$/);
    assert.equal(modeOf(join(out, "nutauth.conf")), 0o600);
    for (const [server, host] of [
      ["ups1", "127.0.0.1"],
      ["ups2", "ups2.example.net"],
    ] as const) {
      const part = readFileSync(join(out, "nutauth.d", `${server}.conf`), "utf8");
      assert.deepEqual(part.split("\n"), [`# nutauth.conf sections from nutca for "${server}"`, ...sections(host), ""]);
      assert.equal(modeOf(join(out, "nutauth.d", `${server}.conf`)), 0o600);
    }
    const pem = readFileSync(join(out, "nutauth.pem"), "utf8");
    assert.match(pem, /^-----BEGIN CERTIFICATE-----[^]*-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----/);
    assert.equal(modeOf(join(out, "nutauth.pem")), 0o600);
    const readme = readFileSync(join(out, "README.txt"), "utf8");
    assert.match(readme, /^ {5}INCLUDE \/etc\/nut\/nutauth\.d\/ups1\.conf$/m);
    assert.match(readme, /^ {5}INCLUDE \/etc\/nut\/nutauth\.d\/ups2\.conf$/m);
    for (const place of ["-A FILE", "$NUT_AUTHCONF_FILE", "$NUT_AUTHCONF_PATH/nutauth.conf", "~/.config/nut"]) {
      assert.ok(readme.includes(place), place);
    }
    assert.match(readme, /\$NUT_CONFPATH\/nutauth\.conf/);
    assert.match(readme, /upsc, upscmd, upsrw, upslog, the CGIs and PyNUT of NUT 2\.8\.6 and later/);
    assert.match(readme, /OLDER NUT IGNORES IT/);
    assert.ok(!readme.includes("admin secret") && !readFileSync(join(out, "README.txt"), "utf8").includes("PASS ="));
  });
});

describe("doctor --export on nutauth bundles", () => {
  for (const backend of ["openssl", "nss"] as const) {
    it(`${backend}: healthy (an NSS database read by the clients' user need not be readable by nut)`, async (t) => {
      if (backend === "nss" && !requireTool(t, "certutil", "pk12util")) return;
      const out = join(dir, `doctor-${backend}`);
      await runNutcaOk(
        ["export", "nutauth", "--server", "ups1", "--client", "mon1", "--backend", backend, "--out", out],
        { store },
      );
      assert.equal(modeOf(join(out, backend === "nss" ? "nutauth-nssdb/key4.db" : "nutauth.pem")), 0o600);
      if (backend === "nss") {
        const conf = readFileSync(join(out, "nutauth.conf"), "utf8");
        const password = /^CERTIDENT_PASS = "([A-Za-z0-9_-]{16,})"$/m.exec(conf)?.[1];
        assert.ok(password, conf);
        assert.match(conf, /^SSLBACKEND = nss\nCERTPATH = \/etc\/nut\/nutauth-nssdb\nCERTIDENT_NAME = "nut-client"\n/m);
        assert.ok(
          !readFileSync(join(out, "README.txt"), "utf8").includes(password),
          "the password is not in the README",
        );
      }
      const result = await runNutca(["doctor", "--export", out], { store });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /Healthy: no problems found/);
    });
  }
});

describe("export nutauth, bad input: one line, exit 2, nothing written", () => {
  const cases: [string, string[], RegExp][] = [
    ["a --monitor-host that is not a SAN", ["--monitor-host", "ups9.example.net"], /not a name in the server/],
    ["an unknown server", ["--server", "nosuch"], /nosuch/],
    ["--user without --password-file", ["--user", "admin"], /--user and --password-file go together/],
    [
      "a --monitor-host for each of two servers missing",
      ["--server", "ups2", "--monitor-host", "localhost"],
      /2 --server/,
    ],
    ["a port that is not one", ["--port", "70000"], /not a TCP port/],
  ];
  for (const [what, extra, message] of cases) {
    it(what, async () => {
      const before = snapshotDir(store);
      const out = join(dir, `bad-${what.replace(/\W+/g, "-")}`);
      const result = await runNutca(
        ["export", "nutauth", "--server", "ups1", "--backend", "openssl", ...extra, "--out", out],
        { store },
      );
      assert.equal(result.code, 2, result.stderr);
      const lines = result.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, /^nutca: /);
      assert.match(lines[0]!, message);
      assert.equal(result.stdout, "");
      assert.equal(existsSync(out), false);
      assert.deepEqual(snapshotDir(store), before);
    });
  }
});
