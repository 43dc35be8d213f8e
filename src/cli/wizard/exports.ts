/**
 * Step 5: every bundle, one directory per host: `<out>/<host>/<target>/`.
 * Each export is a `nutca export <target>` command line. Its options are
 * looked up by name on the real parser, so a target or option that this build
 * lacks is reported and skipped rather than guessed.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { parseSetting, SETTING_INFO, type Settings } from "../../settings.js";
import { EXPORT_TARGETS } from "../export-targets.js";
import { buildProgram } from "../main.js";
import type { WizardIO } from "./io.js";
import type { ClientPlan, Deployment } from "./plan.js";

export interface ExportJob {
  readonly host: string;
  readonly target: string;
  readonly dir: string;
  /** The command line; undefined when the job is skipped. */
  readonly argv?: readonly string[];
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

type Values = readonly (readonly [attribute: string, value: string | true])[];

export function planExports(input: ExportPlanInput): ExportJob[] {
  const { deployment, out } = input;
  const jobs: ExportJob[] = [];
  const add = (host: string, target: string, dirName: string, values: Values) =>
    jobs.push(exportJob(input, host, target, join(out, host, dirName), values));
  const nut = (target: string): Values => [
    ["backend", deployment.backend ?? "auto"],
    ...(deployment.installDir !== undefined && deployment.installDir !== defaultInstallDir(target)
      ? [["installDir", deployment.installDir] as const]
      : []),
  ];
  for (const server of input.servers) {
    if (deployment.modes.includes("native")) add(server, "upsd", "upsd", [["server", server], ...nut("upsd")]);
    if (deployment.modes.includes("stunnel")) add(server, "stunnel-server", "stunnel-server", [["server", server]]);
    if (deployment.modes.includes("shims")) add(server, "shim-server", "shim-server", [["server", server]]);
  }
  for (const client of input.clients) {
    for (const server of client.servers) {
      // A client of several servers gets one directory per server.
      const suffix = client.servers.length > 1 ? `-${server}` : "";
      if (deployment.modes.includes("native")) {
        const withClient: Values = client.upsmonCertificate ? [["client", client.name]] : [];
        add(client.name, "upsmon", `upsmon${suffix}`, [["server", server], ...withClient, ...nut("upsmon")]);
      }
      if (deployment.modes.includes("stunnel")) {
        const dir = `stunnel-client${suffix}`;
        if (client.certificate) {
          add(client.name, "stunnel-client", dir, [
            ["client", client.name],
            ["server", server],
          ]);
        } else {
          jobs.push({
            host: client.name,
            target: "stunnel-client",
            dir: join(out, client.name, dir),
            skipped: `"${client.name}" has no client certificate, and stunnel needs one`,
          });
        }
      }
      if (deployment.modes.includes("shims"))
        add(client.name, "shim-client", `shim-client${suffix}`, [["server", server]]);
    }
  }
  return jobs;
}

function defaultInstallDir(target: string): string | undefined {
  return EXPORT_TARGETS.find((candidate) => candidate.name === target)?.defaultInstallDir;
}

/** The `export <target>` command of the real parser, when this build has it. */
export function exportCommand(target: string): Command | undefined {
  const program = buildProgram(async () => undefined);
  return program.commands
    .find((command) => command.name() === "export")
    ?.commands.find((command) => command.name() === target);
}

export function exportJob(
  input: Pick<ExportPlanInput, "storeDir" | "force">,
  host: string,
  target: string,
  dir: string,
  values: Values,
): ExportJob {
  const job = { host, target, dir };
  const command = exportCommand(target);
  if (!command) return { ...job, skipped: `this nutca has no "nutca export ${target}"` };
  const all: Values = [...values, ["out", dir], ...(input.force ? [["force", true] as const] : [])];
  const argv = ["--store", input.storeDir, "export", target];
  for (const [attribute, value] of all) {
    const option = command.options.find((candidate) => candidate.attributeName() === attribute);
    if (!option?.long) return { ...job, skipped: `"nutca export ${target}" has no option for ${attribute} here` };
    argv.push(option.long, ...(value === true ? [] : [value]));
  }
  const missing = command.options.filter(
    (option) => option.mandatory && !all.some(([attribute]) => attribute === option.attributeName()),
  );
  if (missing.length > 0) {
    return { ...job, skipped: `"nutca export ${target}" needs ${missing.map((option) => option.long).join(", ")}` };
  }
  return { ...job, argv };
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
    const existing = jobsFor(out, false).filter((job) => job.argv !== undefined && existsSync(job.dir));
    if (existing.length === 0) return { out, jobs: jobsFor(out, false) };
    io.say(`  These already exist: ${existing.map((job) => job.dir).join(", ")}`);
    if (await io.ask.confirm("Replace the files in them?", false)) return { out, jobs: jobsFor(out, true) };
    suggestion = out;
  }
}
