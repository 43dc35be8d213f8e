// src/settings.ts: values checked with the commands' parsers, the store
// lookup order, a private file, and a broken file reported (not ignored).
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after } from "node:test";
import { createContext } from "../../src/cli/context.js";
import { NutcaError } from "../../src/errors.js";
import { locateStore, openSettings, parseSetting, savedStoreDir, settingsDir } from "../../src/settings.js";

const root = mkdtempSync(join(tmpdir(), "nutca-settings-"));
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const freshEnv = () => ({ NUTCA_CONFIG_DIR: join(root, `config-${++count}`) });
const NOW = new Date("2026-11-26T12:00:00Z");

test("values are checked and normalised with the same parsers as the commands", async () => {
  assert.equal(await parseSetting("keyType", " RSA-3072 "), "rsa-3072");
  assert.equal(await parseSetting("leafNotAfter", "825D", NOW), "825d");
  assert.equal(await parseSetting("backend", "NSS"), "nss");
  assert.equal(await parseSetting("installDir", "/etc/nut/tls/"), "/etc/nut/tls");
  assert.equal(await parseSetting("storeDir", "rel/store"), resolve("rel/store"));
  assert.equal(await parseSetting("organization", " Acme "), "Acme");
  const rejects = async (key: Parameters<typeof parseSetting>[0], value: string, message: RegExp) =>
    assert.rejects(parseSetting(key, value, NOW), (error: unknown) => {
      assert.ok(error instanceof NutcaError);
      assert.match(error.line, message);
      assert.equal(error.exitCode, 2);
      return true;
    });
  await rejects("keyType", "ed25519", /unknown key type "ed25519" — use one of ec-p256, ec-p384/);
  await rejects("leafNotAfter", "2020-01-01", /the expiry "2020-01-01" is in the past/);
  await rejects("leafNotAfter", "soon", /cannot read the expiry "soon"/);
  await rejects("backend", "gnutls", /unknown backend "gnutls" — use one of openssl, nss/);
  await rejects("installDir", "etc/nut", /installDir "etc\/nut" is not an absolute path/);
  await rejects("organization", "x".repeat(65), /must be 1 to 64 printable characters/);
  await rejects("storeDir", " ", /storeDir must not be empty/);
});

test('a directory value reads back unchanged: no trailing space left by resolving (": /")', async () => {
  for (const key of ["storeDir", "outDir"] as const) {
    for (const value of [": /", "a / /", "store /", " /tmp/x/ ", "/"]) {
      const saved = await parseSetting(key, value);
      assert.equal(saved, saved.trimEnd(), `${key} ${JSON.stringify(value)} -> ${JSON.stringify(saved)}`);
      assert.equal(await parseSetting(key, saved), saved, `${key} ${JSON.stringify(value)} re-parsed`);
    }
  }
});

test("the store: --store, then NUTCA_STORE, then the saved preference, then ./ca-store", () => {
  const env = freshEnv();
  assert.deepEqual(locateStore(undefined, env), { dir: resolve("./ca-store"), source: "default" });
  writeSettings(env, { storeDir: "/saved" });
  assert.deepEqual(locateStore(undefined, env), { dir: "/saved", source: "saved preference" });
  assert.deepEqual(locateStore(undefined, { ...env, NUTCA_STORE: "/env" }), { dir: "/env", source: "NUTCA_STORE" });
  assert.deepEqual(locateStore("/flag", { ...env, NUTCA_STORE: "/env" }), { dir: "/flag", source: "--store" });
  assert.equal(createContext({}, env).storeDir, "/saved");
});

test("a broken settings file is reported with what to do, and --store does not read it", () => {
  const env = freshEnv();
  writeSettings(env, {});
  writeFileSync(join(env.NUTCA_CONFIG_DIR, "config.json"), "{ not json");
  assert.throws(() => savedStoreDir(env), {
    message: `the settings file ${join(env.NUTCA_CONFIG_DIR, "config.json")} is invalid: it is not valid JSON`,
  });
  assert.throws(
    () => createContext({}, env).storeDir,
    (error: unknown) => {
      assert.ok(error instanceof NutcaError);
      assert.match(error.line, /— fix it, or run nutca config reset$/);
      return true;
    },
  );
  assert.equal(createContext({ store: "/flag" }, env).storeDir, "/flag");
});

test("set, get and reset round-trip in a 0600 file; opening creates no file", async () => {
  const env = freshEnv();
  const settings = await openSettings(env);
  assert.equal(settings.path, join(env.NUTCA_CONFIG_DIR, "config.json"));
  assert.ok(!existsSync(settings.path), "opening alone writes nothing");
  assert.equal(statSync(env.NUTCA_CONFIG_DIR).mode & 0o777, 0o700);
  settings.set({ keyType: "ec-p384", backend: "nss", outDir: "/tmp/out" });
  assert.equal(statSync(settings.path).mode & 0o777, 0o600);
  assert.deepEqual((await openSettings(env)).all(), { keyType: "ec-p384", backend: "nss", outDir: "/tmp/out" });
  settings.reset("backend");
  assert.equal((await openSettings(env)).get("backend"), undefined);
  settings.reset();
  assert.deepEqual((await openSettings(env)).all(), {});
});

test("a value that fails the schema (edited by hand) is reported, not silently dropped", async () => {
  const env = freshEnv();
  writeSettings(env, { keyType: "ed25519" });
  await assert.rejects(openSettings(env), (error: unknown) => {
    assert.ok(error instanceof NutcaError);
    assert.match(
      error.line,
      /the settings file .*config\.json is invalid: .*keyType.* — fix it, or run nutca config reset/,
    );
    return true;
  });
});

test("NUTCA_CONFIG_DIR moves the file; without it, XDG_CONFIG_HOME/nutca (conf's own choice)", async () => {
  assert.equal(settingsDir({ NUTCA_CONFIG_DIR: "rel" }), resolve("rel"));
  if (process.platform !== "linux") return;
  // conf (through env-paths) reads the process's environment, as it does for every user.
  const saved = process.env.XDG_CONFIG_HOME;
  process.env.XDG_CONFIG_HOME = join(root, "xdg");
  try {
    assert.equal(settingsDir({}), join(root, "xdg", "nutca"));
    const settings = await openSettings({});
    assert.equal(settings.path, join(root, "xdg", "nutca", "config.json"));
    settings.set({ backend: "nss" });
    assert.equal(savedStoreDir({}), undefined);
    assert.equal(statSync(settings.path).mode & 0o777, 0o600);
  } finally {
    if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved;
  }
});

test("a settings file left 0644 by hand is private again after the next write", async () => {
  const env = freshEnv();
  writeSettings(env, { backend: "nss" });
  chmodSync(join(env.NUTCA_CONFIG_DIR, "config.json"), 0o644);
  (await openSettings(env)).set({ keyType: "ec-p384" });
  assert.equal(statSync(join(env.NUTCA_CONFIG_DIR, "config.json")).mode & 0o777, 0o600);
});

function writeSettings(env: { NUTCA_CONFIG_DIR: string }, values: object): void {
  mkdirSync(env.NUTCA_CONFIG_DIR, { recursive: true, mode: 0o700 });
  writeFileSync(join(env.NUTCA_CONFIG_DIR, "config.json"), JSON.stringify(values), { mode: 0o600 });
}
