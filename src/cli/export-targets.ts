/**
 * The export targets: their arguments and options, and the function that
 * builds each bundle. Loaded for --help, so every heavy module is imported
 * inside build().
 */
import type { Command } from "commander";
import type { Bundle } from "../exports/bundle.js";
import type { CaStore } from "../store/store.js";
import type { Context } from "./context.js";

// Options are whatever commander parsed for the target; each build() reads its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TargetOptions = Record<string, any>;

export interface ExportTarget {
  readonly name: string;
  readonly description: string;
  /** Positional arguments, e.g. ["<name>", "the certificate to export"]. */
  readonly arguments?: readonly (readonly [string, string])[];
  /** Where the files will live on the target host, used in config lines; undefined when none apply. */
  readonly defaultInstallDir?: string;
  readonly addOptions?: (command: Command) => void;
  /** The default --out, relative to the working directory. */
  readonly defaultOut: (args: readonly string[], options: TargetOptions) => string;
  readonly build: (
    args: readonly string[],
    options: TargetOptions,
    store: CaStore,
    context: Context,
  ) => Promise<Bundle>;
}

export const EXPORT_TARGETS: readonly ExportTarget[] = [
  {
    name: "ca",
    description: "the CA certificate (PEM, DER) and an OpenSSL hashed directory",
    defaultOut: () => "nutca-export/ca",
    build: async (_args, _options, store) => {
      const [{ caBundle }, { loadAuthority }] = await Promise.all([
        import("../exports/ca.js"),
        import("../store/identity.js"),
      ]);
      return caBundle(loadAuthority(store));
    },
  },
  {
    name: "pem",
    description: "a certificate, its key and chain as PEM files, separate and combined",
    arguments: [["<name>", "the certificate to export"]],
    defaultOut: ([name]) => `nutca-export/${name}/pem`,
    build: async ([name], _options, store) => {
      const [{ pemBundle }, { loadAuthority, loadIdentity }] = await Promise.all([
        import("../exports/pem.js"),
        import("../store/identity.js"),
      ]);
      return pemBundle(loadIdentity(store, name!), loadAuthority(store));
    },
  },
];
