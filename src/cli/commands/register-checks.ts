/**
 * The diagnostic commands: inspect, probe, doctor. Kept out of main.ts like the
 * life-cycle commands; each command's module is imported only when it runs.
 */
import { Option, type Command } from "commander";
import { examplesHelp, type Execute } from "../options.js";

export function addCheckCommands(program: Command, execute: Execute): void {
  program
    .command("inspect")
    .description("summarize and lint a certificate, chain, CSR, CRL, key or .p12 (PEM or DER)")
    .argument("<file>", "the file to inspect")
    .option("--p12-password-file <file>", "the PKCS#12 password: first line of FILE (or set NUTCA_P12_PASSWORD)")
    .action(async (file: string, options, command: Command) => {
      const { inspect } = await import("./inspect.js");
      await execute(command, (context) => inspect(file, options, context));
    });

  program
    .command("probe")
    .description("connect to a NUT server with STARTTLS and verify its certificate (exit 0 only when verified)")
    .argument("<host[:port]>", "the upsd host, port 3493 by default ([v6addr]:port for IPv6)")
    .option("--ca <file>", "trust this CA certificate instead of the store's")
    .option("--name <name>", "the name clients check against the certificate (default: the host)")
    .option("--stunnel", "TLS from the first byte (a stunnel or other implicit-TLS port; default port 3494)")
    .option("--timeout <seconds>", "give up after this long (default 10)")
    .option("--client <name>", "present this client certificate of the store (for upsd with CERTREQUEST 2)")
    .addHelpText(
      "after",
      examplesHelp([
        "nutca probe ups1.example.net",
        "nutca probe 192.0.2.10:3493 --name ups1.example.net --client mon1",
        "nutca probe ups1.example.net --stunnel --client mon1",
      ]) +
        "\nVerified means: the chain verifies, the name matches, and the server answers VER inside TLS\n" +
        "(under TLS 1.3 a refused client certificate shows only there). Exit 1 also when nothing\n" +
        "answers at the address.",
    )
    .action(async (address: string, options, command: Command) => {
      const { probe } = await import("./probe.js");
      await execute(command, (context) => probe(address, options, context));
    });

  program
    .command("doctor")
    .description("check the store (and an export bundle) and say how to fix what is wrong; exit 4 on a problem")
    .option("--export <dir>", "also check this export directory (as written by nutca export, or as installed)")
    .option("--nut-user <user>", "the user NUT's daemons run as, for the NSS database access check (default nut)")
    .option("--nut-version <version>", "with --export: check its directives against NUT 2.8.0, 2.8.5, 2.8.6 or auto")
    .addOption(
      new Option(
        "--passphrase-file <file>",
        "read the CA passphrase from the first line of FILE (or set NUTCA_PASSPHRASE); without one the CA-key check is skipped",
      ),
    )
    .action(async (options, command: Command) => {
      const { doctor } = await import("./doctor.js");
      await execute(command, (context) => doctor(options, context));
    });
}
