// `nutca doctor --export DIR` warns where a bundle leaves open a hole of docs/security.md that a line
// of configuration would close: real exports, their snippets edited, each hole found with its fix;
// fresh exports have none. Warnings count as problems, like doctor's other warnings.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportBundle } from "../../src/cli/commands/export.js";
import { EXPORT_TARGETS } from "../../src/cli/targets/index.js";
import { DOCTOR_HOLES } from "../../src/exports/security-scope.js";
import { tempDir } from "../helpers/cli.js";
import { requireTool } from "../helpers/tools.js";
import { makeStore, testContext } from "../inspect/support.js";
import { runDoctor } from "./support.js";

let dir: string;
let store: string;
let count = 0;
const USER = { nutUser: "nobody" };

before(async () => {
  dir = tempDir("nutca-doctor-holes-");
  store = join(dir, "store");
  await makeStore(store, { servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }], clients: ["mon1"] });
});

async function exported(target: string, options: Record<string, unknown>): Promise<string> {
  const out = join(dir, `export-${++count}-${target}`);
  await exportBundle(
    EXPORT_TARGETS.find((item) => item.name === target)!,
    [],
    { out, ...options },
    testContext(store),
  );
  return out;
}

/** Edits a file of the bundle: each [from, to] must match once. */
function edit(path: string, ...changes: [RegExp, string][]): void {
  let text = readFileSync(path, "utf8");
  for (const [from, to] of changes) {
    assert.match(text, from, `${path} has ${from}`);
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}

/** The security findings of a doctor run, as "severity code". */
async function holes(exportDir: string): Promise<{ found: string[]; run: Awaited<ReturnType<typeof runDoctor>> }> {
  const run = await runDoctor(store, { export: exportDir, ...USER });
  const check = run.report.checks.find((item) => item.id === "export.security");
  assert.ok(check, `the security check ran:\n${run.human}`);
  for (const finding of check.findings) {
    const hole = DOCTOR_HOLES[finding.code as keyof typeof DOCTOR_HOLES];
    assert.ok(hole, `${finding.code} is a documented hole`);
    assert.equal(finding.fix, hole.fix);
    assert.ok(finding.message.endsWith(hole.hole), finding.message);
  }
  return { found: check.findings.map((finding) => `${finding.severity} ${finding.code}`).sort(), run };
}

async function expectWarnings(exportDir: string, expected: string[]): Promise<void> {
  const { found, run } = await holes(exportDir);
  const warnings = found.filter((finding) => finding.startsWith("warning "));
  assert.deepEqual(warnings, expected.map((code) => `warning ${code}`).sort(), run.human);
  assert.equal(run.healthy, false);
  assert.notEqual(run.exitCode, 0, "a warning is a problem found");
  for (const code of expected) {
    const fix = DOCTOR_HOLES[code as keyof typeof DOCTOR_HOLES].fix;
    assert.ok(run.human.includes(fix), `the fix for ${code} is printed:\n${run.human}`);
  }
}

test("fresh exports leave no hole a line could close; an OpenSSL upsmon of unknown version gets a note", async (t) => {
  const nss = requireTool(t, "certutil", "pk12util");
  const bundles = [
    await exported("upsd", { server: "ups1", backend: "openssl" }),
    await exported("stunnel-server", { server: "ups1" }),
    await exported("stunnel-client", { client: "mon1", server: "ups1" }),
    ...(nss
      ? [
          await exported("upsd", { server: "ups1", backend: "nss" }),
          await exported("upsmon", { server: "ups1", backend: "nss", client: "mon1" }),
        ]
      : []),
  ];
  for (const bundle of bundles) {
    const { found, run } = await holes(bundle);
    assert.deepEqual(found, [], run.human);
    assert.equal(run.healthy, true, run.human);
  }
  const openssl = await holes(await exported("upsmon", { server: "ups1", backend: "openssl", client: "mon1" }));
  assert.deepEqual(openssl.found, ["info no-name-check"], openssl.run.human);
  assert.equal(openssl.run.healthy, true, "a note is not a problem");
  assert.equal(openssl.run.exitCode, 0);
});

test("a upsmon snippet without FORCESSL, with CERTVERIFY 0", async () => {
  const bundle = await exported("upsmon", { server: "ups1", backend: "openssl" });
  edit(join(bundle, "upsmon.conf.snippet"), [/^FORCESSL 1\n/m, ""], [/^CERTVERIFY 1$/m, "CERTVERIFY 0"]);
  await expectWarnings(bundle, ["no-forcessl", "certverify-off"]);
});

test("an NSS upsmon whose CERTHOST makes verification optional", async (t) => {
  if (!requireTool(t, "certutil", "pk12util")) return;
  const bundle = await exported("upsmon", { server: "ups1", backend: "nss" });
  edit(join(bundle, "upsmon.conf.snippet"), [/^(CERTHOST .*) 1 1$/m, "$1 1 0"]);
  await expectWarnings(bundle, ["certhost-lax"]);
});

test("an OpenSSL upsmon for NUT 2.8.6 (CERTFILE in use): no CERTHOST, no nutauth.conf; both added: healthy", async () => {
  const bundle = await exported("upsmon", { server: "ups1", backend: "openssl", client: "mon1" });
  const snippet = join(bundle, "upsmon.conf.snippet");
  edit(snippet, [/^# CERTFILE /m, "CERTFILE "]);
  await expectWarnings(bundle, ["no-name-check", "no-nutauth"]);

  edit(snippet, [/^CERTVERIFY 1$/m, 'CERTHOST localhost "localhost" 1 1\nCERTVERIFY 1']);
  writeFileSync(
    join(bundle, "nutauth.conf"),
    '[@localhost]\nCERTPATH = /etc/nut/tls/certs\nCERTVERIFY = on\nFORCESSL = on\nCERTHOST = "localhost"\n',
    { mode: 0o600 },
  );
  const { found, run } = await holes(bundle);
  assert.deepEqual(found, [], run.human);
  assert.equal(run.healthy, true, run.human);
});

test("a upsd snippet without DISABLE_WEAK_SSL, asking for client certificates with CERTREQUEST 1", async () => {
  const bundle = await exported("upsd", { server: "ups1", backend: "openssl" });
  edit(join(bundle, "upsd.conf.snippet"), [/^DISABLE_WEAK_SSL true$/m, "CERTREQUEST 1"]);
  await expectWarnings(bundle, ["weak-tls-allowed", "certrequest-optional"]);
});

test("a client stunnel.conf without checkHost, verifyChain or sslVersionMin; a server one without verifyChain", async () => {
  const client = await exported("stunnel-client", { client: "mon1", server: "ups1" });
  edit(
    join(client, "stunnel.conf"),
    [/^checkHost = .*\n/m, ""],
    [/^verifyChain = yes\n/m, ""],
    [/^sslVersionMin = .*\n/m, ""],
  );
  await expectWarnings(client, ["stunnel-no-name-check", "stunnel-no-verify", "stunnel-weak-tls"]);
  const server = await exported("stunnel-server", { server: "ups1" });
  edit(join(server, "stunnel.conf"), [/^verifyChain = yes\n/m, ""]);
  await expectWarnings(server, ["stunnel-no-verify"]);
});
