import { NutcaError } from "../../errors.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { table } from "../output.js";
import { findTarget } from "../targets/index.js";
import type { ExportCommonOptions, ExportTarget } from "../targets/target.js";
import { writeBundle } from "../write-bundle.js";

/** The target by name, from the registry of cli/targets/. */
export function exportTarget(
  name: string,
  args: readonly string[],
  options: ExportCommonOptions,
  context: Context,
): Promise<CommandResult> {
  const target = findTarget(name);
  if (!target) throw new NutcaError("INTERNAL", `no export target ${name}`, "report it");
  return exportBundle(target, args, options, context);
}

export async function exportBundle<O extends object>(
  target: ExportTarget<O>,
  args: readonly string[],
  options: O & ExportCommonOptions,
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
