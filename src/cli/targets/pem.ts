/** `nutca export pem <name>`: a certificate, its key and chain as plain PEM files. */
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

export type PemExportOptions = Record<never, never>;

export const pemTarget: ExportTarget<PemExportOptions> = {
  name: "pem",
  description: "a certificate, its key and chain as PEM files, separate and combined",
  arguments: [["<name>", "the certificate to export"]],
  flags: () => [],
  examples: ["nutca export pem ups1", "nutca export pem mon1 --out /tmp/mon1-pem"],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: ([name]) => `nutca-export/${name}/pem`,
  async build([name], _options, store) {
    const [{ pemBundle }, { loadAuthority, loadIdentity }] = await Promise.all([
      import("../../exports/pem.js"),
      import("../../store/identity.js"),
    ]);
    return pemBundle(loadIdentity(store, name!), loadAuthority(store));
  },
};
