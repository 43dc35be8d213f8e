/**
 * The certificate life-cycle commands: sign, renew, revoke, crl. Kept out of
 * main.ts so it stays a short table of contents; like main.ts, it imports each
 * command's module only when that command runs.
 */
import { Option, type Command } from "commander";
import { collect, notAfterOption, passphraseFileOption, type Execute } from "../options.js";

export function addLifecycleCommands(program: Command, execute: Execute): void {
  program
    .command("sign")
    .description("sign a certificate request made on the host (its key never leaves it)")
    .argument("<csr-file>", "the request: PEM or DER, from openssl req or certutil -R")
    .addOption(new Option("--profile <kind>", "server or client").choices(["server", "client"]).makeOptionMandatory())
    .option("--name <name>", "the certificate's name in the store (default: the request's common name)")
    .option("--dns <host>", "use these DNS names instead of the requested ones (repeatable)", collect)
    .option("--ip <address>", "use these IP addresses instead of the requested ones (repeatable)", collect)
    .addOption(notAfterOption())
    .addOption(passphraseFileOption())
    .action(async (csrFile: string, options, command: Command) => {
      const { sign } = await import("./sign.js");
      await execute(command, (context) => sign(csrFile, options, context));
    });

  program
    .command("renew")
    .description("a new certificate for the same names; the old one stays valid until it expires or is revoked")
    .argument("[name]", "the certificate to renew")
    .option("--rekey", "with a new key (the old key is kept for the old certificate)")
    .option("--key <type>", "with --rekey: the new key's type (default: the same as before)")
    .addOption(notAfterOption())
    .option("--expiring <duration>", "renew every certificate that expires within DURATION (30d, 8w, 1y)")
    .addOption(passphraseFileOption())
    .action(async (name: string | undefined, options, command: Command) => {
      const { renew } = await import("./renew.js");
      await execute(command, (context) => renew(name, options, context));
    });

  program
    .command("revoke")
    .description("revoke a certificate and regenerate the CRL")
    .argument("<name|serial>", "a certificate name (its current certificate) or serial")
    .option(
      "--reason <reason>",
      "unspecified (default), keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn",
    )
    .addOption(passphraseFileOption())
    .action(async (nameOrSerial: string, options, command: Command) => {
      const { revoke } = await import("./revoke.js");
      await execute(command, (context) => revoke(nameOrSerial, options, context));
    });

  program
    .command("crl")
    .description("sign a new CRL (crl/ca.crl.pem and .der in the store)")
    .option("--out <file>", "also write it to FILE (PEM; DER when FILE ends in .der)")
    .option(
      "--next-update <when>",
      "when the CRL lapses: never, a date or a duration; kept for later CRLs (default: the CA's expiry)",
    )
    .addOption(passphraseFileOption())
    .action(async (options, command: Command) => {
      const { crl } = await import("./revoke.js");
      await execute(command, (context) => crl(options, context));
    });
}
