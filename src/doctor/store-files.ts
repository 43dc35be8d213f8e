/**
 * The store as files: modes (0600 files, 0700 directories: design.md), owners,
 * leftovers of interrupted writes (temp files, staging directories) and the
 * lock. Read-only: it says what to run, it never repairs.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, type Stats } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { CHECKOUT_FILES, storePaths } from "../store/layout.js";
import { TEMP_PREFIX } from "../store/durable.js";
import { processAlive } from "../store/lock.js";
import type { LedgerRecord } from "../store/ledger.js";
import { stagingKey } from "../store/revocation-records.js";
import type { CaStore } from "../store/store.js";
import { CheckBuilder, type DoctorCheck } from "./types.js";

interface Node {
  readonly path: string;
  readonly rel: string;
  readonly stat: Stats;
}

export function walk(root: string, limit = 100_000): Node[] {
  const nodes: Node[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (nodes.length >= limit) return;
      const path = join(dir, name);
      const stat = lstatSync(path);
      nodes.push({ path, rel: relative(root, path), stat });
      if (stat.isDirectory()) visit(path);
    }
  };
  visit(root);
  return nodes;
}

export function modeText(mode: number): string {
  return "0" + (mode & 0o777).toString(8);
}

export function storeFileChecks(store: CaStore, records: readonly LedgerRecord[]): DoctorCheck[] {
  const nodes = walk(store.root);
  const rootStat = lstatSync(store.root);
  return [modes(store, nodes, rootStat), leftovers(store, nodes, records), lock(store)];
}

function modes(store: CaStore, nodes: readonly Node[], rootStat: Stats): DoctorCheck {
  const check = new CheckBuilder("store.modes", "modes: files 0600, directories 0700, one owner");
  const all = [{ path: store.root, rel: ".", stat: rootStat }, ...nodes];
  for (const node of all) {
    // A checkout's ./ca-store carries its README and .gitignore: public files, not the store's.
    if (CHECKOUT_FILES.has(node.rel)) continue;
    if (node.stat.isSymbolicLink()) {
      check.add(
        "warning",
        "symlink",
        `${node.rel} is a symbolic link`,
        "replace it with the file it points to",
        node.path,
      );
      continue;
    }
    const open = node.stat.mode & 0o077;
    const secret =
      node.rel === "." || node.rel === storePaths.privateDir || node.rel.startsWith(`${storePaths.privateDir}/`);
    if (open !== 0) {
      const wanted = node.stat.isDirectory() ? "0700" : "0600";
      check.add(
        secret ? "error" : "warning",
        "mode",
        `${node.rel} has mode ${modeText(node.stat.mode)}${secret ? ": the keys are exposed to other users" : ""}`,
        `chmod ${wanted} ${node.path}`,
        node.path,
      );
    }
    if (node.stat.uid !== rootStat.uid) {
      check.add(
        "warning",
        "owner",
        `${node.rel} belongs to uid ${node.stat.uid}, the store to uid ${rootStat.uid}: the next change may fail`,
        `chown ${rootStat.uid}:${rootStat.gid} ${node.path}`,
        node.path,
      );
    }
  }
  return check.done();
}

function leftovers(store: CaStore, nodes: readonly Node[], records: readonly LedgerRecord[]): DoctorCheck {
  const check = new CheckBuilder("store.leftovers", "no temp files or unfinished changes");
  for (const node of nodes) {
    const name = node.rel.split("/").pop()!;
    if (name.startsWith(TEMP_PREFIX) && !node.rel.startsWith(`${storePaths.stagingDir}/`)) {
      check.add(
        "warning",
        "stray-temp-file",
        `${node.rel} is a temporary file left by an interrupted write`,
        `rm ${node.path} (the file it was replacing is intact)`,
        node.path,
      );
    }
  }
  if (!existsSync(store.layout.stagingDir)) return check.done();
  const committed = new Set(records.map(stagingKey));
  for (const key of readdirSync(store.layout.stagingDir)) {
    const path = store.layout.staging(key);
    const done = committed.has(key);
    check.add(
      "warning",
      done ? "unfinished-change" : "uncommitted-change",
      done
        ? `${storePaths.staging(key)} holds files of a committed change that were not moved into place`
        : `${storePaths.staging(key)} holds files of a change that never committed (interrupted before its ledger line)`,
      `the next change (nutca issue/renew/revoke/crl) ${done ? "moves them into place" : "discards them"}`,
      path,
    );
  }
  return check.done();
}

function lock(store: CaStore): DoctorCheck {
  const check = new CheckBuilder("store.lock", "no stale lock");
  for (const path of [store.layout.lock, `${store.layout.lock}.takeover`]) {
    if (!existsSync(path)) continue;
    let holder: { pid?: number; host?: string; command?: string } | undefined;
    try {
      holder = JSON.parse(readFileSync(path, "utf8")) as typeof holder;
    } catch {
      holder = undefined;
    }
    const here = holder?.host === hostname();
    const alive = here && typeof holder?.pid === "number" && processAlive(holder.pid);
    if (alive) {
      check.add(
        "info",
        "locked",
        `${holder?.command ?? "nutca"} (pid ${holder?.pid}) is changing the store right now`,
        "run nutca doctor again when it has finished",
        path,
      );
    } else {
      const who = holder?.pid ? `process ${holder.pid} on ${holder.host ?? "?"}` : "an unknown process";
      check.add(
        "warning",
        "stale-lock",
        `${relative(store.root, path)} was left by ${who}, which ${here ? "is gone" : "may be on another host"}`,
        here ? `the next change takes it over; or rm ${path}` : `rm ${path} once that host runs no nutca`,
        path,
      );
    }
  }
  return check.done();
}
