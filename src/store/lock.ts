/**
 * An exclusive lock on a store: a lock file created with O_EXCL that names its
 * holder. A second process waits a bounded time, then fails naming the holder.
 * A lock whose holder process is gone (same host) is taken over; the take-over
 * itself is serialized by a second O_EXCL file so two waiters cannot both
 * remove a fresh lock.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { NutcaError } from "../errors.js";

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly command: string;
}

export interface LockOptions {
  readonly timeoutMs?: number;
  readonly command?: string;
}

const POLL_MS = 25;
/** A lock file still empty or unreadable after this long was left by a crash during creation. */
const HALF_WRITTEN_MS = 5_000;

const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

export class StoreLock {
  private released = false;
  private constructor(private readonly path: string) {}

  static async acquire(path: string, options: LockOptions = {}): Promise<StoreLock> {
    const timeoutMs = options.timeoutMs ?? lockTimeoutFromEnv() ?? DEFAULT_LOCK_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const me: LockHolder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      command: options.command ?? "nutca",
    };
    for (;;) {
      if (tryCreate(path, me)) return new StoreLock(path);
      const holder = readHolder(path);
      if (holder === "gone") continue;
      if (isStale(path, holder)) {
        takeOver(path, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        const who = holder
          ? `process ${holder.pid} (${holder.command}) on ${holder.host} since ${holder.since}`
          : "another process";
        throw new NutcaError(
          "STORE_LOCKED",
          `the store is locked by ${who}`,
          "wait for it to finish, or remove the lock file if that process is gone: " + path,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS + Math.random() * POLL_MS));
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(this.path, { force: true });
  }
}

function lockTimeoutFromEnv(): number | undefined {
  const value = Number(process.env.NUTCA_LOCK_TIMEOUT_MS);
  return Number.isFinite(value) && value >= 0 && process.env.NUTCA_LOCK_TIMEOUT_MS ? value : undefined;
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(holder) + "\n");
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder, undefined when the file is unreadable or half written, "gone" when it vanished. */
function readHolder(path: string): LockHolder | undefined | "gone" {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "gone" : undefined;
  }
}

function isStale(path: string, holder: LockHolder | undefined): boolean {
  if (!holder) return ageMs(path) > HALF_WRITTEN_MS;
  if (holder.host !== hostname()) return false;
  return !processAlive(holder.pid);
}

/** True when a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function takeOver(path: string, stale: LockHolder | undefined): void {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (ageMs(guard) > HALF_WRITTEN_MS) rmSync(guard, { force: true });
    return;
  }
  try {
    const current = readHolder(path);
    const same =
      current === undefined
        ? stale === undefined
        : current !== "gone" && stale !== undefined && current.pid === stale.pid && current.since === stale.since;
    if (same) rmSync(path, { force: true });
  } finally {
    closeSync(fd);
    rmSync(guard, { force: true });
  }
}
