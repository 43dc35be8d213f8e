/**
 * `issue --from MANIFEST --export <target>... --out DIR`: the bundles of a
 * batch, written in the same run as DIR/<name>/<target>/ (and DIR/ca/).
 * The client-side bundles that name a server (upsmon, nutauth,
 * stunnel-client, shim-client) take it from the client row's `server` column. Every option
 * and row is checked before anything is issued. An export directory that
 * exists is kept (so re-running a manifest is idempotent) unless --force
 * rewrites it.
 */
import { join, relative } from "node:path";
import { NutcaError, type Problem } from "../../errors.js";
import type { Bundle } from "../../exports/bundle.js";
import type { LeafKind } from "../../pki/leaf-certificate.js";
import type { CaStore } from "../../store/store.js";
import type { Context } from "../context.js";
import { findTarget } from "../targets/index.js";
import type { AnyExportTarget } from "../targets/target.js";
import { bundleDirExists, checkOutDir, writeBundle } from "../write-bundle.js";

export interface BatchExportOptions {
  export?: string[] | undefined;
  out?: string | undefined;
  backend?: string | undefined;
  p12PasswordFile?: string | undefined;
  installDir?: string | undefined;
  force?: boolean | undefined;
}

/** Which rows each target is made for: "client" targets go to client rows and name the row's server. */
export const BATCH_TARGETS: Readonly<Record<string, "once" | "every" | "server" | "client">> = {
  ca: "once",
  pem: "every",
  p12: "every",
  upsd: "server",
  "stunnel-server": "server",
  "shim-server": "server",
  upsmon: "client",
  nutauth: "client",
  "stunnel-client": "client",
  "shim-client": "client",
};

/** A manifest row as the exports see it. */
export interface ExportRow {
  readonly line: number;
  readonly kind: LeafKind;
  readonly name: string;
  readonly server?: string | undefined;
}

export interface ExportPlan {
  readonly targets: readonly AnyExportTarget[];
  readonly out: string;
  readonly options: BatchExportOptions;
}

export interface ExportedBundle {
  readonly name: string;
  readonly target: string;
  readonly out: string;
  readonly status: "exported" | "kept";
}

/** Checks the export options of a batch (before anything is issued); undefined when none were given. */
export function planBatchExport(options: BatchExportOptions, storeDir: string): ExportPlan | undefined {
  const names = [...new Set(options.export ?? [])];
  if (names.length === 0) {
    const stray = (["out", "backend", "p12PasswordFile", "installDir", "force"] as const).find(
      (key) => options[key] !== undefined,
    );
    if (stray) throw new NutcaError("USAGE", "export options need --export <target>", "e.g. --export pem --out DIR");
    return undefined;
  }
  const targets = names.map((name) => {
    const target = findTarget(name);
    if (!target || !(name in BATCH_TARGETS)) {
      throw new NutcaError("USAGE", `a batch cannot export "${name}"`, `use ${Object.keys(BATCH_TARGETS).join(", ")}`);
    }
    return target;
  });
  if (options.out === undefined) {
    throw new NutcaError("USAGE", "--export needs --out <dir>", "the bundles go to DIR/<name>/<target>/");
  }
  const needsBackend = names.filter((name) => name === "upsd" || name === "upsmon" || name === "nutauth");
  if (needsBackend.length > 0 && options.backend === undefined) {
    throw new NutcaError(
      "USAGE",
      `--export ${needsBackend.join(", ")} needs --backend openssl, nss or auto`,
      "see nutca export upsd --help",
    );
  }
  if (names.includes("p12") && options.p12PasswordFile === undefined) {
    // A password generated per file would have to be printed for every certificate of the batch.
    throw new NutcaError("USAGE", "--export p12 in a batch needs --p12-password-file <file>", "one password for all");
  }
  checkOutDir(options.out, { force: options.force, store: storeDir });
  return { targets, out: options.out, options };
}

/**
 * The rows a "client" target cannot be made for: a client row without a server, or naming one that
 * is neither a server row of the manifest nor a server certificate of the store (`storeServers`).
 */
export function exportRowProblems(
  plan: ExportPlan,
  rows: readonly ExportRow[],
  storeServers: ReadonlySet<string>,
): Problem[] {
  const problems = linkProblems(plan, rows);
  const clientTargets = plan.targets.filter((target) => BATCH_TARGETS[target.name] === "client").map((t) => t.name);
  if (clientTargets.length === 0) return problems;
  const servers = new Set([...storeServers, ...rows.filter((row) => row.kind === "server").map((row) => row.name)]);
  for (const row of rows) {
    if (row.kind !== "client") continue;
    if (row.server === undefined) {
      problems.push({ line: row.line, message: `--export ${clientTargets.join(", ")} needs the server column` });
    } else if (!servers.has(row.server)) {
      problems.push({
        line: row.line,
        message: `"${row.server}" is no server certificate, in the store or the manifest`,
      });
    }
  }
  return problems;
}

/** Rows whose bundle directories, DIR/<name>/<target>/, would be reached through a link nutca did not make. */
function linkProblems(plan: ExportPlan, rows: readonly ExportRow[]): Problem[] {
  const force = plan.options.force === true;
  const base = checkOutDir(plan.out, { force });
  for (const target of plan.targets)
    if (BATCH_TARGETS[target.name] === "once") bundleDirExists(base, target.name, force);
  const problems: Problem[] = [];
  for (const row of rows) {
    try {
      for (const target of plan.targets)
        bundleDirExists(base, join(row.name, target.name), plan.options.force === true);
    } catch (error) {
      problems.push({ line: row.line, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return problems;
}

/** One bundle of a batch: its directory (under the plan's out) and how to build it. */
export interface BatchBundle {
  readonly name: string;
  readonly target: AnyExportTarget;
  readonly out: string;
  build(): Promise<Bundle>;
}

/** The bundles of every row (issued now or earlier) for every target that applies to it, in order. */
export function batchBundles(
  plan: ExportPlan,
  rows: readonly ExportRow[],
  store: CaStore,
  context: Context,
): BatchBundle[] {
  const bundle = (target: AnyExportTarget, name: string, out: string, args: string[], extra: object): BatchBundle => {
    const options = { ...plan.options, ...extra, installDir: plan.options.installDir ?? target.defaultInstallDir };
    return { name, target, out, build: () => target.build(args, options, store, context) };
  };
  const bundles: BatchBundle[] = [];
  for (const target of plan.targets) {
    if (BATCH_TARGETS[target.name] === "once") bundles.push(bundle(target, "ca", join(plan.out, target.name), [], {}));
  }
  for (const row of rows) {
    for (const target of plan.targets) {
      const applies = BATCH_TARGETS[target.name];
      if (applies === "once" || (applies !== "every" && applies !== row.kind)) continue;
      const out = join(plan.out, row.name, target.name);
      const extra =
        applies === "server"
          ? { server: row.name }
          : applies === "client"
            ? { client: row.name, server: row.server }
            : {};
      bundles.push(bundle(target, row.name, out, [row.name], extra));
    }
  }
  return bundles;
}

/** Writes the bundles of every row for every target that applies to it. */
export async function exportBatch(
  plan: ExportPlan,
  rows: readonly ExportRow[],
  store: CaStore,
  context: Context,
): Promise<ExportedBundle[]> {
  const exported: ExportedBundle[] = [];
  const force = plan.options.force === true;
  const base = checkOutDir(plan.out, { force, store: store.root });
  for (const { name, target, out, build } of batchBundles(plan, rows, store, context)) {
    if (bundleDirExists(base, relative(plan.out, out), force) && !force) {
      exported.push({ name, target: target.name, out, status: "kept" });
      continue;
    }
    writeBundle(out, await build(), { force, base: plan.out, store: store.root });
    exported.push({ name, target: target.name, out, status: "exported" });
  }
  return exported;
}
