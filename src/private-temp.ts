/**
 * Temporary directories that hold secrets (an NSS database being built, an
 * export bundle before it is moved into place). Each is 0700, named with the
 * creating PID, and removed on every way out: its owner's finally, process
 * exit, and SIGINT/SIGTERM/SIGHUP (then the process exits 128+signal, as the
 * signal would have made it). A directory left by a SIGKILL is stale once its
 * PID is dead: the next one made beside it removes it, and doctor reports it.
 */
import type { ChildProcess } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { constants } from "node:os";
import { join } from "node:path";

/** The directories of this kind in the system temp directory. */
export const TEMP_PREFIXES = ["nutca-nss-", "nutca-doctor-"] as const;

const live = new Set<string>();
const tools = new Set<ChildProcess>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** A tool (certutil) may still be writing into the directory: rmdir's ENOTEMPTY is retried. */
function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 10 });
}

/** A tool working in a private temp dir: on the way out it is killed first, so it cannot keep writing there. */
export function trackTool(child: ChildProcess): void {
  tools.add(child);
  child.once("exit", () => tools.delete(child));
}

function removeLive(): void {
  for (const child of tools) child.kill("SIGKILL");
  for (const dir of live) {
    try {
      remove(dir);
    } catch {
      // On the way out, one directory that resists must not keep the others (or the exit code) from their due.
    }
  }
  live.clear();
}

function onSignal(signal: (typeof SIGNALS)[number]): void {
  removeLive();
  process.exit(128 + constants.signals[signal]);
}

function watch(on: boolean): void {
  for (const signal of SIGNALS) {
    if (on) process.on(signal, onSignal);
    else process.off(signal, onSignal);
  }
  if (on) process.on("exit", removeLive);
  else process.off("exit", removeLive);
}

/** A fresh 0700 directory `<parent>/<prefix><pid>-<random>`, after removing stale ones of the same prefix. */
export function makePrivateTemp(parent: string, prefix: string): string {
  removeStaleTemps(parent, prefix);
  const dir = join(parent, `${prefix}${process.pid}-${randomBytes(6).toString("hex")}`);
  mkdirSync(dir, { mode: 0o700 });
  if (live.size === 0) watch(true);
  live.add(dir);
  return dir;
}

/** Removes the directory (a no-op when it is gone: a rename moved it into place). */
export function removePrivateTemp(dir: string): void {
  remove(dir);
  live.delete(dir);
  if (live.size === 0) watch(false);
}

/** Directories of `prefix` in `parent` whose creating process is dead, and that are this user's. */
export function staleTemps(parent: string, prefix: string): { path: string; pid: number }[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const stale: { path: string; pid: number }[] = [];
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]{12}$/.exec(name.slice(prefix.length)) : null;
    if (!match) continue;
    const path = join(parent, name);
    const pid = Number(match[1]);
    try {
      const stat = lstatSync(path);
      if (stat.isDirectory() && stat.uid === process.getuid?.() && !isAlive(pid)) stale.push({ path, pid });
    } catch {
      // Gone already.
    }
  }
  return stale;
}

export function removeStaleTemps(parent: string, prefix: string): string[] {
  const stale = staleTemps(parent, prefix);
  for (const { path } of stale) remove(path);
  return stale.map(({ path }) => path);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
