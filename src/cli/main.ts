/**
 * The program: argv -> typed options -> a command function, and the single
 * place where errors become one line on stderr and an exit code. Command
 * modules are imported only when their command runs, so --help and --version
 * load no X.509 or prompt library.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { EXIT, type ExitStatus, NutcaError } from "../errors.js";
import { addLifecycleCommands } from "./commands/register-lifecycle.js";
import { addCheckCommands } from "./commands/register-checks.js";
import { addDeployCommand } from "./commands/register-deploy.js";
import { createContext, type GlobalOptions } from "./context.js";
import {
  collect,
  examplesHelp,
  exitCodesHelp,
  initFlags,
  issueFlags,
  passphraseFileOption,
  type Run,
} from "./options.js";
import { renderError, renderJson, terminalText } from "./output.js";
import { EXPORT_TARGETS } from "./targets/index.js";
import { exportCommonFlags } from "./targets/target.js";
import { addWizardCommands, NON_INTERACTIVE_HINT, noCommandGiven } from "./wizard/register.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

function buildProgram(execute: (command: Command, run: Run) => Promise<void>): Command {
  const program = new Command("nutca")
    .description("A private certificate authority for NUT (Network UPS Tools) TLS")
    .version(VERSION, "-V, --version")
    .option("--store <dir>", "the CA store (default: $NUTCA_STORE, then nutca config's storeDir, then ./ca-store)")
    .option("--json", "print results and errors as JSON")
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });

  const passphraseFile = passphraseFileOption();

  const initCommand = program.command("init").description("create the store and its CA");
  for (const option of initFlags()) initCommand.addOption(option);
  initCommand.addOption(passphraseFile).action(async (options, command: Command) => {
    const { init } = await import("./commands/init.js");
    await execute(command, (context) => init(options, context));
  });

  // `issue --from FILE` is the batch. Commander gives `issue` any --passphrase-file on the line, so
  // server/client read it with optsWithGlobals().
  const issue = program
    .command("issue")
    .description("issue a certificate (server, client), or every one a manifest lists (--from)")
    .allowExcessArguments()
    .option("--from <manifest>", "issue what a CSV or JSON manifest lists (see the README)")
    .option("--export <target>", "with --from: also export ca, pem, p12, upsd, stunnel-server, shim-server", collect)
    .option("--out <dir>", "with --export: the bundles go to DIR/<name>/<target>/")
    .option("--backend <backend>", "with --export upsd: openssl, nss or auto")
    .option("--p12-password-file <file>", "with --export p12: the password for every file, first line of FILE")
    .option("--install-dir <dir>", "with --export: where the files will live on the hosts")
    .option("--force", "with --export: rewrite export directories that exist")
    .addOption(passphraseFile)
    .action(async (options: { from?: string; passphraseFile?: string }, command: Command) => {
      if (options.from === undefined || command.args.length > 0) {
        const what = command.args[0] === undefined ? "issue needs" : `"${command.args[0]}" is not one of`;
        throw new NutcaError(
          "USAGE",
          `${what} server <name>, client <name> or --from <manifest>`,
          "see nutca issue --help",
        );
      }
      const { issueBatch } = await import("./commands/issue-batch.js");
      await execute(command, (context) => issueBatch({ ...options, from: options.from! }, context));
    });
  for (const kind of ["server", "client"] as const) {
    const leaf = issue
      .command(kind)
      .description(
        kind === "server" ? "a certificate for a upsd host" : "a certificate for a upsmon host, stunnel client or shim",
      )
      .argument("<name>", "the certificate's name in the store (usually the host name)");
    for (const option of issueFlags()) leaf.addOption(option);
    leaf.addOption(passphraseFile).action(async (name: string, options, command: Command) => {
      // Options of `issue` itself (the batch's) that commander also accepts after server/client.
      const stray = Object.keys(issue.opts()).find((key) => key !== "passphraseFile");
      if (stray !== undefined) {
        const flag = `--${stray.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
        throw new NutcaError(
          "USAGE",
          `issue ${kind} does not take ${flag}`,
          "it belongs to the batch form: nutca issue --from <manifest> ...",
        );
      }
      const { issue: issueCommand } = await import("./commands/issue.js");
      const { passphraseFile } = command.optsWithGlobals<{ passphraseFile?: string }>();
      await execute(command, (context) => issueCommand(kind, name, { ...options, passphraseFile }, context));
    });
  }

  program
    .command("list")
    .description("list the certificates in the store")
    .option("--expiring <duration>", "only what expires within DURATION (30d, 8w, 1y), CRL included; exit 3 if any")
    .action(async (options, command: Command) => {
      const { list } = await import("./commands/list.js");
      await execute(command, (context) => list(context, options));
    });

  addLifecycleCommands(program, execute);
  addCheckCommands(program, execute);
  addWizardCommands(program, execute);
  addDeployCommand(program, execute);

  program
    .command("show")
    .description("show one certificate")
    .argument("<name|serial>", "a certificate name or serial")
    .option("--pem", "print the certificate as PEM")
    .action(async (nameOrSerial: string, options, command: Command) => {
      const { show } = await import("./commands/show.js");
      await execute(command, (context) => show(nameOrSerial, options, context));
    });

  const exportCommand = program
    .command("export")
    .description("write the files a consumer needs, with config lines and install steps");
  for (const target of EXPORT_TARGETS) {
    const command = exportCommand.command(target.name).description(target.description);
    for (const [name, description] of target.arguments ?? []) command.argument(name, description);
    for (const option of [...target.flags(), ...exportCommonFlags(target)]) command.addOption(option);
    command.addHelpText("after", examplesHelp(target.examples) + exitCodesHelp(target.exitCodes));
    command.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const args = params.slice(0, target.arguments?.length ?? 0) as string[];
      const { exportTarget } = await import("./commands/export.js");
      await execute(self, (context) => exportTarget(target.name, args, self.opts(), context));
    });
  }

  addExitCodesHelp(program);
  return program;
}

/** Exit statuses beyond 0, 1 and 2 that a command can end with. */
const MORE_EXIT_CODES: Readonly<Record<string, readonly ExitStatus[]>> = {
  list: [EXIT.due],
  doctor: [EXIT.problemFound],
  probe: [EXIT.problemFound],
  deploy: [EXIT.problemFound],
  wizard: [EXIT.cancelled],
};

/** The whole table under `nutca --help`; under each command's --help, the statuses it can end with. */
function addExitCodesHelp(program: Command): void {
  program.addHelpText("after", exitCodesHelp(Object.values(EXIT)));
  const visit = (command: Command) => {
    command.commands.forEach(visit);
    if (command.parent?.name() === "export" || command.parent?.name() === "deploy") return; // they give their own
    const more = MORE_EXIT_CODES[command.name()] ?? [];
    command.addHelpText("after", exitCodesHelp([EXIT.ok, EXIT.failure, EXIT.badInput, ...more]));
  };
  program.commands.forEach(visit);
}

export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes("--json");
  let exitCode = 0;
  const program = buildProgram(async (command, run) => {
    const context = createContext(command.optsWithGlobals<GlobalOptions>());
    const result = await run(context);
    process.stdout.write((context.json ? renderJson(result.data) : terminalText(result.human)) + "\n");
    if (result.exitCode !== undefined) exitCode = result.exitCode;
  });
  try {
    let args = [...argv];
    if (noCommandGiven(argv)) {
      // No command: the wizard on a terminal; otherwise the help, never a prompt that waits for input.
      if (process.stdin.isTTY && process.stdout.isTTY) args = ["wizard", ...argv];
      else {
        process.stderr.write(`${program.helpInformation()}\n${NON_INTERACTIVE_HINT}\n`);
        throw new NutcaError("USAGE", "no command given", "see the commands above, e.g. nutca init");
      }
    }
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    exitCode = report(error, json);
  }
  return exitCode;
}

function report(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return EXIT.ok;
    error = new NutcaError("USAGE", commanderMessage(error), "see nutca --help");
  }
  const known = error instanceof NutcaError ? error : fromSystemError(error);
  process.stderr.write(renderError(known, json) + "\n");
  if (process.env.NUTCA_DEBUG === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return known.exitCode;
}

/** Commander's message as one line: its suggestion ("(Did you mean probe?)") comes on a line of its own. */
function commanderMessage(error: CommanderError): string {
  return error.message
    .replace(/^error: /, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
}

function fromSystemError(error: unknown): NutcaError {
  const system = error as NodeJS.ErrnoException;
  const path = system?.path ? ` ${system.path}` : "";
  switch (system?.code) {
    case "EACCES":
    case "EPERM":
      return new NutcaError("IO", `permission denied${path}`, "check the owner and mode, or run as the store's owner", {
        cause: error,
      });
    case "ENOSPC":
    case "EDQUOT":
      return new NutcaError("IO", `no space left on the device${path}`, "free some space and run the command again", {
        cause: error,
      });
    case "EROFS":
      return new NutcaError("IO", `read-only file system${path}`, "use a writable --store", { cause: error });
    default:
      return new NutcaError(
        "INTERNAL",
        `unexpected error: ${(error as Error)?.message ?? String(error)}`,
        "run with NUTCA_DEBUG=1 and report it",
        {
          cause: error,
        },
      );
  }
}
