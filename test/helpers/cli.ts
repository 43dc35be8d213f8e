// Helpers for tests that drive the real CLI (bin/nutca.js) in a child process,
// on stores in temporary directories.
import { after } from "node:test";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/test/helpers/cli.js -> bin/nutca.js */
export const NUTCA_BIN = fileURLToPath(new URL("../../../bin/nutca.js", import.meta.url));
/** The repository root (where package.json is). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The passphrase the CLI tests encrypt their CAs with. */
export const PASSPHRASE = "correct horse battery staple";

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Passed as `--store DIR` before the other arguments. */
  readonly store?: string;
  /** Added to (or, with undefined, removed from) the child's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to the child's stdin; stdin is closed either way, and is never a TTY. */
  readonly input?: string;
  readonly cwd?: string;
  /** The child is killed (and the promise rejected) after this long. */
  readonly timeoutMs?: number;
}

let configDir: string | undefined;
function isolatedConfigDir(): string {
  return (configDir ??= tempDir());
}

/**
 * Runs `node bin/nutca.js ARGS` and resolves when it has exited. The child gets
 * the parent's environment without any NUTCA_* variable, and a settings
 * directory of its own, so tests see only what they pass and never the user's
 * saved preferences.
 */
export function runNutca(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("NUTCA_")) env[key] = value;
  env.NUTCA_CONFIG_DIR = isolatedConfigDir();
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const argv = [NUTCA_BIN, ...(options.store === undefined ? [] : ["--store", options.store]), ...args];
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, cwd: options.cwd ?? REPO_ROOT, stdio: "pipe" });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`nutca ${args.join(" ")} did not exit within ${timeoutMs} ms`));
        return;
      }
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** Runs nutca and fails (with its stderr) unless it exits 0. */
export async function runNutcaOk(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await runNutca(args, options);
  if (result.code !== 0) {
    throw new Error(`nutca ${args.join(" ")} exited ${result.code}: ${result.stderr.trim()}`);
  }
  return result;
}

/** Runs nutca with --json, expects success, and parses stdout. */
export async function runNutcaJson<T = Record<string, unknown>>(
  args: readonly string[],
  options: RunOptions = {},
): Promise<T> {
  const result = await runNutcaOk(["--json", ...args], options);
  return JSON.parse(result.stdout) as T;
}

/** The environment that gives nutca the CA passphrase. */
export function passphraseEnv(passphrase = PASSPHRASE): Record<string, string> {
  return { NUTCA_PASSPHRASE: passphrase };
}

/** Writes a passphrase file (one line) and returns its path. */
export function writePassphraseFile(dir: string, passphrase = PASSPHRASE, name = "passphrase.txt"): string {
  const path = join(dir, name);
  writeFileSync(path, passphrase + "\n", { mode: 0o600 });
  return path;
}

const tempDirs = new Set<string>();

/** Removes every directory tempDir() made. Registered as an `after` hook of each test file that imports this module. */
export function cleanupTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

after(cleanupTempDirs);
// A safety net for a file whose tests were cancelled before `after` ran.
process.on("exit", cleanupTempDirs);

/** A fresh directory under os.tmpdir(), removed after the test file. */
export function tempDir(prefix = "nutca-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/**
 * Every directory and file under `dir` by relative path: files as
 * `<sha256> <mode>`, directories as `dir <mode>`. Two equal snapshots mean the
 * tree is byte-for-byte (and mode-for-mode) the same.
 */
export function snapshotDir(dir: string): Map<string, string> {
  const snapshot = new Map<string, string>();
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      const stat = statSync(path);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isDirectory()) {
        snapshot.set(relative(dir, path) + "/", `dir ${mode}`);
        walk(path);
      } else {
        snapshot.set(relative(dir, path), `${createHash("sha256").update(readFileSync(path)).digest("hex")} ${mode}`);
      }
    }
  };
  walk(dir);
  return snapshot;
}

/** The file mode bits of a path, e.g. 0o600. */
export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}
