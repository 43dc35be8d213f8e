/** Option definitions and types shared by every command registration. */
import { Option, type Command } from "commander";
import { EXIT_MEANING, NutcaError, type ExitStatus } from "../errors.js";
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

/** `nutca init`'s own flags (InitOptions); the wizard writes its init line from them. */
export const initFlags = (): Option[] => [
  new Option("--name <cn>", 'the CA common name (default "NUT private CA")'),
  new Option("--org <organisation>", "the organisation (O) of the CA and its certificates"),
  keyOption(),
  notAfterOption(),
  new Option("--leaf-not-after <when>", "default expiry of issued certificates (default: never, capped at the CA's)"),
  new Option("--permit-dns <suffix>", "only allow names under this DNS suffix (repeatable)").argParser(collect),
  new Option("--permit-ip <cidr>", "only allow addresses in this network (repeatable)").argParser(collect),
  new Option("--no-passphrase", "store the CA key unencrypted (not recommended)"),
  new Option("--intermediate", "an offline root plus an intermediate CA that signs the certificates"),
  new Option("--intermediate-name <cn>", 'the intermediate CA common name (default "<name> Issuing CA")'),
];

/** `nutca issue server|client`'s own flags (IssueOptions); the wizard writes its issue lines from them. */
export const issueFlags = (): Option[] => [
  new Option("--dns <host>", "a DNS name clients use (repeatable, or comma-separated)").argParser(collect),
  new Option("--ip <address>", "an IP address clients use (repeatable, or comma-separated)").argParser(collect),
  keyOption(),
  notAfterOption(),
];

/**
 * The flags that give a command these options, in their order: what commander
 * would parse back into them (a list repeats its flag, false is a --no- flag).
 */
export function flagsFor(options: object, flags: readonly Option[]): string[] {
  const argv: string[] = [];
  for (const [attribute, value] of Object.entries(options) as [string, unknown][]) {
    if (value === undefined) continue;
    const option = flags.find(
      (candidate) => candidate.attributeName() === attribute && candidate.negate === (value === false),
    );
    if (option?.long === undefined) {
      throw new NutcaError("INTERNAL", `no flag gives ${attribute} = ${String(value)}`, "report it");
    }
    if (typeof value === "boolean") argv.push(option.long);
    else for (const item of Array.isArray(value) ? value : [value]) argv.push(option.long, String(item));
  }
  return argv;
}

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
