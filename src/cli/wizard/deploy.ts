/**
 * The wizard's last question: "Deploy now?". Each exported bundle has its
 * `nutca deploy` line (the same target options, and the host as ssh reaches
 * it); on yes, the wizard asks each host's ssh destination and calls the
 * deploy command function for it, as the line would.
 */
import { DESTINATION_HINT, parseDestination } from "../../deploy/destination.js";
import { deployFlags } from "../commands/register-deploy.js";
import { flagsFor } from "../options.js";
import { findTarget } from "../targets/index.js";
import { exportCommonFlags } from "../targets/target.js";
import type { ExportJob } from "./exports.js";
import type { PlannedCommand, Step, WizardDeps } from "./plan.js";
import { runSteps } from "./apply.js";
import { commandLine } from "./run.js";

/** The deploy line of one export, to the host `destination`. */
export function deployCommand(storeDir: string, job: ExportJob, destination: string): PlannedCommand | undefined {
  const target = findTarget(job.target);
  if (!target?.installable || job.options === undefined) return undefined;
  const options = { ...job.options, host: destination };
  const argv = [
    "--store",
    storeDir,
    "deploy",
    target.name,
    ...flagsFor(job.options, [...target.flags(), ...exportCommonFlags(target), ...deployFlags()]),
    "--host",
    destination,
  ];
  return {
    storeDir,
    argv,
    run: async (context) => {
      const { deployTarget } = await import("../commands/deploy.js");
      return deployTarget(target.name, [], options, context);
    },
  };
}

export async function offerDeploy(
  deps: WizardDeps,
  storeDir: string,
  jobs: readonly ExportJob[],
  passphrase: string | undefined,
  steps: Step[],
): Promise<void> {
  const { io } = deps;
  const deployable = jobs.filter((job) => job.command !== undefined && job.options !== undefined);
  if (deployable.length === 0) return;
  const lines = deployable.flatMap((job) => deployCommand(storeDir, job, `root@${job.host}`) ?? []);
  io.say(
    "",
    "To install the bundles over ssh (install.sh on each host; upsd is probed afterwards):",
    ...lines.map((command) => `  ${commandLine(command.argv)}`),
  );
  if (!(await io.ask.confirm("Deploy now?", false))) return;
  const destinations = new Map<string, string>();
  for (const host of new Set(deployable.map((job) => job.host))) {
    const answer = await io.ask.input(`ssh destination of ${host}:`, {
      default: `root@${host}`,
      validate: (value) => (parseDestination(value) ? true : DESTINATION_HINT),
    });
    destinations.set(host, answer.trim());
  }
  const commands = deployable.flatMap((job) => deployCommand(storeDir, job, destinations.get(job.host)!) ?? []);
  await runSteps(deps, commands, passphrase, steps);
}
