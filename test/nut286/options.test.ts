// The version and 2.8.6 options as input: what -DDh says about a build, and bad
// values refused with one line, exit 2 and nothing written; the default export
// says it is for Debian 12's NUT and holds no 2.8.6 line.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildFacts } from "../../src/nut/version.js";
import { runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";

describe("NUT version options", () => {
  let base: string;
  let store: string;

  before(async () => {
    base = tempDir("nutca-nut286-options-");
    store = join(base, "store");
    await runNutcaOk(["init", "--no-passphrase", "--name", "Options CA"], { store });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "localhost", "--ip", "127.0.0.1"], { store });
    await runNutcaOk(["issue", "client", "mon1"], { store });
  });

  it("reads backend and client certificate validation from -DDh", () => {
    const line = (backend: string, validation: string) =>
      `   0.000027\t[D1:upsd] NUT data server was built with SSL support: ${backend}; ${validation}`;
    assert.deepEqual(buildFacts(line("OpenSSL", "with client certificate validation")), {
      backend: "openssl",
      clientValidation: true,
    });
    assert.deepEqual(buildFacts(line("Mozilla NSS", "without client certificate validation")), {
      backend: "nss",
      clientValidation: false,
    });
    assert.deepEqual(buildFacts("Network UPS Tools upsd 2.8.0\nusage: upsd [OPTIONS]"), { clientValidation: false });
  });

  const refusals: [string, string[], RegExp][] = [
    ["an unknown version", ["upsd", "--nut-version", "2.9"], /^nutca: unknown NUT version "2\.9" — pass --nut-version/],
    [
      "an unknown --client-certs",
      ["upsd", "--nut-version", "2.8.6", "--client-certs", "maybe"],
      /unknown --client-certs/,
    ],
    [
      "--encrypt-key for NSS",
      ["upsd", "--backend", "nss", "--nut-version", "2.8.6", "--encrypt-key"],
      /--encrypt-key applies to --backend openssl/,
    ],
    ["a bad --port", ["upsmon", "--port", "70000", "--nut-version", "2.8.6"], /--port 70000 is not a port/],
  ];
  for (const [title, args, message] of refusals) {
    it(`refuses ${title}: exit 2, one line, nothing written`, async () => {
      const out = join(base, title.replace(/\W+/g, "-"));
      const withBackend = args.includes("--backend") ? args : [...args, "--backend", "openssl"];
      const result = await runNutca(["export", ...withBackend, "--server", "ups1", "--out", out], { store });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
      assert.equal(existsSync(out), false);
    });
  }

  it("--encrypt-key --key-password-file: that password in CERTIDENT, and openssl opens the key with it", async () => {
    const passwordFile = join(base, "key.password");
    writeFileSync(passwordFile, "a key password 1\n", { mode: 0o600 });
    const out = join(base, "encrypted");
    const args = ["export", "upsd", "--server", "ups1", "--backend", "openssl", "--nut-version", "2.8.6"];
    await runNutcaOk([...args, "--encrypt-key", "--key-password-file", passwordFile, "--out", out], { store });
    const snippet = readFileSync(join(out, "upsd.conf.snippet"), "utf8");
    assert.match(snippet, /^CERTIDENT "localhost" "a key password 1"$/m);
    assert.equal(statSync(join(out, "upsd.conf.snippet")).mode & 0o777, 0o640);
    const opened = spawnSync("openssl", [
      "pkey",
      "-in",
      join(out, "upsd.pem"),
      "-passin",
      `file:${passwordFile}`,
      "-noout",
    ]);
    assert.equal(opened.status, 0, String(opened.stderr));
    const wrong = spawnSync("openssl", ["pkey", "-in", join(out, "upsd.pem"), "-passin", "pass:wrong", "-noout"]);
    assert.notEqual(wrong.status, 0);
  });

  it("the default export is for Debian 12's NUT and holds no 2.8.6 line", async () => {
    const out = join(base, "default");
    const upsd = await runNutcaOk(["export", "upsd", "--server", "ups1", "--backend", "openssl", "--out", out], {
      store,
    });
    assert.match(upsd.stdout, /NUT version: 2\.8\.0 \(the default: Debian 12's NUT; --nut-version for others\)/);
    const snippet = readFileSync(join(out, "upsd.conf.snippet"), "utf8");
    assert.doesNotMatch(snippet, /^(CERTIDENT|CERTPATH|CERTREQUEST)/m);
    const mon = join(base, "default-upsmon");
    await runNutcaOk(
      ["export", "upsmon", "--server", "ups1", "--client", "mon1", "--backend", "openssl", "--out", mon],
      {
        store,
      },
    );
    const monSnippet = readFileSync(join(mon, "upsmon.conf.snippet"), "utf8");
    assert.match(monSnippet, /^# CERTFILE /m);
    assert.doesNotMatch(monSnippet, /^(CERTFILE|CERTHOST)/m);
  });
});
