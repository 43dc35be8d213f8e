/**
 * The `wizard` and `config` commands, and what `nutca` with no command does.
 * Loaded with main.ts for --help: the wizard, conf and inquirer are imported
 * only when a command runs.
 */
import type { Command } from "commander";
import { SETTING_KEYS } from "../../settings.js";
import type { Execute } from "../options.js";

/** What a script uses instead of the wizard; printed when there is no terminal. */
export const NON_INTERACTIVE_HINT =
  "Without a terminal there is no wizard: use nutca init, nutca issue server|client <name> " +
  "and nutca export <target> (every wizard answer is an option of these).";

export function addWizardCommands(program: Command, execute: Execute): void {
  program
    .command("wizard")
    .description("step-by-step set-up on a terminal: CA, server and client certificates, every export")
    .action(async (_options, command: Command) => {
      const { wizard } = await import("./index.js");
      await execute(command, (context) => wizard(command.optsWithGlobals(), context));
    });

  const config = program
    .command("config")
    .description(`saved preferences (never keys): ${SETTING_KEYS.join(", ")}; NUTCA_CONFIG_DIR moves the file`);
  const actions = [
    ["list", [], "every setting, its value and what it means"],
    ["get", ["<key>"], "one setting's value (its default when not set)"],
    ["set", ["<key>", "<value>"], "save a value, checked like the matching option"],
    ["reset", ["[key]"], "forget one setting, or all of them"],
  ] as const;
  for (const [action, args, description] of actions) {
    const sub = config.command(action).description(description);
    for (const arg of args) sub.argument(arg);
    sub.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const values = params.slice(0, args.length) as (string | undefined)[];
      const { config: run } = await import("../commands/config.js");
      await execute(self, (context) => run(action, values, context));
    });
  }
}

/** True when argv holds only global options (--store DIR, --json): no command was given. */
export function noCommandGiven(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--store") i++;
    else if (arg !== "--json" && !arg.startsWith("--store=")) return false;
  }
  return true;
}
