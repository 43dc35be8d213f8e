/**
 * Where start-up goes: the cold import time of the CLI entry point (all that
 * --version and --help load), of the issue command's module graph, and of the
 * heavy libraries alone, each in a fresh node process.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { median } from "./measure.js";

/** What the CLI loads (the bundle bin/nutca.js runs), and the heavy libraries alone, inside the snapshot. */
function modules(app: string): (readonly [string, string])[] {
  const meta = JSON.parse(readFileSync(join(app, "dist", "bundle", "meta.json"), "utf8")) as {
    outputs: Record<string, { entryPoint?: string }>;
  };
  const file = (entry: string) => Object.keys(meta.outputs).find((out) => meta.outputs[out]!.entryPoint === entry)!;
  return [
    ["bundle main.cjs (--help), code-cached", file("dist/src/cli/main.js")],
    ["bundle issue.cjs, code-cached", file("dist/src/cli/commands/issue.js")],
    ["@peculiar/x509 + polyfills (not bundled)", "dist/src/pki/x509.js"],
    ["pkijs alone", "node_modules/pkijs/build/index.js"],
    ["commander alone", "node_modules/commander/esm.mjs"],
  ];
}

/** A bundle file is run the way bin/nutca.js runs it: CommonJS, with its code cache. */
function loadScript(path: string): string {
  if (!path.endsWith(".cjs")) return `await import(${JSON.stringify(pathToFileURL(path).href)});`;
  return `const { Script } = await import("node:vm");
const { readFileSync } = await import("node:fs");
const { default: Module, createRequire } = await import("node:module");
const file = ${JSON.stringify(path)};
const script = new Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, cachedData: readFileSync(file + ".cache") });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, ${JSON.stringify(dirname(path))});`;
}

function importMs(path: string, cwd: string, env: NodeJS.ProcessEnv): number {
  const script = `const t = performance.now(); ${loadScript(path)} process.stdout.write(String(performance.now() - t));`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`loading ${path} failed: ${result.stderr}`);
  return Number(result.stdout);
}

export function startupBreakdown(app: string, env: NodeJS.ProcessEnv, reps: number): string {
  const lines = modules(app).map(([label, path]) => {
    const ms = median(Array.from({ length: reps }, () => importMs(join(app, path), app, env)));
    return `  ${label.padEnd(46)} ${ms.toFixed(1).padStart(7)} ms`;
  });
  return [`cold import time, median of ${reps} fresh processes:`, ...lines].join("\n");
}
