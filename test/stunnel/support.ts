// Helpers for the stunnel and shim tests: a store made with the real CLI, free
// loopback ports, a fake upsd, and daemons that are always killed by PID.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout: this file runs from dist/test/stunnel/. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const BIN = join(ROOT, "bin", "nutca.js");

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function nutca(store: string, args: readonly string[]): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.NUTCA_PASSPHRASE;
  delete env.NUTCA_STORE;
  const result = spawnSync(process.execPath, [BIN, "--store", store, ...args], { encoding: "utf8", env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI and fails loudly unless it succeeded. */
export function nutcaOk(store: string, args: readonly string[]): string {
  const result = nutca(store, args);
  if (result.status !== 0) throw new Error(`nutca ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** A store with an unencrypted CA, created by the CLI exactly as a user would. */
export function makeStore(dir: string, issue: readonly (readonly string[])[]): string {
  nutcaOk(dir, ["init", "--no-passphrase"]);
  for (const args of issue) nutcaOk(dir, ["issue", ...args]);
  return dir;
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/**
 * A missing program skips the test on a workstation but fails it in CI, where
 * .ci/run installs everything: a silently skipped interop test proves nothing.
 */
export function toolGate(tools: readonly string[]): { skip: string | false; check: () => void } {
  const missing = tools.filter((tool) => !hasTool(tool));
  const message = `missing ${missing.join(", ")}`;
  return {
    skip: missing.length > 0 && !process.env.CI ? `${message} (install it, or set CI=1 to make this a failure)` : false,
    check: () => {
      if (missing.length > 0) throw new Error(`${message}: CI must install it (.ci/run)`);
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A plaintext upsd stand-in that knows one command, and counts who got through to it. */
export async function fakeUpsd(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    let buffer = "";
    socket.on("error", () => undefined);
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const line = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 1);
        socket.write(line === "GET VAR ups ups.status" ? 'VAR ups ups.status "OL"\n' : "ERR UNKNOWN-COMMAND\n");
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Sends one line in plaintext and returns the first line back, or null when the peer closes without one. */
export function askLine(port: number, line: string, timeoutMs = 10_000): Promise<string | null> {
  return new Promise((done) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let buffer = "";
    const finish = (answer: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      done(answer);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on("connect", () => socket.write(line + "\n"));
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      const end = buffer.indexOf("\n");
      if (end >= 0) finish(buffer.slice(0, end));
    });
    socket.on("error", () => finish(null));
    socket.on("close", () => finish(null));
  });
}

export interface Daemon {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** Every process a test starts, killed by PID in after() and, as a last resort, when the runner exits. */
export class Daemons {
  private readonly running = new Set<ChildProcess>();
  private readonly onExit = () => {
    for (const child of this.running) if (child.exitCode === null) child.kill("SIGKILL");
  };

  constructor() {
    process.on("exit", this.onExit);
  }

  start(command: string, args: readonly string[]): Daemon {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.running.add(child);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", (error) => (output += `\nspawn error: ${error.message}`));
    return { child, output: () => output };
  }

  async stop(child: ChildProcess): Promise<void> {
    this.running.delete(child);
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((child) => this.stop(child)));
    process.off("exit", this.onExit);
  }
}

/** Waits for a file a daemon writes once it is ready (stunnel writes its pid file after binding). */
export async function waitForFile(path: string, daemon: Daemon, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (daemon.child.exitCode !== null) throw new Error(`exited (${daemon.child.exitCode}):\n${daemon.output()}`);
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${daemon.output()}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Waits until a daemon's output matches (e.g. the port it printed). */
export async function waitForOutput(daemon: Daemon, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(daemon.output());
    if (match) return match;
    if (daemon.child.exitCode !== null) throw new Error(`exited (${daemon.child.exitCode}):\n${daemon.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} after ${timeoutMs} ms:\n${daemon.output()}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
