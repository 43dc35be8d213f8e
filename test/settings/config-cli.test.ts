// `nutca config` through the real CLI: round trips, clear refusals of bad
// values, the saved store used by other commands, and the store untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runBin, scratch } from "../wizard/fixtures.js";

function setUp() {
  const root = scratch();
  const config = join(root, "config");
  const env = { PATH: process.env.PATH, HOME: root, NUTCA_CONFIG_DIR: config };
  const nutca = (...argv: string[]) => runBin(argv, env);
  return { root, config, env, nutca, file: join(config, "config.json") };
}

test("set, get, list and reset round-trip; the file is 0600", () => {
  const { nutca, file } = setUp();
  assert.equal(nutca("config", "get", "keyType").stdout, "ec-p256\n", "the default when nothing is saved");
  const set = nutca("config", "set", "keyType", "RSA-3072");
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, `Saved keyType = rsa-3072 in ${file}\n`);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(nutca("config", "get", "keyType").stdout, "rsa-3072\n");
  assert.deepEqual(JSON.parse(nutca("--json", "config", "get", "keyType").stdout), {
    key: "keyType",
    value: "rsa-3072",
    saved: true,
    default: "ec-p256",
  });
  assert.equal(nutca("config", "set", "organization", "Acme Power").code, 0);
  const list = nutca("config", "list").stdout;
  assert.match(list, /^KEY +VALUE +MEANING/);
  assert.match(list, /keyType +rsa-3072 +the wizard's key type for a new CA/);
  assert.match(list, /organization +Acme Power/);
  assert.match(list, /backend +\(not set\)/);
  assert.match(list, /storeDir +\(default: \.\/ca-store\)/);
  assert.deepEqual(JSON.parse(nutca("--json", "config", "list").stdout).settings, {
    keyType: "rsa-3072",
    organization: "Acme Power",
  });
  assert.equal(nutca("config", "reset", "keyType").stdout, "Reset keyType to (default: ec-p256)\n");
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), { organization: "Acme Power" });
  assert.equal(nutca("config", "reset").stdout, `Removed ${file}: every setting is back to its default\n`);
  assert.equal(nutca("config", "reset").stdout, "No settings were saved\n");
});

test("bad keys and values are refused with one clear line, exit 2, the file unchanged", () => {
  const { nutca, file } = setUp();
  assert.equal(nutca("config", "set", "backend", "nss").code, 0);
  const before = readFileSync(file);
  const cases: [string[], string][] = [
    [["keyType", "ed25519"], `unknown key type "ed25519" — use one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096`],
    [["leafNotAfter", "yesterday"], `cannot read the expiry "yesterday" — use never, a date like 2035-12-31`],
    [["leafNotAfter", "2001-01-01"], `the expiry "2001-01-01" is in the past — give a future date or a duration`],
    [["backend", "gnutls"], `unknown backend "gnutls" — use one of openssl, nss`],
    [["installDir", "etc/nut"], `installDir "etc/nut" is not an absolute path — give one like /etc/nut`],
    [["colour", "blue"], `unknown setting "colour" — use one of storeDir, keyType, leafNotAfter, organization`],
  ];
  for (const [args, message] of cases) {
    const result = nutca("config", "set", ...args);
    assert.equal(result.code, 2, args.join(" "));
    assert.ok(result.stderr.startsWith(`nutca: ${message}`), result.stderr);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.deepEqual(readFileSync(file), before);
  }
  const json = nutca("--json", "config", "set", "keyType", "dsa");
  assert.equal(JSON.parse(json.stderr).error.code, "BAD_KEY_TYPE");
});

test("the saved storeDir is used by commands without --store; config never touches the store", () => {
  const { root, env, nutca } = setUp();
  const store = join(root, "store");
  assert.equal(runBin(["--store", store, "init", "--no-passphrase"], env).code, 0);
  const before = snapshot(store);
  assert.equal(nutca("config", "set", "storeDir", store).code, 0);
  nutca("config", "get", "storeDir");
  nutca("config", "list");
  const elsewhere = join(root, "elsewhere");
  mkdirSync(elsewhere);
  const list = runBin(["list"], env, elsewhere);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ca +ca /m);
  nutca("config", "reset", "storeDir");
  nutca("config", "reset");
  assert.deepEqual(snapshot(store), before);
});

test("a broken settings file: a clear error for commands that need the store, fixed by config reset", () => {
  const { config, env, nutca, root } = setUp();
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "config.json"), "{ broken");
  const list = nutca("list");
  assert.equal(list.code, 2);
  assert.match(
    list.stderr,
    /^nutca: the settings file .*config\.json is invalid: it is not valid JSON — fix it, or run nutca config reset\n$/,
  );
  assert.equal(nutca("--help").code, 0, "--help reads no settings");
  assert.equal(nutca("--version").code, 0);
  assert.equal(runBin(["--store", join(root, "s"), "list"], env).stderr.includes("settings"), false);
  assert.equal(nutca("config", "set", "keyType", "ec-p384").code, 2);
  assert.equal(nutca("config", "reset").code, 0);
  assert.equal(nutca("config", "set", "keyType", "ec-p384").code, 0);
});

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of readdirSync(dir, { recursive: true }) as string[]) {
    const full = join(dir, path);
    const stat = statSync(full);
    files[path] = stat.isFile()
      ? `${createHash("sha256").update(readFileSync(full)).digest("hex")} ${stat.mode.toString(8)}`
      : `dir ${stat.mode.toString(8)}`;
  }
  return files;
}

test("a saved path with a bidi override is escaped in the result line and the warning, and saved as given", () => {
  const { root, nutca, file } = setUp();
  const dir = join(root, "store\u202Eevil");
  const set = nutca("config", "set", "storeDir", dir);
  assert.equal(set.code, 0, set.stderr);
  const shown = join(root, "store\\u202eevil");
  assert.equal(set.stdout, `Saved storeDir = ${shown} in ${file}\n`);
  assert.equal(
    set.stderr,
    `nutca: warning: ${shown} holds no CA yet: nutca init (or the wizard) will create one there\n`,
  );
  assert.equal((JSON.parse(readFileSync(file, "utf8")) as { storeDir: string }).storeDir, dir);
});
