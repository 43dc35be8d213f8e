import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { EXPORT_TARGETS, type ExportTarget, type TargetOptions } from "../export-targets.js";
import { table } from "../output.js";
import { writeBundle } from "../write-bundle.js";

export interface ExportOptions extends TargetOptions {
  out?: string;
  installDir?: string;
  force?: boolean;
}

/**
 * The target by name, from this module's own EXPORT_TARGETS: in the CLI
 * bundle, main's copy registers the options, and the builders run in the
 * export command's file (scripts/bundle.mjs).
 */
export function exportTarget(
  name: string,
  args: readonly string[],
  options: ExportOptions,
  context: Context,
): Promise<CommandResult> {
  const target = EXPORT_TARGETS.find((candidate) => candidate.name === name);
  if (!target) throw new Error(`no export target ${name}`);
  return exportBundle(target, args, options, context);
}

export async function exportBundle(
  target: ExportTarget,
  args: readonly string[],
  options: ExportOptions,
  context: Context,
): Promise<CommandResult> {
  const store = new CaStore(context.storeDir);
  const effective = { ...options, installDir: options.installDir ?? target.defaultInstallDir };
  const bundle = await target.build(args, effective, store, context);
  const out = options.out ?? target.defaultOut(args, effective);
  const { files, leftInPlace } = writeBundle(out, bundle, { force: options.force === true, store: store.root });
  const human = [
    `Exported ${target.name} to ${out}`,
    "",
    table(
      ["FILE", "MODE", "PURPOSE"],
      files.map((file) => [file.path, file.mode, file.purpose]),
    ),
    ...(bundle.summary.length > 0 ? ["", ...bundle.summary] : []),
    ...(leftInPlace.length > 0
      ? [
          "",
          "Left in place, not part of this export (remove them if they are stale):",
          ...leftInPlace.map((path) => `  ${path}`),
        ]
      : []),
  ].join("\n");
  return { data: { target: target.name, out, files, leftInPlace, summary: bundle.summary }, human };
}
