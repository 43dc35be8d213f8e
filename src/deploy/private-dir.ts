/**
 * The local 0700 directories that hold a bundle (keys) while it is streamed to
 * a host: removed when the host is done, and on SIGINT or SIGTERM too, after
 * which the signal is raised again so the exit status still says what happened.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const live = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
  for (const name of SIGNALS) process.off(name, onSignal);
  process.kill(process.pid, signal);
}

export function makePrivateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "nutca-bundle-"));
  if (live.size === 0) for (const name of SIGNALS) process.on(name, onSignal);
  live.add(dir);
  return dir;
}

export function removePrivateDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
  if (live.size === 0) for (const name of SIGNALS) process.off(name, onSignal);
}
