// `nutca doctor --export DIR`: every export target is healthy as written, and
// each planted fault in a bundle is found with its fix; the bundle is never changed.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { exportBundle } from "../../src/cli/commands/export.js";
import { EXPORT_TARGETS } from "../../src/cli/targets/index.js";
import { CaStore } from "../../src/store/store.js";
import { loadIssuer } from "../../src/store/issuer.js";
import { runNutca, tempDir } from "../helpers/cli.js";
import { requireTool } from "../helpers/tools.js";
import { makeCertificate, pem } from "../inspect/fixtures.js";
import { makeStore, testContext } from "../inspect/support.js";
import { copyTree, runDoctor } from "./support.js";

let dir: string;
let store: string;
let other: string;
let count = 0;
/** A user that exists everywhere and is in no group of root's files: the access check sees only mode bits. */
const USER = { nutUser: "nobody" };

before(async () => {
  dir = tempDir("nutca-doctor-export-");
  store = join(dir, "store");
  other = join(dir, "other");
  await makeStore(store, { servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }], clients: ["mon1"] });
  await makeStore(other, { name: "Other CA", servers: [{ name: "ups1", dns: ["localhost"] }] });
});

async function exported(
  target: string,
  args: string[],
  options: Record<string, unknown> = {},
  root = store,
): Promise<string> {
  const out = join(dir, `export-${++count}-${target}`);
  const found = EXPORT_TARGETS.find((candidate) => candidate.name === target)!;
  await exportBundle(found, args, { out, ...options }, testContext(root));
  return out;
}

async function expectProblem(exportDir: string, code: string): Promise<void> {
  const run = await runDoctor(store, { export: exportDir, ...USER });
  assert.equal(run.healthy, false, `${code} not found:\n${run.human}`);
  assert.ok(run.problems.includes(code), `${code} not among ${run.problems.join(", ")}\n${run.human}`);
  const finding = run.report.checks.flatMap((check) => check.findings).find((item) => item.code === code)!;
  assert.ok(finding.fix.length > 0);
}

const certutil = (db: string, ...args: string[]) => {
  const result = spawnSync("certutil", [...args, "-d", `sql:${db}`, "-f", "/dev/null"], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stdout + result.stderr);
};

test("every export target is healthy as written", async (t) => {
  const nss = requireTool(t, "certutil", "pk12util");
  const p12Password = join(dir, "p12.pass");
  writeFileSync(p12Password, "p12 password here\n", { mode: 0o600 });
  const bundles = [
    await exported("ca", []),
    await exported("pem", ["ups1"]),
    await exported("p12", ["ups1"], { p12PasswordFile: p12Password }),
    await exported("upsd", [], { server: "ups1", backend: "openssl" }),
    await exported("upsmon", [], { server: "ups1", backend: "openssl" }),
    await exported("stunnel-server", [], { server: "ups1" }),
    await exported("stunnel-client", [], { client: "mon1", server: "ups1" }),
    await exported("shim-server", [], { server: "ups1" }),
    await exported("shim-client", [], { server: "ups1" }),
    ...(nss
      ? [
          await exported("upsd", [], { server: "ups1", backend: "nss" }),
          await exported("upsd", [], { server: "ups1", backend: "nss", nssEmptyPassword: true }),
          await exported("upsmon", [], { server: "ups1", backend: "nss" }),
        ]
      : []),
  ];
  for (const bundle of bundles) {
    const run = await runDoctor(store, { export: bundle, ...USER });
    assert.equal(run.healthy, true, `${bundle}:\n${run.human}`);
    if (nss)
      assert.ok(
        !run.notes.includes("skipped") || bundle.includes("p12"),
        `${bundle}: a check was skipped:\n${run.human}`,
      );
  }
});

test("fault: a swapped chain order, and a key that is not the certificate's", async () => {
  const pemDir = await exported("pem", ["ups1"]);
  const full = join(pemDir, "ups1.fullchain.pem");
  const blocks = readFileSync(full, "utf8").match(/-----BEGIN[\s\S]+?-----END [A-Z ]+-----\n/g)!;
  writeFileSync(full, [...blocks].reverse().join(""));
  await expectProblem(pemDir, "leaf-not-first");

  const upsd = await exported("upsd", [], { server: "ups1", backend: "openssl" });
  const file = join(upsd, "upsd.pem");
  const otherKey = readFileSync(join(store, "private/mon1.key.pem"), "utf8");
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace(/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\n/, otherKey),
  );
  await expectProblem(upsd, "key-mismatch");

  const separate = await exported("pem", ["ups1"]);
  writeFileSync(join(separate, "ups1.key.pem"), otherKey, { mode: 0o600 });
  await expectProblem(separate, "key-mismatch");
});

test("fault: a missing intermediate, an intermediate out of order (and the complete chain is healthy)", async () => {
  const issuer = await loadIssuer(new CaStore(store), async () => "");
  const intermediate = await makeCertificate(issuer, { ca: true, cn: "Test Intermediate", eku: "none" });
  const leaf = await makeCertificate(
    { ...issuer, certificate: intermediate.certificate, privateKey: (await importKey(intermediate.keyPem))! },
    { dns: ["localhost"] },
  );
  const complete = join(dir, "chain-complete");
  const incomplete = join(dir, "chain-incomplete");
  const misordered = join(dir, "chain-misordered");
  for (const [path, chain] of [
    [complete, pem(leaf.certificate) + pem(intermediate.certificate)],
    [incomplete, pem(leaf.certificate)],
    [misordered, pem(leaf.certificate) + pem(issuer.certificate) + pem(intermediate.certificate)],
  ] as const) {
    copyTree(await exported("ca", []), path);
    writeFileSync(join(path, "server.pem"), chain + leaf.keyPem, { mode: 0o600 });
  }
  const healthy = await runDoctor(store, { export: complete, ...USER });
  assert.equal(healthy.healthy, true, healthy.human);
  await expectProblem(incomplete, "chain-incomplete");
  await expectProblem(misordered, "chain-order");
});

test("fault: a wrong hashed name, and a CApath without hashed names", async () => {
  const ca = await exported("ca", []);
  const [name] = readdirSync(join(ca, "certs"));
  renameSync(join(ca, "certs", name!), join(ca, "certs", "0badc0de.0"));
  await expectProblem(ca, "hashed-name-wrong");

  const upsmon = await exported("upsmon", [], { server: "ups1", backend: "openssl" });
  const [hashed] = readdirSync(join(upsmon, "certs"));
  renameSync(join(upsmon, "certs", hashed!), join(upsmon, "certs", "ca.pem"));
  await expectProblem(upsmon, "capath-not-hashed");
});

test("fault: NSS CA without C trust; DB unreadable by the NUT user; CERTIDENT nickname or password wrong", async (t) => {
  if (!requireTool(t, "certutil", "pk12util")) return;
  const trust = await exported("upsmon", [], { server: "ups1", backend: "nss" });
  const db = join(
    trust,
    readdirSync(trust).find((name) => name.endsWith("nssdb"))!,
  );
  certutil(db, "-M", "-n", "Test CA", "-t", "T,,");
  await expectProblem(trust, "nss-ca-trust");

  const unreadable = await exported("upsd", [], { server: "ups1", backend: "nss", nssEmptyPassword: true });
  chmodSync(join(unreadable, "nssdb/key4.db"), 0o600);
  await expectProblem(unreadable, "nss-not-readable");

  const nickname = await exported("upsd", [], { server: "ups1", backend: "nss" });
  const snippet = join(nickname, "upsd.conf.snippet");
  const text = readFileSync(snippet, "utf8");
  writeFileSync(snippet, text.replace('CERTIDENT "nut-server"', 'CERTIDENT "ups1"'));
  await expectProblem(nickname, "nss-nickname-missing");
  writeFileSync(snippet, text.replace(/^(CERTIDENT "nut-server") "[^"]*"$/m, '$1 "wrong-password"'));
  await expectProblem(nickname, "nss-password");
});

test("fault: a snippet naming a file the bundle lacks; a world-readable key; another CA's files", async () => {
  const upsd = await exported("upsd", [], { server: "ups1", backend: "openssl" });
  const snippet = join(upsd, "upsd.conf.snippet");
  writeFileSync(snippet, readFileSync(snippet, "utf8").replace("upsd.pem", "server.pem"));
  await expectProblem(upsd, "snippet-missing-file");

  const pemDir = await exported("pem", ["ups1"]);
  chmodSync(join(pemDir, "ups1.key.pem"), 0o644);
  await expectProblem(pemDir, "key-world-readable");

  const foreign = await exported("pem", ["ups1"], {}, other);
  await expectProblem(foreign, "foreign-ca");
});

test("through the CLI: doctor --export --json exits 4 and names the finding; a missing directory is exit 2", async () => {
  const ca = await exported("ca", []);
  const [name] = readdirSync(join(ca, "certs"));
  renameSync(join(ca, "certs", name!), join(ca, "certs", "0badc0de.0"));
  const result = await runNutca(["--json", "doctor", "--export", ca, "--nut-user", "nobody"], { store });
  assert.equal(result.code, 4, result.stderr);
  const report = JSON.parse(result.stdout) as { checks: { id: string; findings: { code: string; fix: string }[] }[] };
  const hashed = report.checks.find((check) => check.id === "export.hashed")!;
  assert.equal(hashed.findings[0]?.code, "hashed-name-wrong");
  assert.match(hashed.findings[0]!.fix, /^mv .*0badc0de\.0 .*[0-9a-f]{8}\.0 \(or openssl rehash/);
  const missing = await runNutca(["doctor", "--export", join(dir, "no-such-dir")], { store });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr.trim().split("\n").length, 1);
});

async function importKey(pemText: string): Promise<CryptoKey | undefined> {
  const { importPrivateKey } = await import("../../src/pki/keys.js");
  const { decryptPkcs8 } = await import("../../src/pki/pkcs8.js");
  return importPrivateKey(decryptPkcs8(pemText, undefined, "the test key"));
}
