/**
 * Step 5: every bundle, one directory per host: `<out>/<host>/<target>/`.
 * Each export is a call of the export command with the target's typed
 * options, shown as the `nutca export <target>` line that does the same:
 * that line is written from the target's own flags.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { findNssTools } from "../../nut/nss-tools.js";
import { parseSetting, SETTING_INFO, type Settings } from "../../settings.js";
import { exportBundle } from "../commands/export.js";
import { flagsFor } from "../options.js";
import { nutauthTarget } from "../targets/nutauth.js";
import { shimClientTarget } from "../targets/shim-client.js";
import { shimServerTarget } from "../targets/shim-server.js";
import { stunnelClientTarget } from "../targets/stunnel-client.js";
import { stunnelServerTarget } from "../targets/stunnel-server.js";
import { exportCommonFlags, type ExportCommonOptions, type ExportTarget } from "../targets/target.js";
import { upsdTarget } from "../targets/upsd.js";
import { upsmonTarget } from "../targets/upsmon.js";
import type { WizardIO } from "./io.js";
import type { ClientPlan, Deployment, PlannedCommand } from "./plan.js";

export interface ExportJob {
  readonly host: string;
  readonly target: string;
  readonly dir: string;
  /** The export; undefined when the job is skipped. */
  readonly command?: PlannedCommand;
  /** The target's own options of that export (what `nutca deploy <target>` takes too). */
  readonly options?: object;
  readonly skipped?: string;
}

export interface ExportPlanInput {
  readonly storeDir: string;
  readonly out: string;
  readonly deployment: Deployment;
  readonly servers: readonly string[];
  readonly clients: readonly ClientPlan[];
  readonly force?: boolean;
}

export function planExports(input: ExportPlanInput): ExportJob[] {
  const { deployment, out } = input;
  const jobs: ExportJob[] = [];
  const add = <O extends object>(host: string, target: ExportTarget<O>, dirName: string, options: O) => {
    const dir = join(out, host, dirName);
    jobs.push({ host, target: target.name, dir, options, command: exportCommand(input, target, dir, options) });
  };
  const nut = (target: ExportTarget<object>) => ({
    backend: deployment.backend ?? "auto",
    ...(deployment.installDir !== undefined && deployment.installDir !== target.defaultInstallDir
      ? { installDir: deployment.installDir }
      : {}),
  });
  for (const server of input.servers) {
    if (deployment.modes.includes("native")) add(server, upsdTarget, "upsd", { server, ...nut(upsdTarget) });
    if (deployment.modes.includes("stunnel")) add(server, stunnelServerTarget, "stunnel-server", { server });
    if (deployment.modes.includes("shims")) add(server, shimServerTarget, "shim-server", { server });
  }
  for (const client of input.clients) {
    for (const server of client.servers) {
      // A client of several servers gets one directory per server.
      const suffix = client.servers.length > 1 ? `-${server}` : "";
      if (deployment.modes.includes("native")) {
        const withClient = client.upsmonCertificate ? { client: client.name } : {};
        add(client.name, upsmonTarget, `upsmon${suffix}`, { server, ...withClient, ...nut(upsmonTarget) });
      }
      if (deployment.modes.includes("stunnel")) {
        const dirName = `stunnel-client${suffix}`;
        if (client.certificate) {
          add(client.name, stunnelClientTarget, dirName, { client: client.name, server });
        } else {
          jobs.push({
            host: client.name,
            target: stunnelClientTarget.name,
            dir: join(out, client.name, dirName),
            skipped: `"${client.name}" has no client certificate, and stunnel needs one`,
          });
        }
      }
      if (deployment.modes.includes("shims")) add(client.name, shimClientTarget, `shim-client${suffix}`, { server });
    }
    // One nutauth.conf per host, a section per server, so NUT 2.8.6's upsc & friends verify too.
    if (deployment.modes.includes("native")) {
      const withClient = client.upsmonCertificate ? { client: client.name } : {};
      const backend = deployment.backend ?? "auto";
      const noNssTools = backend !== "openssl" ? findNssTools().missing : [];
      if (noNssTools.length === 0) {
        add(client.name, nutauthTarget, "nutauth", { server: [...client.servers], ...withClient, backend });
      } else {
        jobs.push({
          host: client.name,
          target: nutauthTarget.name,
          dir: join(out, client.name, "nutauth"),
          skipped: `its NSS database needs ${noNssTools.join(" and ")} here (Debian: apt install libnss3-tools)`,
        });
      }
    }
  }
  return jobs;
}

/** One export: the export command with these options, and its command line from the target's flags. */
export function exportCommand<O extends object>(
  input: Pick<ExportPlanInput, "storeDir" | "force">,
  target: ExportTarget<O>,
  dir: string,
  options: O,
): PlannedCommand {
  const all: O & ExportCommonOptions = { ...options, out: dir, ...(input.force ? { force: true } : {}) };
  const flags = [...target.flags(), ...exportCommonFlags(target)];
  const argv = ["--store", input.storeDir, "export", target.name, ...flagsFor(all, flags)];
  return { storeDir: input.storeDir, argv, run: (context) => exportBundle(target, [], all, context) };
}

/**
 * The output directory. Existing export directories are replaced only when
 * the user says so (then with --force); otherwise another directory is asked for.
 */
export async function askOutDir(
  io: WizardIO,
  saved: Settings,
  jobsFor: (out: string, force: boolean) => ExportJob[],
): Promise<{ out: string; jobs: ExportJob[] }> {
  let suggestion = saved.outDir ?? resolve(SETTING_INFO.outDir.default!);
  for (;;) {
    const answer = await io.ask.input("Output directory for the exports (one sub-directory per host):", {
      default: suggestion,
      validate: async (value) => (value.trim() === "" ? "give a directory" : true),
    });
    const out = await parseSetting("outDir", answer);
    const existing = jobsFor(out, false).filter((job) => job.command !== undefined && existsSync(job.dir));
    if (existing.length === 0) return { out, jobs: jobsFor(out, false) };
    io.say(`  These already exist: ${existing.map((job) => job.dir).join(", ")}`);
    if (await io.ask.confirm("Replace the files in them?", false)) return { out, jobs: jobsFor(out, true) };
    suggestion = out;
  }
}
