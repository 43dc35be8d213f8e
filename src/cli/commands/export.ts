import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import type { ExportTarget, TargetOptions } from "../export-targets.js";
import { table } from "../output.js";
import { writeBundle } from "../write-bundle.js";

export interface ExportOptions extends TargetOptions {
  out?: string;
  installDir?: string;
  force?: boolean;
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
  const { files, leftInPlace } = writeBundle(out, bundle, { force: options.force === true });
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
