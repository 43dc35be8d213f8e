/**
 * `nutca deploy --from MANIFEST --target T...`: the fleet of `issue --from`'s
 * manifest, each row to the host of its `host` column. As with `issue --from
 * --export`, the server targets (upsd, stunnel-server, shim-server) go to the
 * server rows and the client targets (upsmon, stunnel-client, shim-client) to
 * the client rows, naming the row's `server`. Every row is checked before any
 * host is touched.
 */
import { NutcaError, type Problem } from "../../errors.js";
import type { CommandResult, Context } from "../context.js";
import { findTarget } from "../targets/index.js";
import { deployAll, deploySettings, parseHost, type DeployOptions, type HostJob } from "./deploy.js";
import { report } from "./deploy-report.js";
import { BATCH_TARGETS } from "./issue-batch-export.js";
import { readManifest } from "./issue-batch.js";

export interface FleetOptions extends DeployOptions {
  from: string;
  target?: string[] | undefined;
  parallel?: string | undefined;
  backend?: string | undefined;
  installDir?: string | undefined;
}

export const DEFAULT_PARALLEL = 4;

export async function deployFleet(options: FleetOptions, context: Context): Promise<CommandResult> {
  const names = [...new Set(options.target ?? [])];
  if (names.length === 0)
    throw new NutcaError("USAGE", "deploy --from needs --target <target>", "e.g. --target upsd --target upsmon");
  const targets = names.map((name) => {
    const role = BATCH_TARGETS[name];
    const target = findTarget(name);
    if (!target || (role !== "server" && role !== "client"))
      throw new NutcaError("USAGE", `cannot deploy "${name}"`, `use ${HOST_TARGETS.join(", ")}`);
    return { target, role };
  });
  const needsBackend = names.filter((name) => name === "upsd" || name === "upsmon");
  if (needsBackend.length > 0 && options.backend === undefined)
    throw new NutcaError("USAGE", `--target ${needsBackend.join(", ")} needs --backend openssl, nss or auto`, "");
  const parallel = options.parallel === undefined ? DEFAULT_PARALLEL : Number(options.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64)
    throw new NutcaError("USAGE", `--parallel "${options.parallel}" is not a number from 1 to 64`, "e.g. --parallel 8");
  const settings = deploySettings(options);
  const manifest = readManifest(options.from, context.now);
  const problems: Problem[] = [...manifest.problems];
  const jobs: HostJob[] = [];
  for (const row of manifest.rows) {
    const mine = targets.filter(({ role }) => role === row.kind);
    if (mine.length === 0) continue;
    if (row.host === undefined) {
      problems.push({ line: row.line, message: `"${row.name}" has no host to deploy ${mine[0]!.target.name} to` });
      continue;
    }
    if (row.kind === "client" && row.server === undefined) {
      problems.push({ line: row.line, message: `"${row.name}" needs the server column for ${mine[0]!.target.name}` });
      continue;
    }
    const common = { backend: options.backend, installDir: options.installDir };
    jobs.push({
      destination: parseHost(row.host, `line ${row.line}: host`),
      steps: mine.map(({ target, role }) => ({
        name: row.name,
        target,
        args: [row.name],
        exportOptions:
          role === "server" ? { ...common, server: row.name } : { ...common, client: row.name, server: row.server },
      })),
    });
  }
  if (problems.length > 0) {
    const rows = problems.length === 1 ? "1 bad row" : `${problems.length} bad rows`;
    throw new NutcaError(
      "BAD_FILE",
      `the manifest ${options.from} has ${rows}; no host was touched`,
      "fix them and run again",
      {
        problems: problems.sort((a, b) => a.line - b.line),
      },
    );
  }
  if (jobs.length === 0)
    throw new NutcaError(
      "USAGE",
      `no row of ${options.from} is a ${names.join(" or ")} host`,
      "check --target and the kind column",
    );
  const outcomes = await deployAll(jobs, parallel, settings, context);
  return report(outcomes.map((outcome) => outcome.result));
}

/** What `deploy --target` takes: the targets whose bundles carry an install.sh. */
export const HOST_TARGETS = Object.entries(BATCH_TARGETS)
  .filter(([, role]) => role === "server" || role === "client")
  .map(([name]) => name);
