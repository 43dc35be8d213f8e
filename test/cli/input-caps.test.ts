// Every file nutca reads from the user is read up to a cap fitting what it is:
// endless inputs (/dev/zero, a FIFO fed forever) and files one byte over the cap
// are refused with one line and exit 2, the store and the output directory untouched.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { INPUT_CAPS } from "../../src/input-file.js";
import { passphraseEnv, runNutca, runNutcaOk, snapshotDir, tempDir, writePassphraseFile } from "../helpers/cli.js";

const work = tempDir("nutca-caps-");
const store = join(work, "store");
const out = join(work, "out");
const passFile = writePassphraseFile(work);
let p12: string;
const feeders: ChildProcess[] = [];

before(async () => {
  await runNutcaOk(["init", "--name", "Caps CA"], { store, env: passphraseEnv() });
  await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.example.net"], { store, env: passphraseEnv() });
  p12 = join(work, "p12");
  await runNutcaOk(["export", "p12", "ups1", "--out", p12, "--p12-password-file", passFile], { store });
});

after(() => {
  for (const feeder of feeders) if (feeder.exitCode === null) feeder.kill();
});

/** A file of `bytes` zero bytes (sparse: nothing is written). */
function sized(name: string, bytes: number): string {
  const path = join(work, name);
  writeFileSync(path, "");
  truncateSync(path, bytes);
  return path;
}

/** A FIFO with a writer that never stops. */
function endlessFifo(name: string): string {
  const path = join(work, name);
  spawnSync("mkfifo", [path]);
  const feeder = spawn("sh", ["-c", `exec yes > "${path}"`], { stdio: "ignore" });
  feeders.push(feeder);
  return path;
}

const MiB = 1024 * 1024;
const size = (bytes: number) => (bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`);

/** The flags that take a file, with what each is called and its cap; FILE stands for the file. */
const inputs: { flag: string; what: string; cap: number; args: string[]; env?: Record<string, string> }[] = [
  { flag: "sign CSR", what: "request", cap: INPUT_CAPS.request, args: ["sign", "FILE", "--profile", "server"] },
  { flag: "issue --from", what: "manifest", cap: INPUT_CAPS.manifest, args: ["issue", "--from", "FILE"] },
  {
    flag: "--passphrase-file",
    what: "passphrase file",
    cap: INPUT_CAPS.password,
    args: ["issue", "client", "c1", "--passphrase-file", "FILE"],
  },
  { flag: "inspect", what: "file", cap: INPUT_CAPS.certificates, args: ["inspect", "FILE"] },
  {
    flag: "inspect --p12-password-file",
    what: "passphrase file",
    cap: INPUT_CAPS.password,
    args: ["inspect", "P12", "--p12-password-file", "FILE"],
  },
  {
    flag: "export p12 --p12-password-file",
    what: "passphrase file",
    cap: INPUT_CAPS.password,
    args: ["export", "p12", "ups1", "--out", out, "--p12-password-file", "FILE"],
  },
  {
    flag: "export upsd --nss-password-file",
    what: "passphrase file",
    cap: INPUT_CAPS.password,
    args: ["export", "upsd", "--server", "ups1", "--backend", "nss", "--out", out, "--nss-password-file", "FILE"],
  },
  {
    flag: "probe --ca",
    what: "CA certificate file",
    cap: INPUT_CAPS.certificates,
    args: ["probe", "127.0.0.1:1", "--ca", "FILE"],
  },
];

async function assertRefused(args: string[], file: string, what: string, cap: number): Promise<void> {
  const before = snapshotDir(store);
  const argv = args.map((arg) => (arg === "FILE" ? file : arg === "P12" ? join(p12, "ups1.p12") : arg));
  const result = await runNutca(argv, { store, env: passphraseEnv(), timeoutMs: 30_000 });
  assert.equal(result.code, 2, `${argv.join(" ")}: ${result.stderr}`);
  const pattern = new RegExp(`^nutca: the ${what} ${file} is larger than ${size(cap)} — .+\\n$`);
  assert.match(result.stderr, pattern);
  assert.deepEqual(snapshotDir(store), before);
  assert.equal(existsSync(out), false, "nothing is exported");
}

for (const input of inputs) {
  test(`${input.flag}: /dev/zero is refused at the cap`, async () => {
    await assertRefused(input.args, "/dev/zero", input.what, input.cap);
  });
  test(`${input.flag}: a file one byte over the cap is refused`, async () => {
    const over = sized(`over-${input.flag.replace(/\W+/g, "-")}`, input.cap + 1);
    await assertRefused(input.args, over, input.what, input.cap);
  });
}

test("a 200 MB CSR and an endless FIFO are refused without reading them whole", async () => {
  await assertRefused(
    ["sign", "FILE", "--profile", "server"],
    sized("huge.csr", 200 * MiB),
    "request",
    INPUT_CAPS.request,
  );
  const fifo = endlessFifo("endless.csr");
  await assertRefused(["sign", "FILE", "--profile", "server"], fifo, "request", INPUT_CAPS.request);
});

test("a file at the cap is not refused for its size", async () => {
  const at = sized("at-cap.pass", INPUT_CAPS.password);
  const result = await runNutca(["issue", "client", "c2", "--passphrase-file", at], { store });
  assert.doesNotMatch(result.stderr, /larger than/);
  assert.notEqual(result.code, 0, "a passphrase of zero bytes is empty, or wrong");
});
