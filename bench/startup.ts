/**
 * Where start-up goes: the cold import time of the CLI entry point (all that
 * --help loads), of the issue command's module graph, and of the heavy
 * libraries alone, each in a fresh node process.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "./measure.js";

/** What the CLI loads, and the heavy libraries alone, inside the snapshot. */
const MODULES: readonly (readonly [string, string])[] = [
  ["dist/src/cli/main.js (--help)", "dist/src/cli/main.js"],
  ["dist/src/cli/commands/issue.js", "dist/src/cli/commands/issue.js"],
  ["@peculiar/x509 + polyfills", "dist/src/pki/x509.js"],
  ["pkijs alone", "node_modules/pkijs/build/index.js"],
  ["commander alone", "node_modules/commander/esm.mjs"],
];

function importMs(path: string, cwd: string, env: NodeJS.ProcessEnv): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(path).href)});
process.stdout.write(String(performance.now() - t));`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`loading ${path} failed: ${result.stderr}`);
  return Number(result.stdout);
}

export function startupBreakdown(app: string, env: NodeJS.ProcessEnv, reps: number): string {
  const lines = MODULES.map(([label, path]) => {
    const ms = median(Array.from({ length: reps }, () => importMs(join(app, path), app, env)));
    return `  ${label.padEnd(46)} ${ms.toFixed(1).padStart(7)} ms`;
  });
  return [`cold import time, median of ${reps} fresh processes:`, ...lines].join("\n");
}
