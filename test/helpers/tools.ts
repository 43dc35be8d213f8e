// Driving the real programs interop tests check against: openssl, certtool, certutil.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { TestContext } from "node:test";

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for messages that go to either. */
  readonly output: string;
}

export interface ToolOptions {
  readonly cwd?: string;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Runs a program to completion (spawnSync: nothing is left running). */
export function run(cmd: string, args: readonly string[], options: ToolOptions = {}): ToolResult {
  const result = spawnSync(cmd, [...args], {
    cwd: options.cwd,
    input: options.input ?? "",
    env: options.env ?? process.env,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
    killSignal: "SIGKILL",
  });
  if (result.error) throw result.error;
  const stdout = result.stdout ?? "";
  const stderr = result.stderr ?? "";
  return { code: result.status, stdout, stderr, output: stdout + stderr };
}

/** Like run(), but throws with the program's output unless it exits 0. */
export function runOk(cmd: string, args: readonly string[], options: ToolOptions = {}): ToolResult {
  const result = run(cmd, args, options);
  if (result.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${result.code}:\n${result.output}`);
  return result;
}

/** True when `name` is an executable file on PATH. */
export function hasTool(name: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/**
 * Checks that an interop test can run. A missing tool fails the test on CI
 * (process.env.CI set) and skips it, visibly, elsewhere: an interop test must
 * never pass without having run. Use as `if (!requireTool(t, "openssl")) return;`.
 */
export function requireTool(t: TestContext, ...names: string[]): boolean {
  const missing = names.filter((name) => !hasTool(name));
  if (missing.length === 0) return true;
  const message = `${missing.join(", ")} not installed (Debian: openssl, gnutls-bin, libnss3-tools)`;
  if (process.env.CI) throw new Error(`${message}: required on CI`);
  t.skip(message);
  return false;
}
