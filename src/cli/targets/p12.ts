/** `nutca export p12 <name>`: one password-protected PKCS#12 file (pk12util, Windows). */
import { Option } from "commander";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

export interface P12ExportOptions {
  p12PasswordFile?: string | undefined;
  legacy?: boolean | undefined;
  friendlyName?: string | undefined;
}

export const p12Target: ExportTarget<P12ExportOptions> = {
  name: "p12",
  description: "a certificate, its key and chain in one password-protected PKCS#12 file (pk12util, Windows)",
  arguments: [["<name>", "the certificate to export"]],
  flags: () => [
    new Option("--p12-password-file <file>", "the password: first line of FILE (default: generated, shown once)"),
    new Option("--legacy", "3DES and a SHA-1 MAC for old consumers (Windows Server 2016, OpenSSL 1.0)"),
    new Option("--friendly-name <name>", "the NSS nickname importers give it (default: the certificate's name)"),
  ],
  examples: [
    "nutca export p12 mon1",
    "nutca export p12 mon1 --p12-password-file p12.txt --friendly-name nut-client",
    "nutca export p12 win1 --legacy",
  ],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: ([name]) => `nutca-export/${name}/p12`,
  async build([name], options, store, context) {
    const [{ p12Bundle, generateP12Password }, { loadAuthority, loadIdentity }, { readPassphraseFile }] =
      await Promise.all([
        import("../../exports/p12.js"),
        import("../../store/identity.js"),
        import("../passphrase.js"),
      ]);
    const given = options.p12PasswordFile === undefined ? undefined : readPassphraseFile(options.p12PasswordFile);
    if (given !== undefined && given.length < 8) context.warn("the PKCS#12 password is shorter than 8 characters");
    return p12Bundle(loadIdentity(store, name!), loadAuthority(store), {
      password: given ?? generateP12Password(),
      generated: given === undefined,
      legacy: options.legacy === true,
      friendlyName: options.friendlyName,
    });
  },
};
