/**
 * How the wizard runs a planned command: its command function, in a context
 * of its own (the plan's store, not interactive: every answer is already in
 * its options), and the command line that does the same, for the plan and
 * the summary. The passphrase travels in the context's environment
 * (NUTCA_PASSPHRASE), never in argv.
 */
import { createContext, type CommandResult } from "../context.js";
import type { PlannedCommand } from "./plan.js";

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly warn: (line: string) => void;
}

export function runPlanned(command: PlannedCommand, options: RunOptions): Promise<CommandResult> {
  const context = createContext({ store: command.storeDir }, options.env);
  return command.run({ ...context, storeDir: context.storeDir, interactive: false, warn: options.warn });
}

/** A word for /bin/sh: single-quoted unless it needs no quoting. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:@%+=/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  return ["nutca", ...argv].map(shellWord).join(" ");
}
