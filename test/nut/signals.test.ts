// An NSS export killed while its temp directory holds the server's PKCS#12, its
// password and key4.db: SIGINT, SIGTERM and SIGHUP remove it and exit 128+signal;
// after a SIGKILL, doctor reports the stale directory and the next export removes it.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { NUTCA_BIN, REPO_ROOT, runNutca, runNutcaOk, tempDir } from "../helpers/cli.js";

const work = tempDir("nutca-signals-");
const store = join(work, "store");
let count = 0;

before(async () => {
  await runNutcaOk(["init", "--name", "Signal CA", "--no-passphrase"], { store });
  await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.example.net"], { store });
});

/** A TMPDIR of the test's own, so only this run's temp directories are seen. */
function freshTmp(): string {
  const dir = join(work, `tmp-${++count}`);
  mkdirSync(dir);
  return dir;
}

const nssTemps = (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith("nutca-nss-"));
const exportArgs = (out: string) => [
  "--store",
  store,
  "export",
  "upsd",
  "--server",
  "ups1",
  "--backend",
  "nss",
  "--out",
  out,
];

/** Starts the export and resolves once its temp directory holds the PKCS#12 (the secret is on disk). */
async function exportUntilSecretOnDisk(tmp: string, out: string) {
  const env = { ...process.env, TMPDIR: tmp, NUTCA_CONFIG_DIR: join(work, "config") };
  const child = spawn(process.execPath, [NUTCA_BIN, ...exportArgs(out)], { env, cwd: REPO_ROOT, stdio: "ignore" });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [temp] = nssTemps(tmp);
    if (temp !== undefined && existsSync(join(tmp, temp, "identity.p12"))) return { child, exited, temp };
    assert.ok(Date.now() < deadline && child.exitCode === null, "the export ended before its temp dir held the key");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  test(`${signal} mid-export: the temp dir with the key is removed, exit 128+${constants.signals[signal]}`, async () => {
    const tmp = freshTmp();
    const out = join(work, `out-${++count}`);
    const { child, exited, temp } = await exportUntilSecretOnDisk(tmp, out);
    assert.match(temp, new RegExp(`^nutca-nss-${child.pid}-[0-9a-f]{12}$`), "the directory carries its PID");
    child.kill(signal);
    const { code } = await exited;
    assert.equal(code, 128 + constants.signals[signal]);
    assert.deepEqual(nssTemps(tmp), []);
    assert.equal(existsSync(out), false);
    assert.deepEqual(
      readdirSync(work).filter((name) => name.includes(".nutca-tmp-")),
      [],
    );
  });
}

test("after a SIGKILL: doctor reports the stale temp dir, the next export removes it", async () => {
  const tmp = freshTmp();
  const { child, exited, temp } = await exportUntilSecretOnDisk(tmp, join(work, `out-${++count}`));
  child.kill("SIGKILL");
  await exited;
  assert.deepEqual(nssTemps(tmp), [temp], "nothing can clean up after SIGKILL");
  const env = { TMPDIR: tmp };
  const doctor = await runNutca(["doctor"], { store, env });
  assert.ok(doctor.code !== 0 && doctor.code !== 2, `exit ${doctor.code}: ${doctor.stderr}`);
  assert.match(doctor.stdout, new RegExp(`${temp} was left by nutca process ${child.pid}, which is gone`));
  await runNutcaOk(exportArgs(join(work, `out-${++count}`)).slice(2), { store, env });
  assert.deepEqual(nssTemps(tmp), []);
  const clean = await runNutca(["doctor"], { store, env });
  assert.doesNotMatch(clean.stdout, /was left by nutca process/);
});
