/** `nutca export ca`: the CA certificate for every host that must trust it. */
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

export type CaExportOptions = Record<never, never>;

export const caTarget: ExportTarget<CaExportOptions> = {
  name: "ca",
  description: "the CA certificate (PEM, DER) and an OpenSSL hashed directory",
  flags: () => [],
  examples: ["nutca export ca", "nutca export ca --out /tmp/nut-ca"],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: () => "nutca-export/ca",
  async build(_args, _options, store) {
    const [{ caBundle }, { loadAuthority }] = await Promise.all([
      import("../../exports/ca.js"),
      import("../../store/identity.js"),
    ]);
    return caBundle(loadAuthority(store));
  },
};
