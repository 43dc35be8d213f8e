// `nutca export p12` against the real readers: OpenSSL 3 (without -legacy for
// the default file) and NSS pk12util/certutil, which must list the friendly
// name as the nickname upsd's CERTIDENT will name.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { modeOf, runNutcaJson, runNutcaOk, tempDir, writePassphraseFile } from "../helpers/cli.js";
import { requireTool, run, runOk } from "../helpers/tools.js";

const PASSWORD = "interop p12 password";

describe("nutca export p12 with openssl and pk12util", () => {
  let work: string;
  let store: string;
  let passwordFile: string;
  let emptyFile: string;

  before(async () => {
    work = tempDir("nutca-p12-");
    store = join(work, "store");
    await runNutcaOk(["init", "--no-passphrase"], { store });
    await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.example.net"], { store });
    passwordFile = writePassphraseFile(work, PASSWORD, "p12-password.txt");
    emptyFile = join(work, "empty.txt");
    writeFileSync(emptyFile, "", { mode: 0o600 });
  });

  async function exportP12(out: string, ...extra: string[]): Promise<string> {
    await runNutcaOk(["export", "p12", "ups1", "--out", join(work, out), ...extra], { store });
    return join(work, out, "ups1.p12");
  }

  /** Imports into a fresh NSS database (empty password) and returns `certutil -L` and `certutil -K`. */
  function nssImport(p12: string, password: string, db: string): { certs: string; keys: string } {
    const dir = `sql:${join(work, db)}`;
    mkdirSync(join(work, db), { mode: 0o700 });
    runOk("certutil", ["-N", "-d", dir, "--empty-password"]);
    runOk("pk12util", ["-i", p12, "-d", dir, "-w", password, "-k", emptyFile]);
    return {
      certs: runOk("certutil", ["-L", "-d", dir]).stdout,
      keys: runOk("certutil", ["-K", "-d", dir, "-f", emptyFile]).output,
    };
  }

  const nicknames = (listing: string) =>
    listing
      .split("\n")
      .slice(3)
      .map((line) => line.replace(/\s+\S*,\S*,\S*\s*$/, "").trim())
      .filter(Boolean);

  test("the default file is 0600 and OpenSSL 3 reads it without -legacy; a wrong password fails", async (t) => {
    if (!requireTool(t, "openssl")) return;
    const p12 = await exportP12("modern", "--p12-password-file", passwordFile);
    assert.equal(modeOf(p12), 0o600);
    const info = runOk("openssl", ["pkcs12", "-info", "-noout", "-in", p12, "-passin", `file:${passwordFile}`]);
    assert.match(info.output, /MAC: sha256/);
    assert.match(info.output, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
    const full = runOk("openssl", ["pkcs12", "-in", p12, "-passin", `file:${passwordFile}`, "-nodes"]).stdout;
    assert.match(full, /friendlyName: ups1/);
    assert.equal((full.match(/BEGIN CERTIFICATE/g) ?? []).length, 2, "leaf and CA");
    assert.match(full, /BEGIN PRIVATE KEY/);

    const wrong = writePassphraseFile(work, "not the password", "wrong.txt");
    const refused = run("openssl", ["pkcs12", "-info", "-noout", "-in", p12, "-passin", `file:${wrong}`]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /invalid password|mac verify/i);
  });

  test("pk12util imports it: the nickname is the friendly name, with its key; the chain verifies", async (t) => {
    if (!requireTool(t, "pk12util", "certutil")) return;
    const p12 = await exportP12("nss", "--p12-password-file", passwordFile);
    const { certs, keys } = nssImport(p12, passwordFile, "nssdb");
    const names = nicknames(certs);
    assert.ok(names.includes("ups1"), certs);
    assert.match(keys, /\sups1\s*$/m);
    const dir = `sql:${join(work, "nssdb")}`;
    const caName = names.find((name) => name !== "ups1")!;
    runOk("certutil", ["-M", "-d", dir, "-n", caName, "-t", "CT,,"]);
    assert.match(runOk("certutil", ["-V", "-d", dir, "-n", "ups1", "-u", "V"]).output, /certificate is valid/);
  });

  test("--friendly-name sets the NSS nickname", async (t) => {
    if (!requireTool(t, "pk12util", "certutil")) return;
    const p12 = await exportP12("named", "--p12-password-file", passwordFile, "--friendly-name", "nut-server");
    const { certs, keys } = nssImport(p12, passwordFile, "nssdb-named");
    assert.ok(nicknames(certs).includes("nut-server"), certs);
    assert.match(keys, /\snut-server\s*$/m);
  });

  test("--legacy: 3DES and SHA-1, read by openssl -legacy and by pk12util", async (t) => {
    if (!requireTool(t, "openssl", "pk12util", "certutil")) return;
    const p12 = await exportP12("legacy", "--p12-password-file", passwordFile, "--legacy");
    assert.equal(modeOf(p12), 0o600);
    const info = runOk("openssl", [
      "pkcs12",
      "-legacy",
      "-info",
      "-noout",
      "-in",
      p12,
      "-passin",
      `file:${passwordFile}`,
    ]);
    assert.match(info.output, /MAC: sha1/);
    assert.match(info.output, /pbeWithSHA1And3-KeyTripleDES-CBC/);
    const { certs, keys } = nssImport(p12, passwordFile, "nssdb-legacy");
    assert.ok(nicknames(certs).includes("ups1"), certs);
    assert.match(keys, /\sups1\s*$/m);
  });

  test("without a password file, a generated password is shown once in the summary and opens the file", async (t) => {
    if (!requireTool(t, "openssl")) return;
    const out = join(work, "generated");
    const result = await runNutcaJson<{ summary: string[] }>(["export", "p12", "ups1", "--out", out], { store });
    const shown = result.summary.map((line) => /password .*: (\S{24})$/.exec(line)?.[1]).filter(Boolean);
    assert.equal(shown.length, 1, result.summary.join("\n"));
    const password = shown[0]!;
    for (const name of readdirSync(out)) assert.ok(!readFileSync(join(out, name)).includes(password), name);
    const file = writePassphraseFile(work, password, "generated.txt");
    runOk("openssl", ["pkcs12", "-info", "-noout", "-in", join(out, "ups1.p12"), "-passin", `file:${file}`]);

    const human = await runNutcaOk(["export", "p12", "ups1", "--out", join(work, "generated-human")], { store });
    assert.equal(human.stdout.match(/shown only now/g)?.length, 1, human.stdout);
    assert.ok(!human.stderr.includes("shown only now"));
  });
});
