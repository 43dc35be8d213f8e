#!/usr/bin/env node
import { readFileSync } from "node:fs";
import module from "node:module";

// A reader that stops early (nutca list | head) closes the pipe: not an error of nutca's, and no stack trace.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Answered before the CLI is loaded: scripts call --version to check the tool, and it should cost nothing.
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${version}\n`);
} else {
  // Node 22.1+ keeps compiled code on disk between runs; older Node has no such cache and compiles each time.
  module.enableCompileCache?.();
  const { main } = await import("../dist/src/cli/main.js");
  process.exitCode = await main(args);
}
