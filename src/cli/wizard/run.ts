/**
 * Runs a nutca command line in-process through the real parser, so the wizard
 * does exactly what the command it shows would do: same options, same
 * defaults, same command function. The passphrase travels in the context's
 * environment (NUTCA_PASSPHRASE), never in argv.
 */
import { CommanderError } from "commander";
import { NutcaError } from "../../errors.js";
import { createContext, type CommandResult, type GlobalOptions } from "../context.js";
import { buildProgram } from "../main.js";

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly warn: (line: string) => void;
}

export async function runCommand(argv: readonly string[], options: RunOptions): Promise<CommandResult> {
  let result: CommandResult | undefined;
  const program = buildProgram(async (command, run) => {
    const context = createContext(command.optsWithGlobals<GlobalOptions>(), options.env);
    // Not interactive: every answer is already in argv or the environment.
    result = await run({ ...context, storeDir: context.storeDir, interactive: false, warn: options.warn });
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    throw new NutcaError("INTERNAL", `${commandLine(argv)}: ${error.message.replace(/^error: /, "")}`, "report it");
  }
  if (result === undefined) throw new NutcaError("INTERNAL", `${commandLine(argv)} ran no command`, "report it");
  return result;
}

/** A word for /bin/sh: single-quoted unless it needs no quoting. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:@%+=/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  return ["nutca", ...argv].map(shellWord).join(" ");
}
