#!/usr/bin/env node
// A reader that stops early (nutca list | head) closes the pipe: not an error of nutca's, and no stack trace.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Answered before the CLI is loaded: scripts call --version to check the tool, and it should cost nothing.
  const { readFileSync } = await import("node:fs");
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${version}\n`);
} else {
  const { main } = await import("../dist/bundle/cli/main.js");
  process.exitCode = await main(args);
}
