// `nutca config` values and the settings file, fuzzed: accepted, or refused with a one-line NutcaError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { openSettings, parseSetting, parseSettingKey, savedStoreDir, SETTING_KEYS } from "../../src/settings.js";
import { NOW, work, acceptOrReject, acceptOrRejectSync, Input, toBytes } from "./support.js";

// ---------------------------------------------------------------- 4. settings

const settingValue = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...["ec-p256", "RSA-3072", " ec-p384 ", "ed25519", "never", "NEVER", "825D", "2035-12-31", "2020-01-01"],
      ...["2035-12-31T23:59:59Z", "0d", "openssl", "NSS", "gnutls", "/etc/nut", "/etc/nut/", "//x/../y/", "/a b"],
      ...["etc/nut", "~/x", "store /", ": /", ".", "..", "/", "", " ", "Acme", "x".repeat(65), "\u0000", "\n", "é"],
    ),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-zA-Z0-9 /._:\-~"\\]{0,40}$/) },
  { weight: 2, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

test("parseSetting: any value for every key is accepted or a one-line NutcaError", async () => {
  for (const key of SETTING_KEYS) {
    await fc.assert(
      fc.asyncProperty(settingValue, async (value) => {
        const parsed = await acceptOrReject(() => parseSetting(key, value, NOW));
        assert.ok(parsed === undefined || typeof parsed === "string", `${key}: ${String(parsed)}`);
      }),
      { numRuns: 400, includeErrorInReport: true },
    );
  }
});

test("parseSetting: a saved (normalised) value is accepted again unchanged", async () => {
  for (const key of SETTING_KEYS) {
    await fc.assert(
      fc.asyncProperty(settingValue, async (value) => {
        const parsed = await acceptOrReject(() => parseSetting(key, value, NOW));
        if (parsed === undefined) return;
        assert.equal(await parseSetting(key, parsed, NOW), parsed, `${key}: ${JSON.stringify(parsed)} re-parsed`);
      }),
      { numRuns: 200, includeErrorInReport: true },
    );
  }
});

test("parseSettingKey: any text is a known key or a one-line NutcaError", () => {
  const text = fc.oneof(
    fc.constantFrom(...SETTING_KEYS),
    fc.constantFrom(...SETTING_KEYS).map((key) => ` ${key.toUpperCase()}`),
    fc.constantFrom("__proto__", "constructor", "toString", "", "store-dir", "storedir"),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
  );
  fc.assert(
    fc.property(text, (text) => {
      const key = acceptOrRejectSync(() => parseSettingKey(text));
      if (key !== undefined) assert.ok((SETTING_KEYS as readonly string[]).includes(key));
    }),
    { numRuns: 2000, includeErrorInReport: true },
  );
});

test("a corrupt settings file: openSettings and the start-up store lookup read it or refuse it cleanly", async () => {
  const value = fc.oneof(
    fc.constantFrom("ec-p256", "nss", "/etc/nut", "never", "", "x".repeat(65), "relative"),
    fc.string({ maxLength: 20 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const object = fc.dictionary(
    fc.oneof(fc.constantFrom(...SETTING_KEYS, "__proto__", "constructor"), fc.string({ maxLength: 10 })),
    value,
    { maxKeys: 6 },
  );
  const content: fc.Arbitrary<Input> = fc.oneof(
    { weight: 3, arbitrary: object.map((settings) => JSON.stringify(settings, null, 2)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(object, fc.nat())
        .map(([settings, n]) => JSON.stringify(settings).slice(0, n % (JSON.stringify(settings).length + 1))),
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        ...["", "null", "[]", "0", '"text"', "{", '{"storeDir":""}', '{"storeDir":7}', '{"__proto__":{"x":1}}'],
        ...['{"keyType":"ed25519"}', '{"organization":"\\u0000"}', '\uFEFF{"backend":"nss"}', '{"a":1e999}'],
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  );
  let count = 0;
  await fc.assert(
    fc.asyncProperty(content, async (content) => {
      const dir = join(work, "settings", `config-${++count}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "config.json"), toBytes(content));
      const env = { NUTCA_CONFIG_DIR: dir };
      const saved = acceptOrRejectSync(() => savedStoreDir(env));
      assert.ok(saved === undefined || (typeof saved === "string" && saved !== ""));
      const settings = await acceptOrReject(() => openSettings(env));
      if (settings) {
        for (const [key, setting] of Object.entries(settings.all())) {
          assert.ok((SETTING_KEYS as readonly string[]).includes(key), key);
          assert.equal(typeof setting, "string", `${key} is ${JSON.stringify(setting)}`);
        }
        for (const key of SETTING_KEYS) {
          const setting = settings.get(key);
          assert.ok(setting === undefined || typeof setting === "string", `${key} is ${JSON.stringify(setting)}`);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }),
    { numRuns: 300, includeErrorInReport: true },
  );
});
