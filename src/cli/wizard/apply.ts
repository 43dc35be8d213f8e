/**
 * Carrying out a plan, and ending a run. Each command is atomic on its own
 * (init writes the store's meta file last, issue commits through the ledger,
 * export renames a finished directory into place), so the wizard only has to
 * stop between two commands: Ctrl-C while one runs (a SIGINT, the terminal
 * is not in raw mode outside prompts) is held until it has finished.
 */
import { existsSync } from "node:fs";
import { cancelledError, type NutcaError } from "../../errors.js";
import { openSettings, settingsFile, type Settings } from "../../settings.js";
import type { WizardIO } from "./io.js";
import type { PlannedCommand, Step, WizardDeps } from "./plan.js";
import { commandLine, runPlanned } from "./run.js";
import { renderSummary, type SummaryInput } from "./summary.js";

/** Ctrl-C in the wizard, saying what was done: main prints it as one line and exits 130. */
export function cancelled(steps: readonly Step[]): NutcaError {
  return steps.length === 0
    ? cancelledError()
    : cancelledError(`the ${steps.length} command(s) shown above were completed; nothing is half-made`);
}

export async function runSteps(
  deps: Pick<WizardDeps, "io" | "env">,
  commands: readonly PlannedCommand[],
  passphrase: string | undefined,
  steps: Step[],
): Promise<void> {
  const { io } = deps;
  // The passphrase reaches the commands in their context's environment only: not argv, not process.env.
  const env = { ...deps.env, NUTCA_PASSPHRASE: passphrase };
  if (passphrase === undefined) delete env.NUTCA_PASSPHRASE;
  let interrupted = false;
  const onSignal = () => {
    if (!interrupted) io.say("  Ctrl-C: stopping after this step...");
    interrupted = true;
  };
  process.on("SIGINT", onSignal);
  try {
    for (const command of commands) {
      if (interrupted) throw cancelled(steps);
      io.say(`  $ ${commandLine(command.argv)}`);
      const result = await runPlanned(command, { env, warn: (line) => io.say(`    warning: ${line}`) });
      steps.push({ argv: command.argv, result });
      io.say(`    ${result.human.split("\n")[0]}`);
    }
    if (interrupted) throw cancelled(steps);
  } finally {
    process.off("SIGINT", onSignal);
  }
}

/** Shows the plan and asks before anything is written. */
export async function confirmPlan(io: WizardIO, commands: readonly PlannedCommand[]): Promise<boolean> {
  io.say("", "Plan (nothing has been written yet):", ...commands.map((command) => `  ${commandLine(command.argv)}`));
  const go = await io.ask.confirm("Go ahead?", true);
  if (!go) io.say("  Nothing was changed.");
  return go;
}

/** The summary, then the offer to keep this run's choices as defaults. */
export async function finish(deps: WizardDeps, summary: SummaryInput, chosen: Settings): Promise<void> {
  deps.io.say(...renderSummary(summary));
  await offerToSave(deps, chosen);
}

export async function offerToSave(deps: Pick<WizardDeps, "io" | "env" | "settings">, chosen: Settings): Promise<void> {
  const { io } = deps;
  const changed = Object.entries(chosen).filter(
    ([key, value]) => value !== undefined && deps.settings[key as keyof Settings] !== value,
  );
  if (changed.length === 0) return;
  io.say("", "Defaults for next time (nutca config):", ...changed.map(([key, value]) => `  ${key} = ${value}`));
  if (!(await io.ask.confirm("Save these as your defaults?", true))) return;
  const settings = await openSettings(deps.env);
  settings.set(Object.fromEntries(changed));
  Object.assign(deps.settings, Object.fromEntries(changed));
  io.say(`  Saved in ${settings.path}`);
}

/** The saved preferences, or none when there is no settings file yet (nothing is created just to read). */
export async function loadSettings(env: NodeJS.ProcessEnv): Promise<Settings> {
  if (!existsSync(settingsFile(env))) return {};
  return (await openSettings(env)).all();
}
