/**
 * What an export target is: one file per target (see index.ts) declares its
 * typed options, its flags, its help with examples, and builds its bundle.
 * Target files are loaded for --help, so every heavy module is imported
 * inside build().
 */
import { Option } from "commander";
import { EXIT, type ExitStatus } from "../../errors.js";
import type { Bundle } from "../../exports/bundle.js";
import type { CaStore } from "../../store/store.js";
import type { Context } from "../context.js";

/** The options every target takes (see exportCommonFlags). */
export interface ExportCommonOptions {
  out?: string | undefined;
  force?: boolean | undefined;
  /** Where the files will live on the host; build() gets the target's default when none is given. */
  installDir?: string | undefined;
}

export interface ExportTarget<O extends object> {
  readonly name: string;
  readonly description: string;
  /** Positional arguments, e.g. ["<name>", "the certificate to export"]. */
  readonly arguments?: readonly (readonly [string, string])[];
  /** Where the files will live on the target host, used in config lines; undefined when none apply. */
  readonly defaultInstallDir?: string;
  /** True when the bundle carries install.sh, so `nutca deploy` can install it on the host. */
  readonly installable?: boolean;
  /** The target's own flags (fresh objects: commander owns an option once it is added). */
  flags(): Option[];
  /** Command lines shown under "Examples:" in `nutca export <target> --help`. */
  readonly examples: readonly string[];
  readonly exitCodes: readonly ExitStatus[];
  /** The default --out, relative to the working directory. */
  defaultOut(args: readonly string[], options: O & ExportCommonOptions): string;
  build(args: readonly string[], options: O & ExportCommonOptions, store: CaStore, context: Context): Promise<Bundle>;
}

/** Method syntax above keeps a target of any option type assignable to this registry element. */
export type AnyExportTarget = ExportTarget<object>;

/** What an export can end with: it checks nothing beyond its input, so never "problem found". */
export const EXPORT_EXIT_CODES: readonly ExitStatus[] = [EXIT.ok, EXIT.failure, EXIT.badInput];

/** --out, --force and (for targets with a host directory) --install-dir. */
export function exportCommonFlags(target: AnyExportTarget): Option[] {
  return [
    new Option("--out <dir>", "the output directory (created 0700)"),
    new Option("--force", "replace existing files that differ"),
    ...(target.defaultInstallDir
      ? [
          new Option(
            "--install-dir <dir>",
            `where the files will live on the host (default ${target.defaultInstallDir})`,
          ),
        ]
      : []),
  ];
}
