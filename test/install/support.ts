// Helpers for the install.sh tests: run the script under a given shell, read its
// machine line, and fingerprint a scratch root (content, mode, owner of every entry).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { runNutcaOk } from "../helpers/cli.js";
import { nutDir, sleep } from "../nut/daemons.js";

/** The shells install.sh must run under: Debian's dash and busybox's ash. */
export const SHELLS: readonly (readonly string[])[] = [["/usr/bin/dash"], ["/usr/bin/busybox", "sh"]];

export interface InstallRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last line of stdout: `nutca-install: <status> <target> <name> [reason]`. */
  readonly last: string;
}

/** `interrupt`: a SIGTERM is sent once stdout matches it. */
export function runInstall(
  shell: readonly string[],
  bundle: string,
  args: readonly string[],
  interrupt?: RegExp,
): Promise<InstallRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell[0]!, [...shell.slice(1), join(bundle, "install.sh"), ...args], {
      cwd: "/",
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      if (interrupt && !sent && interrupt.test(stdout)) sent = child.kill("SIGTERM");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const lines = stdout.trimEnd().split("\n");
      resolve({ code, stdout, stderr, last: lines[lines.length - 1] ?? "" });
    });
  });
}

/** Every entry under `dir` (symlinks not followed): sha256 of files, mode and owner of all. */
export function fingerprint(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      const stat = lstatSync(path);
      const meta = `${(stat.mode & 0o7777).toString(8)} ${stat.uid}:${stat.gid}`;
      if (stat.isDirectory()) {
        result.set(relative(dir, path) + "/", `dir ${meta}`);
        walk(path);
      } else if (stat.isSymbolicLink()) {
        result.set(relative(dir, path), `link ${meta}`);
      } else {
        result.set(relative(dir, path), `${createHash("sha256").update(readFileSync(path)).digest("hex")} ${meta}`);
      }
    }
  };
  walk(dir);
  return result;
}

/** A store with a CA and the server certificate ups1 (ups1.test, localhost, 127.0.0.1). */
export async function makeStore(store: string): Promise<void> {
  await runNutcaOk(["init", "--no-passphrase", "--name", "Install test CA"], { store });
  await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.test", "--dns", "localhost", "--ip", "127.0.0.1"], {
    store,
  });
}

export function ownerMode(path: string): { mode: number; uid: number; gid: number } {
  const stat = lstatSync(path);
  return { mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
}

/** A scratch root whose first path component links back to /, so files installed under --root land where the snippet names them. */
export function scratchRoot(base: string, name: string): string {
  const root = nutDir(join(base, name), 0o755);
  const first = base.split("/")[1]!;
  symlinkSync(`/${first}`, join(root, first));
  return root;
}

/** A restart command for install.sh: stops the daemon of `pidFile`, starts `command` in its own session, logging to `log`. */
export function restartScript(
  path: string,
  env: Record<string, string>,
  command: string,
  pidFile: string,
  log: string,
): string {
  const vars = Object.entries(env)
    .map(([key, value]) => `${key}='${value}'`)
    .join(" ");
  writeFileSync(
    path,
    [
      `if [ -f '${pidFile}' ]; then`,
      `  pid=$(cat '${pidFile}'); kill -TERM -"$pid" 2>/dev/null`,
      '  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done',
      "fi",
      `${vars} setsid ${command} >> '${log}' 2>&1 < /dev/null &`,
      `echo $! > '${pidFile}'`,
      "",
    ].join("\n"),
  );
  return `sh '${path}'`;
}

export function stopByPidFile(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
  return pid;
}

export async function waitInFile(path: string, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(path) && pattern.test(readFileSync(path, "utf8")))) {
    if (Date.now() > deadline)
      throw new Error(`${path} never showed ${pattern}:\n${existsSync(path) ? readFileSync(path, "utf8") : ""}`);
    await sleep(200);
  }
}
