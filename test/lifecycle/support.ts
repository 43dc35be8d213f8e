// Helpers for the life-cycle tests (sign, renew, revoke, crl, list --expiring):
// the real CLI in a child process, stores in temporary directories, openssl.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { snapshotDir } from "../helpers/cli.js";

/** dist/test/lifecycle/support.js -> bin/nutca.js */
const BIN = fileURLToPath(new URL("../../../bin/nutca.js", import.meta.url));
export const PASSPHRASE = "lifecycle test passphrase";

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/nutca.js --store STORE ARGS`, with no NUTCA_* variable but those given. */
export function nutca(store: string, args: readonly string[], env: Record<string, string> = {}): Result {
  const childEnv: NodeJS.ProcessEnv = { NO_COLOR: "1", ...env };
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("NUTCA_")) childEnv[key] ??= value;
  const result = spawnSync(process.execPath, [BIN, "--store", store, ...args], { env: childEnv, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function nutcaOk(store: string, args: readonly string[], env: Record<string, string> = {}): string {
  const result = nutca(store, args, env);
  assert.equal(result.code, 0, `nutca ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

export function nutcaJson<T = Record<string, unknown>>(store: string, args: readonly string[]): T {
  return JSON.parse(nutcaOk(store, ["--json", ...args])) as T;
}

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "nutca-lifecycle-"));
  dirs.push(dir);
  return dir;
}

/** A new store (unencrypted CA unless a passphrase is asked for) in a new temporary directory. */
export function makeStore(initArgs: readonly string[] = [], encrypted = false): { dir: string; store: string } {
  const dir = tempDir();
  const store = join(dir, "store");
  if (encrypted) {
    writeFileSync(join(dir, "pass"), PASSPHRASE + "\n", { mode: 0o600 });
    nutcaOk(store, ["init", "--passphrase-file", join(dir, "pass"), ...initArgs]);
  } else {
    nutcaOk(store, ["init", "--no-passphrase", ...initArgs]);
  }
  return { dir, store };
}

/** The shared byte-for-byte tree snapshot, under the name these tests use. */
export const snapshot = snapshotDir;

/** A bad input: exit 2, one line on stderr naming the problem, nothing in the store changed. */
export function assertRefused(store: string, args: readonly string[], pattern: RegExp): void {
  const before = snapshot(store);
  const result = nutca(store, args);
  assert.equal(result.code, 2, `expected exit 2 from ${args.join(" ")}: ${result.stderr}`);
  assert.equal(result.stdout, "");
  const lines = result.stderr.split("\n").filter((line) => !line.startsWith("nutca: warning:") && line !== "");
  assert.equal(lines.length, 1, `one error line expected, got: ${result.stderr}`);
  assert.match(lines[0]!, /^nutca: /);
  assert.match(lines[0]!, pattern);
  assert.deepEqual(snapshot(store), before, "the store changed");
}

export function tool(cmd: string, args: readonly string[], cwd?: string): Result {
  const result = spawnSync(cmd, [...args], { cwd, encoding: "utf8", timeout: 60_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function toolOk(cmd: string, args: readonly string[], cwd?: string): string {
  const result = tool(cmd, args, cwd);
  assert.equal(result.code, 0, `${cmd} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** Interop tests fail on CI without their program and skip (visibly) elsewhere. */
export function requireTools(t: TestContext, ...names: string[]): boolean {
  const missing = names.filter((name) => spawnSync("sh", ["-c", `command -v ${name}`]).status !== 0);
  if (missing.length === 0) return true;
  if (process.env.CI) throw new Error(`${missing.join(", ")} not installed: required on CI`);
  t.skip(`${missing.join(", ")} not installed`);
  return false;
}

/** An `openssl req` request with a fresh key; `extensions` are -addext values. */
export function opensslCsr(dir: string, name: string, key: "rsa" | "ec", subject: string, extensions: string[] = []) {
  const keyArgs = key === "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  const csr = join(dir, `${name}.csr`);
  const keyFile = join(dir, `${name}.key`);
  const addext = extensions.flatMap((extension) => ["-addext", extension]);
  toolOk("openssl", [
    "req",
    "-new",
    ...keyArgs,
    "-nodes",
    "-keyout",
    keyFile,
    "-subj",
    subject,
    ...addext,
    "-out",
    csr,
  ]);
  return { csr, key: keyFile };
}

/** The public key of a certificate or a private key, as PEM, for comparing keys. */
export function publicKeyOf(path: string, what: "cert" | "key"): string {
  return what === "cert"
    ? toolOk("openssl", ["x509", "-in", path, "-noout", "-pubkey"])
    : toolOk("openssl", ["pkey", "-in", path, "-pubout"]);
}

/** `openssl verify -x509_strict` against the store's CA, optionally with its CRL. */
export function verify(store: string, cert: string, crl = false): Result {
  const crlArgs = crl ? ["-crl_check", "-CRLfile", join(store, "crl", "ca.crl.pem")] : [];
  return tool("openssl", ["verify", "-x509_strict", ...crlArgs, "-CAfile", join(store, "ca.crt.pem"), cert]);
}

export function ledger(store: string): Record<string, unknown>[] {
  return readFileSync(join(store, "ledger.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
