import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { NutcaError } from "../../src/errors.js";
import { StoreLock, type LockHolder } from "../../src/store/lock.js";
import { modeOf, tempDir } from "../helpers/cli.js";

function lockPath(): string {
  return join(tempDir(), "store.lock");
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  assert.ok(child.pid, "spawned a process");
  assert.throws(() => process.kill(child.pid, 0), "the process is gone");
  return child.pid;
}

function writeHolder(path: string, holder: Partial<LockHolder>): void {
  const full: LockHolder = { pid: 1, host: hostname(), since: "2026-01-01T00:00:00.000Z", command: "nutca", ...holder };
  writeFileSync(path, JSON.stringify(full) + "\n", { mode: 0o600 });
}

function readHolder(path: string): LockHolder {
  return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
}

async function assertLocked(path: string, timeoutMs: number, fragment: RegExp): Promise<number> {
  const started = Date.now();
  await assert.rejects(StoreLock.acquire(path, { timeoutMs }), (error: unknown) => {
    assert.ok(error instanceof NutcaError, `expected a NutcaError, got ${String(error)}`);
    assert.equal(error.code, "STORE_LOCKED");
    assert.equal(error.exitCode, 1);
    assert.match(error.line, fragment);
    assert.ok(error.line.includes(path), "names the lock file");
    return true;
  });
  return Date.now() - started;
}

describe("store lock", () => {
  test("acquire writes a 0600 file naming this process; release removes it, twice is harmless", async () => {
    const path = lockPath();
    const lock = await StoreLock.acquire(path, { command: "nutca issue x" });
    assert.equal(modeOf(path), 0o600);
    const holder = readHolder(path);
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.host, hostname());
    assert.equal(holder.command, "nutca issue x");
    assert.ok(!Number.isNaN(Date.parse(holder.since)));
    lock.release();
    assert.equal(existsSync(path), false);
    lock.release();
    assert.equal(existsSync(path), false);
  });

  test("a second acquire waits, then fails with STORE_LOCKED naming the holder's pid", async () => {
    const path = lockPath();
    const lock = await StoreLock.acquire(path, { command: "nutca init" });
    try {
      const waited = await assertLocked(path, 300, new RegExp(`locked by process ${process.pid} \\(nutca init\\)`));
      assert.ok(waited >= 250, `gave up after ${waited} ms, before its timeout`);
      assert.equal(readHolder(path).pid, process.pid, "the holder's lock is untouched");
    } finally {
      lock.release();
    }
  });

  test("a second acquire gets the lock once the holder releases it", async () => {
    const path = lockPath();
    const first = await StoreLock.acquire(path);
    const started = Date.now();
    const second = StoreLock.acquire(path, { timeoutMs: 5000, command: "second" });
    setTimeout(() => first.release(), 150);
    const lock = await second;
    assert.ok(Date.now() - started >= 100, "it waited for the release");
    assert.equal(readHolder(path).command, "second");
    lock.release();
    assert.equal(existsSync(path), false);
  });

  test("a lock naming a dead process on this host is taken over", async () => {
    const path = lockPath();
    writeHolder(path, { pid: deadPid(), command: "crashed" });
    const started = Date.now();
    const lock = await StoreLock.acquire(path, { timeoutMs: 2000, command: "taker" });
    assert.ok(Date.now() - started < 1500, "no waiting for the timeout");
    assert.equal(readHolder(path).pid, process.pid);
    assert.equal(readHolder(path).command, "taker");
    assert.equal(existsSync(`${path}.takeover`), false);
    lock.release();
    assert.equal(existsSync(path), false);
  });

  test("a live holder's lock is not taken over", async () => {
    const path = lockPath();
    writeHolder(path, { pid: process.ppid, command: "alive" });
    await assertLocked(path, 200, new RegExp(`process ${process.ppid} \\(alive\\)`));
    assert.equal(readHolder(path).command, "alive");
  });

  test("a lock from another host is never taken over, even with a dead pid", async () => {
    const path = lockPath();
    writeHolder(path, { pid: deadPid(), host: "elsewhere.example", command: "remote" });
    await assertLocked(path, 200, /on elsewhere\.example/);
    assert.equal(readHolder(path).host, "elsewhere.example");
  });

  test("an empty lock file is respected while fresh and taken over once old", async () => {
    const path = lockPath();
    writeFileSync(path, "");
    await assertLocked(path, 200, /locked by another process/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const lock = await StoreLock.acquire(path, { timeoutMs: 2000 });
    assert.equal(readHolder(path).pid, process.pid);
    lock.release();
  });
});
