/** Option definitions and types shared by every command registration. */
import { Option, type Command } from "commander";
import { EXIT_MEANING, type ExitStatus } from "../errors.js";
import type { CommandResult, Context } from "./context.js";

export type Run = (context: Context) => Promise<CommandResult>;
export type Execute = (command: Command, run: Run) => Promise<void>;

/** Repeatable list options also take comma-separated values: --dns a --dns b,c. */
export function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  ];
}

export const passphraseFileOption = () =>
  new Option(
    "--passphrase-file <file>",
    "read the CA passphrase from the first line of FILE (or set NUTCA_PASSPHRASE)",
  );

export const keyOption = () => new Option("--key <type>", "key type: ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096");

export const notAfterOption = () =>
  new Option("--not-after <when>", "expiry: never, a date (2035-12-31) or a duration (825d, 10y)");

/** The "Examples:" section of a command's --help. */
export function examplesHelp(examples: readonly string[]): string {
  return helpSection(
    "Examples",
    examples.map((line) => `$ ${line}`),
  );
}

/** The "Exit codes:" section of --help, from errors.ts's one table. */
export function exitCodesHelp(statuses: readonly ExitStatus[]): string {
  return helpSection(
    "Exit codes",
    statuses.map((status) => `${String(status).padStart(3)}  ${EXIT_MEANING[status]}`),
  );
}

function helpSection(title: string, lines: readonly string[]): string {
  return lines.length === 0 ? "" : ["", `${title}:`, ...lines.map((line) => `  ${line}`), ""].join("\n");
}
