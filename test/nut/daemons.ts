// Helpers for the tests that run Debian's real upsd, dummy-ups and upsmon, and
// openssl s_server: daemons in their own process group, always killed by PID
// (also when a test fails or the runner exits), free loopback ports, and a
// NUT STARTTLS client.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, isIP, type AddressInfo, type Socket } from "node:net";
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from "node:tls";

const running = new Set<Daemon>();
process.on("exit", () => {
  for (const daemon of running) daemon.killNow();
});

export class Daemon {
  readonly child: ChildProcess;
  output = "";
  exited = false;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
  ) {
    // Its own process group, so stop() also reaches the children it forks (upsmon's unprivileged half).
    this.child = spawn(command, [...args], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const append = (chunk: Buffer) => (this.output += chunk.toString("utf8"));
    this.child.stdout!.on("data", append);
    this.child.stderr!.on("data", append);
    this.child.on("exit", () => (this.exited = true));
    this.child.on("error", (error) => {
      this.output += `\n[spawn error: ${error.message}]`;
      this.exited = true;
    });
    running.add(this);
  }

  /** Waits until the output matches; fails with the output if the daemon exits or time runs out. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.exited) throw new Error(`${this.name} exited before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${pattern}:\n${this.output}`);
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined) {
      signalGroup(pid, "SIGTERM");
      for (let i = 0; i < 30 && !this.exited; i++) await sleep(100);
      signalGroup(pid, "SIGKILL");
    }
    running.delete(this);
  }

  killNow(): void {
    if (this.child.pid !== undefined) signalGroup(this.child.pid, "SIGKILL");
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loopback port nothing listens on right now (the kernel's pick, so high and rarely reused). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Debian's real NUT programs (the /usr/sbin and /sbin ones are shell wrappers that obey nut.conf's MODE). */
export const NUT = { upsd: "/lib/nut/upsd", upsmon: "/lib/nut/upsmon", dummyUps: "/lib/nut/dummy-ups" } as const;

/**
 * Whether the NUT interop tests can run: the programs, the tools, root and the
 * nut user. Missing pieces skip the tests on a workstation and fail them on CI.
 */
export function nutGate(tools: readonly string[]): { skip: string | false; check: () => void } {
  const missing = [
    ...Object.values(NUT).filter((path) => !existsSync(path)),
    ...tools.filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status !== 0),
    ...(process.getuid?.() === 0 ? [] : ["root (upsd and upsmon drop to the nut user)"]),
    ...(spawnSync("id", ["nut"], { stdio: "ignore" }).status === 0 ? [] : ["the nut user"]),
  ];
  const message = `missing ${missing.join(", ")} (Debian: nut-server nut-client libnss3-tools openssl)`;
  return {
    skip: missing.length > 0 && !process.env.CI ? message : false,
    check: () => {
      if (missing.length > 0) throw new Error(`${message}: required on CI`);
    },
  };
}

export function nutGroupId(): number {
  return Number(spawnSync("id", ["-g", "nut"], { encoding: "utf8" }).stdout.trim());
}

/** root:nut, as upsd and upsmon need their files once they dropped to the nut user. */
export function chownRootNut(path: string): void {
  chownSync(path, 0, nutGroupId());
}

/** A directory upsd/upsmon can read after dropping to nut: root:nut, 0750 unless told otherwise. */
export function nutDir(path: string, mode = 0o750): string {
  mkdirSync(path, { recursive: true });
  chownRootNut(path);
  chmodSync(path, mode);
  return path;
}

/** A file upsd/upsmon can read after dropping to nut: root:nut 0640. */
export function nutFile(path: string, data: string): void {
  writeFileSync(path, data);
  chownRootNut(path);
  chmodSync(path, 0o640);
}

/** The indented `install ...` commands of an export's README, run from the export directory. */
export function runReadmeInstall(exportDir: string): string[] {
  const readme = readFileSync(`${exportDir}/README.txt`, "utf8");
  const commands = readme
    .split("\n")
    .filter((line) => /^\s+install /.test(line))
    .map((line) => line.trim());
  for (const command of commands) {
    const result = spawnSync("sh", ["-c", command], { cwd: exportDir, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`README command failed: ${command}\n${result.stderr}`);
  }
  return commands;
}

/**
 * Debian's upsmon writes /run/nut/upsmon.pid even in the foreground and will not
 * start while a live upsmon owns it. A stale file is removed; a live upsmon that
 * is not ours is reported (the test must not stop the host's monitoring).
 */
export const UPSMON_PID_FILE = "/run/nut/upsmon.pid";

export function liveForeignUpsmon(): number | undefined {
  if (!existsSync(UPSMON_PID_FILE)) return undefined;
  const pid = Number(readFileSync(UPSMON_PID_FILE, "utf8").trim());
  if (pid > 0 && isUpsmon(pid)) return pid;
  rmSync(UPSMON_PID_FILE, { force: true });
  return undefined;
}

export function prepareUpsmonPidDir(): void {
  if (!existsSync("/run/nut")) {
    mkdirSync("/run/nut", { mode: 0o770 });
    chownRootNut("/run/nut");
  }
}

/** Removes the pid file our upsmon left, and only that one. */
export function releaseUpsmonPidFile(pid: number | undefined): void {
  if (!existsSync(UPSMON_PID_FILE)) return;
  const owner = Number(readFileSync(UPSMON_PID_FILE, "utf8").trim());
  if (owner === pid || !isUpsmon(owner)) rmSync(UPSMON_PID_FILE, { force: true });
}

/** A live upsmon: a zombie (its parent gone, a container's init that does not reap) owns nothing. */
function isUpsmon(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [, comm, state] = stat.match(/^\d+ \((.*)\) (\S)/) ?? [];
    return comm === "upsmon" && state !== "Z";
  } catch {
    return false;
  }
}

export interface StartTlsResult {
  readonly status: string;
  readonly protocol: string | null;
  /** The name checkServerIdentity was called with: proof the name was checked, not just the chain. */
  readonly checkedName: string | undefined;
}

/**
 * A NUT STARTTLS client: STARTTLS in plaintext, then TLS on the same socket
 * verified against `ca` and `name`, then `GET VAR` until the driver's status
 * arrives (upsd answers WAIT or DATA-STALE before that).
 */
export async function starttlsStatus(
  port: number,
  ca: string,
  name: string,
  ups: string,
  timeoutMs = 15_000,
): Promise<StartTlsResult> {
  const socket = connect(port, "127.0.0.1");
  try {
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.write("STARTTLS\n");
    const reply = await new LineReader(socket).next(5_000);
    socket.removeAllListeners("data");
    if (reply !== "OK STARTTLS") throw new Error(`STARTTLS answered: ${reply}`);
    let checkedName: string | undefined;
    const tls: TLSSocket = tlsConnect({
      socket,
      ca,
      ...(isIP(name) ? { host: name } : { servername: name }),
      checkServerIdentity: (host: string, certificate: PeerCertificate) => {
        checkedName = host;
        return checkServerIdentity(host, certificate);
      },
    });
    await new Promise<void>((resolve, reject) => tls.once("secureConnect", resolve).once("error", reject));
    const lines = new LineReader(tls);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      tls.write(`GET VAR ${ups} ups.status\n`);
      const line = await lines.next(5_000);
      const match = line.match(/^VAR \S+ ups\.status "(.*)"$/);
      if (match && match[1] !== "WAIT") {
        tls.end();
        return { status: match[1]!, protocol: tls.getProtocol(), checkedName };
      }
      if (Date.now() > deadline) throw new Error(`upsd still answers ${line}`);
      await sleep(300);
    }
  } finally {
    socket.destroy();
  }
}

class LineReader {
  private buffer = "";
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(stream: Socket | TLSSocket) {
    stream.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("utf8");
      this.waiting?.();
    });
    stream.on("error", (error) => {
      this.failure = error;
      this.waiting?.();
    });
    stream.on("close", () => {
      this.failure ??= new Error("connection closed");
      this.waiting?.();
    });
  }

  async next(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf("\n");
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        return line;
      }
      if (this.failure) throw this.failure;
      if (Date.now() > deadline) throw new Error(`no line within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
  }
}
