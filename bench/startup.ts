/**
 * Where start-up goes: the cold import time of the CLI entry point (all that
 * --version and --help load), of the issue command's module graph, and of the
 * heavy libraries alone, each in a fresh node process.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "./measure.js";

/** What the CLI loads (the esbuild bundle bin/nutca.js runs), and the heavy libraries alone, inside the snapshot. */
function modules(app: string): (readonly [string, string])[] {
  const meta = JSON.parse(readFileSync(join(app, "dist", "bundle", "meta.json"), "utf8")) as {
    outputs: Record<string, { entryPoint?: string }>;
  };
  const chunk = (entry: string) => Object.keys(meta.outputs).find((out) => meta.outputs[out]!.entryPoint === entry)!;
  return [
    ["bundle main.js (--help)", chunk("dist/src/cli/main.js")],
    ["bundle issue chunk, with its imports", chunk("dist/src/cli/commands/issue.js")],
    ["@peculiar/x509 + polyfills (not bundled)", "dist/src/pki/x509.js"],
    ["pkijs alone", "node_modules/pkijs/build/index.js"],
    ["commander alone", "node_modules/commander/esm.mjs"],
  ];
}

function importMs(url: string, cwd: string, env: NodeJS.ProcessEnv): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`importing ${url} failed: ${result.stderr}`);
  return Number(result.stdout);
}

export function startupBreakdown(app: string, env: NodeJS.ProcessEnv, reps: number): string {
  const lines = modules(app).map(([label, path]) => {
    const url = pathToFileURL(join(app, path)).href;
    const ms = median(Array.from({ length: reps }, () => importMs(url, app, env)));
    return `  ${label.padEnd(46)} ${ms.toFixed(1).padStart(7)} ms`;
  });
  return [`cold import time, median of ${reps} fresh processes:`, ...lines].join("\n");
}
