// The NSS database builder against the real certutil and pk12util, the fallback
// without them, and build-nssdb.sh run for real.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { nssCaCertificates } from "../../src/exports/nut-common.js";
import { upsdNssBundle } from "../../src/exports/upsd.js";
import { writeBundle } from "../../src/cli/write-bundle.js";
import {
  buildNssDb,
  chooseNssPassword,
  findNssTools,
  generateNssPassword,
  identityPkcs12,
  nssMaterial,
  type NssTools,
} from "../../src/nut/nss-tools.js";
import { NutcaError } from "../../src/errors.js";
import { tempDir } from "../helpers/cli.js";
import { requireTool, run, runOk } from "../helpers/tools.js";
import { makeCa, makeLeaf, type TestCa } from "./fixtures.js";
import type { Identity } from "../../src/pki/identity.js";

let ca: TestCa;
let server: Identity;
let work: string;

before(async () => {
  ca = await makeCa("Test  CA Ü", true);
  server = await makeLeaf(ca, "server", "ups1", { dns: ["ups1.example.net"], ip: ["127.0.0.1"] });
  work = tempDir("nutca-nss-test-");
});

/** Writes the DB files into a fresh directory for certutil to read. */
function materialize(files: Record<string, Uint8Array>, name: string): string {
  const db = join(work, name);
  mkdirSync(db);
  for (const [file, data] of Object.entries(files)) writeFileSync(join(db, file), data);
  return db;
}

/**
 * certutil and pk12util behind wrappers that log their argv, and a private
 * TMPDIR, to prove that no password reaches argv and that the temp dir goes.
 */
function loggingTools(): { tools: NssTools; log: string; tmp: string } {
  const real = findNssTools().tools!;
  const bin = join(work, `bin-${Math.random().toString(36).slice(2)}`);
  const log = join(bin, "argv.log");
  const tmp = join(bin, "tmp");
  mkdirSync(tmp, { recursive: true });
  const wrap = (name: string, target: string) => {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${target}' "$@"\n`);
    chmodSync(path, 0o755);
    return path;
  };
  return { tools: { certutil: wrap("certutil", real.certutil), pk12util: wrap("pk12util", real.pk12util) }, log, tmp };
}

async function withTmpdir<T>(tmp: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

describe("buildNssDb with the real tools", () => {
  it("holds the server certificate and key under the nickname, the CA CT,, and the intermediate", async (t) => {
    if (!requireTool(t, "certutil", "pk12util")) return;
    const { tools, log, tmp } = loggingTools();
    const password = generateNssPassword();
    const p12 = await identityPkcs12(server, ca.authority, "nut-server");
    const files = await withTmpdir(tmp, () =>
      buildNssDb(tools, {
        password,
        certificates: nssCaCertificates(ca.authority),
        identity: { nickname: "nut-server", p12: p12.p12, p12Password: p12.password, usage: "V" },
      }),
    );
    assert.deepEqual(readdirSync(tmp), [], "the private temp dir is removed");
    const argv = readFileSync(log, "utf8");
    assert.ok(!argv.includes(password) && !argv.includes(p12.password), "no password in any argv");
    assert.match(argv, /^-N -d sql:\. -f \S+\/db\.pass$/m);
    const db = materialize(files, "server-db");
    const list = runOk("certutil", ["-L", "-d", `sql:${db}`]).stdout;
    assert.match(list, /^nut-server\s+u,u,u$/m);
    assert.match(list, /^Test {2}CA Ü\s+CT,,\s*$/m);
    assert.match(list, /^Test {2}CA Ü intermediate\s+,,\s*$/m);
    assert.match(
      runOk("certutil", ["-V", "-d", `sql:${db}`, "-n", "nut-server", "-u", "V"]).stdout,
      /certificate is valid/,
    );
    // The DB password really protects the key: the wrong one is refused.
    writeFileSync(join(work, "wrong.pass"), "wrong\n");
    assert.notEqual(run("certutil", ["-K", "-d", `sql:${db}`, "-f", join(work, "wrong.pass")]).code, 0);
    assert.doesNotMatch(Buffer.from(files["pkcs11.txt"]).toString(), /nutca-nss-/, "no temp path recorded");
  });

  it("makes a CA-only database with an empty password", async (t) => {
    if (!requireTool(t, "certutil", "pk12util")) return;
    const files = await buildNssDb(findNssTools().tools!, {
      password: "",
      certificates: nssCaCertificates(ca.authority),
    });
    const db = materialize(files, "ca-db");
    assert.match(runOk("certutil", ["-L", "-d", `sql:${db}`]).stdout, /^Test {2}CA Ü\s+CT,,\s*$/m);
    assert.match(runOk("certutil", ["-V", "-d", `sql:${db}`, "-n", "Test  CA Ü", "-u", "L"]).stdout, /valid/);
  });

  it("refuses a nickname that is also a CA's, before running anything", async () => {
    const tools = { certutil: "/nonexistent/certutil", pk12util: "/nonexistent/pk12util" };
    await assert.rejects(
      buildNssDb(tools, {
        password: "",
        certificates: nssCaCertificates(ca.authority),
        identity: { nickname: "Test  CA Ü", p12: new Uint8Array(), p12Password: "x", usage: "V" },
      }),
      /also the name of a CA certificate/,
    );
  });
});

describe("without certutil and pk12util", () => {
  it("says so and returns a .p12 whose friendlyName is the nickname", async (t) => {
    const material = await nssMaterial({
      authority: ca.authority,
      certificates: nssCaCertificates(ca.authority),
      password: "pw",
      identity: { identity: server, nickname: "nut-server", usage: "V" },
      path: "/nonexistent",
    });
    assert.equal(material.kind, "script");
    if (material.kind !== "script") return;
    assert.equal(material.reason, "certutil and pk12util are not installed here");
    assert.ok(material.p12 && material.p12.password.length >= 32);
    if (!requireTool(t, "pk12util")) return;
    const p12File = join(work, "fallback.p12");
    const passFile = join(work, "fallback.pass");
    writeFileSync(p12File, material.p12.data);
    writeFileSync(passFile, material.p12.password + "\n");
    assert.match(runOk("pk12util", ["-l", p12File, "-w", passFile]).stdout, /Friendly Name: nut-server/);
  });

  it("build-nssdb.sh builds the database on the host, root:nut 0750/0640", async (t) => {
    if (!requireTool(t, "certutil", "pk12util")) return;
    if (process.getuid?.() !== 0 || spawnSync("getent", ["group", "nut"]).status !== 0) {
      if (process.env.CI) throw new Error("build-nssdb.sh needs root and a nut group: required on CI");
      return t.skip("needs root and a nut group");
    }
    const password = generateNssPassword();
    const nss = await nssMaterial({
      authority: ca.authority,
      certificates: nssCaCertificates(ca.authority),
      password,
      identity: { identity: server, nickname: "nut-server", usage: "V" },
      path: "/nonexistent",
    });
    const bundle = upsdNssBundle({
      identity: server,
      authority: ca.authority,
      installDir: "/etc/nut/tls",
      backendNote: "nss",
      nickname: "nut-server",
      password,
      nss,
    });
    const out = join(work, "script-export");
    writeBundle(out, bundle);
    const db = join(work, "built", "nssdb");
    const result = run("sh", [join(out, "build-nssdb.sh"), db], { cwd: work });
    assert.equal(result.code, 0, result.output);
    assert.equal(statSync(db).mode & 0o777, 0o750);
    for (const name of ["cert9.db", "key4.db", "pkcs11.txt"])
      assert.equal(statSync(join(db, name)).mode & 0o777, 0o640);
    assert.match(runOk("certutil", ["-V", "-d", `sql:${db}`, "-n", "nut-server", "-u", "V"]).stdout, /valid/);
    writeFileSync(join(work, "db.pass"), password + "\n");
    assert.match(runOk("certutil", ["-K", "-d", `sql:${db}`, "-f", join(work, "db.pass")]).stdout, /nut-server/);
  });
});

describe("chooseNssPassword", () => {
  it("generates, reads a file, or is empty, and refuses both at once", () => {
    assert.match(
      chooseNssPassword({}, () => "unused"),
      /^[A-Za-z0-9_-]{32}$/,
    );
    assert.equal(
      chooseNssPassword({ nssEmptyPassword: true }, () => "unused"),
      "",
    );
    assert.equal(
      chooseNssPassword({ nssPasswordFile: "f" }, (path) => `from ${path}`),
      "from f",
    );
    assert.throws(
      () => chooseNssPassword({ nssPasswordFile: "f", nssEmptyPassword: true }, () => ""),
      (error: unknown) => error instanceof NutcaError && error.exitCode === 2,
    );
  });
});
