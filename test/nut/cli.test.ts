// `nutca export upsd|upsmon` through the real CLI: what lands on disk, the
// fallback without certutil, what --json shows, and the refusals (exit 2).
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaJson, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";
import { requireTool } from "../helpers/tools.js";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("nutca export upsd / upsmon", () => {
  let base: string;
  let store: string;

  before(async () => {
    base = tempDir("nutca-nut-cli-");
    store = join(base, "store");
    await runNutcaOk(["init", "--no-passphrase"], { store });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.test", "--ip", "192.0.2.1"], { store });
    await runNutcaOk(["issue", "client", "mon1"], { store });
  });

  it("upsd --backend nss writes the database 0750/0640 and shows the password nowhere but the snippet", async (t) => {
    if (!requireTool(t, "certutil", "pk12util")) return;
    const out = join(base, "upsd-nss");
    const result = await runNutcaJson<{ summary: string[]; files: { path: string }[] }>(
      ["export", "upsd", "--server", "ups1", "--backend", "nss", "--out", out],
      { store },
    );
    assert.equal(mode(out), 0o700);
    assert.equal(mode(join(out, "nssdb")), 0o750);
    for (const name of ["cert9.db", "key4.db", "pkcs11.txt"]) assert.equal(mode(join(out, "nssdb", name)), 0o640);
    assert.equal(mode(join(out, "upsd.conf.snippet")), 0o640);
    const snippet = readFileSync(join(out, "upsd.conf.snippet"), "utf8");
    const password = snippet.match(/^CERTIDENT "nut-server" "([^"]+)"$/m)?.[1];
    assert.ok(password && password.length >= 32, snippet);
    assert.ok(!JSON.stringify(result).includes(password), "--json output does not show the password");
    assert.ok(!readFileSync(join(out, "README.txt"), "utf8").includes(password));
    assert.deepEqual(readdirSync(out).sort(), ["README.txt", "install.sh", "nssdb", "upsd.conf.snippet"]);
  });

  it("takes the DB password from --nss-password-file, or an empty one", async (t) => {
    if (!requireTool(t, "certutil", "pk12util")) return;
    const file = join(base, "db-password.txt");
    writeFileSync(file, "correct horse battery\n", { mode: 0o600 });
    const out = join(base, "upsd-file");
    await runNutcaOk(
      ["export", "upsd", "--server", "ups1", "--backend", "nss", "--nss-password-file", file, "--out", out],
      {
        store,
      },
    );
    assert.match(
      readFileSync(join(out, "upsd.conf.snippet"), "utf8"),
      /^CERTIDENT "nut-server" "correct horse battery"$/m,
    );
    const empty = join(base, "upsd-empty");
    const args = [
      "export",
      "upsd",
      "--server",
      "ups1",
      "--backend",
      "nss",
      "--nss-empty-password",
      "--nickname",
      "srv",
    ];
    await runNutcaOk([...args, "--out", empty], { store });
    assert.match(readFileSync(join(empty, "upsd.conf.snippet"), "utf8"), /^CERTIDENT "srv" ""$/m);
  });

  it("without certutil and pk12util: says so, and writes the .p12 and build-nssdb.sh", async () => {
    const out = join(base, "upsd-fallback");
    const result = await runNutca(["export", "upsd", "--server", "ups1", "--backend", "nss", "--out", out], {
      store,
      env: { PATH: "/nonexistent" },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /certutil and pk12util are not installed here/);
    assert.equal(mode(join(out, "upsd.p12")), 0o600);
    assert.equal(mode(join(out, "build-nssdb.sh")), 0o755);
    assert.ok(existsSync(join(out, "ca.crt.pem")));
    assert.ok(!existsSync(join(out, "nssdb")));
  });

  it("upsmon --backend nss: CERTHOST names the server by its SAN, the CA-only database has no password", async (t) => {
    if (!requireTool(t, "certutil", "pk12util")) return;
    const out = join(base, "upsmon-nss");
    const args = ["export", "upsmon", "--server", "ups1", "--backend", "nss", "--monitor-host", "192.0.2.1"];
    await runNutcaOk([...args, "--out", out], { store });
    const snippet = readFileSync(join(out, "upsmon.conf.snippet"), "utf8");
    assert.match(snippet, /^CERTHOST 192\.0\.2\.1 "192\.0\.2\.1" 1 1$/m);
    assert.match(snippet, /^FORCESSL 1$/m);
    assert.doesNotMatch(snippet, /CERTIDENT/);
    assert.equal(mode(join(out, "upsmon.conf.snippet")), 0o644);
    assert.equal(mode(join(out, "upsmon-nssdb")), 0o750);
  });

  it("upsmon --backend nss --client: the client key in the database, CERTIDENT in a 0640 snippet", async (t) => {
    if (!requireTool(t, "certutil", "pk12util")) return;
    const out = join(base, "upsmon-client");
    const args = ["export", "upsmon", "--server", "ups1", "--backend", "nss", "--client", "mon1"];
    await runNutcaOk([...args, "--out", out], { store });
    assert.match(
      readFileSync(join(out, "upsmon.conf.snippet"), "utf8"),
      /^CERTIDENT "nut-client" "[A-Za-z0-9_-]{32}"$/m,
    );
    assert.equal(mode(join(out, "upsmon.conf.snippet")), 0o640);
  });

  it("--backend auto detects this host's NUT (Debian: NSS, from /lib/nut/upsmon)", async (t) => {
    if (!requireTool(t, "certutil", "pk12util", "ldd")) return;
    if (!existsSync("/lib/nut/upsmon")) {
      if (process.env.CI) throw new Error("Debian's nut-client is required on CI");
      return t.skip("no Debian NUT here");
    }
    const result = await runNutcaJson<{ summary: string[] }>(
      ["export", "upsmon", "--server", "ups1", "--backend", "auto", "--out", join(base, "upsmon-auto")],
      { store },
    );
    assert.match(result.summary[0]!, /^Backend: nss \(detected on this host: \/lib\/nut\/upsmon links libnss3\)$/);
  });

  it("refuses bad input with exit 2 and writes nothing", async () => {
    const out = join(base, "refused");
    const cases: [string[], RegExp][] = [
      [["export", "upsd", "--server", "ups1"], /--backend/],
      [["export", "upsd", "--server", "ups1", "--backend", "gnutls"], /unknown backend "gnutls"/],
      [["export", "upsd", "--server", "mon1", "--backend", "openssl"], /needs a server certificate/],
      [
        ["export", "upsd", "--server", "ups1", "--backend", "nss", "--nss-empty-password", "--nss-password-file", "x"],
        /contradict/,
      ],
      [["export", "upsmon", "--server", "ups1", "--backend", "openssl", "--monitor-host", "192.0.2.2"], /not a name/],
    ];
    const storeBefore = snapshotDir(store);
    const results = await Promise.all(cases.map(([args]) => runNutca([...args, "--out", out], { store })));
    for (const [index, [args, pattern]] of cases.entries()) {
      assert.equal(results[index]!.code, 2, `${args.join(" ")}: ${results[index]!.stderr}`);
      assert.match(results[index]!.stderr, pattern);
    }
    assert.ok(!existsSync(out), "nothing was written");
    assert.deepEqual(snapshotDir(store), storeBefore, "the store is unchanged");
  });
});
