/**
 * `nutca deploy`: one subcommand per host target (its export flags, plus how
 * to reach the host and what install.sh is told), and the fleet form with
 * --from. The command modules are imported only when a deploy runs.
 */
import { Option, type Command } from "commander";
import { EXIT, NutcaError } from "../../errors.js";
import { collect, examplesHelp, exitCodesHelp, type Execute } from "../options.js";
import { EXPORT_TARGETS } from "../targets/index.js";

export const DEPLOY_EXIT_CODES = [EXIT.ok, EXIT.failure, EXIT.badInput, EXIT.problemFound];

/** What both forms take: ssh, and the options passed through to install.sh (fresh objects every call). */
export const deployFlags = (): Option[] => [
  new Option("--ssh-config <file>", "ssh's config file (ssh -F); default ~/.ssh/config"),
  new Option(
    "--install-root <dir>",
    "install.sh --root: install under DIR on the host (images, tests; {name} is the certificate's name)",
  ),
  new Option("--restart <how>", "install.sh --restart: auto (default), none (print the command), or a command"),
  new Option("--dry-run", "install.sh --dry-run: check and show the diff on each host; change nothing"),
  new Option("--user <user>", "install.sh --user: the user NUT (or stunnel) runs as on the host (default nut)"),
  new Option("--conf-dir <dir>", "install.sh --conf-dir: the config directory on the host"),
  new Option("--probe-port <port>", "upsd: the port probed from here after the restart (default 3493)"),
];

/** A host target carries an install.sh: those with a directory on the host. */
const HOST_TARGETS = EXPORT_TARGETS.filter((target) => target.installable === true);

export function addDeployCommand(program: Command, execute: Execute): void {
  const deploy = program
    .command("deploy")
    .description("export a bundle, install it on the host over ssh (install.sh), probe upsd; or a fleet (--from)")
    .enablePositionalOptions()
    .allowUnknownOption()
    .allowExcessArguments()
    .option("--from <manifest>", "deploy every row of an issue --from manifest to its host column")
    .option(
      "--target <target>",
      `with --from: what to deploy (repeatable): ${HOST_TARGETS.map((t) => t.name).join(", ")}`,
      collect,
    )
    .option("--backend <backend>", "with --target upsd or upsmon: openssl, nss or auto")
    .option("--install-dir <dir>", "where the files will live on the host (default: the target's, e.g. /etc/nut/tls)")
    .option("--parallel <n>", "with --from: hosts at a time (default 4)");
  for (const option of deployFlags()) deploy.addOption(option);
  deploy.addHelpText(
    "after",
    examplesHelp([
      "nutca deploy upsd --server ups1 --backend nss --host root@ups1.example.net",
      "nutca deploy --from fleet.csv --target upsd --target upsmon --backend nss --parallel 8",
      "nutca deploy --from fleet.csv --target upsd --backend auto --dry-run --json",
    ]),
  );
  deploy.action(async (options: { from?: string }, command: Command) => {
    const [first] = command.args;
    if (first !== undefined) {
      throw first.startsWith("-")
        ? new NutcaError("USAGE", `unknown option ${first}`, "see nutca deploy --help")
        : new NutcaError(
            "USAGE",
            `"${first}" is not a deploy target`,
            `use ${HOST_TARGETS.map((t) => t.name).join(", ")}`,
          );
    }
    if (options.from === undefined)
      throw new NutcaError(
        "USAGE",
        "deploy needs <target> ... --host HOST, or --from <manifest>",
        "see nutca deploy --help",
      );
    const { deployFleet } = await import("./deploy-fleet.js");
    await execute(command, (context) => deployFleet({ ...options, from: options.from! }, context));
  });

  // Options of `deploy` itself reach a subcommand only through optsWithGlobals (commander gives the
  // parent every flag it knows, wherever it stands): a target's flag of the same name is left out.
  const shared = new Set(deploy.options.map((option) => option.long));
  const fleetOnly = ["from", "target", "parallel"] as const;
  for (const target of HOST_TARGETS) {
    const command = deploy
      .command(target.name)
      .description(`deploy ${target.name}: ${target.description}`)
      .configureHelp({ showGlobalOptions: true });
    for (const [name, description] of target.arguments ?? []) command.argument(name, description);
    const ownFlags = target.flags().filter((option) => !shared.has(option.long));
    const required = target.flags().filter((option) => option.mandatory && shared.has(option.long));
    for (const option of ownFlags) command.addOption(option);
    command.addOption(new Option("--host <[user@]host[:port]>", "the host, as ssh reaches it").makeOptionMandatory());
    command.addHelpText("after", examplesHelp(target.examples.map(deployExample)) + exitCodesHelp(DEPLOY_EXIT_CODES));
    command.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const { deployTarget } = await import("./deploy.js");
      const args = params.slice(0, target.arguments?.length ?? 0) as string[];
      const parent = deploy.opts<Record<string, unknown>>();
      const stray = fleetOnly.find((key) => parent[key] !== undefined);
      if (stray !== undefined)
        throw new NutcaError("USAGE", `deploy ${target.name} does not take --${stray}`, "it belongs to deploy --from");
      const missing = required.find((option) => parent[option.attributeName()] === undefined);
      if (missing) throw new NutcaError("USAGE", `required option '${missing.flags}' not specified`, "see --help");
      const options = { ...parent, ...self.opts() } as Parameters<typeof deployTarget>[2];
      await execute(self, (context) => deployTarget(target.name, args, options, context));
    });
  }
}

/** An export example as a deploy: the bundle goes to the host, not to --out. */
function deployExample(exportLine: string): string {
  return `${exportLine.replace("nutca export", "nutca deploy").replace(/ --out \S+/, "")} --host root@ups1`;
}
