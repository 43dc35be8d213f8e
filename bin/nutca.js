#!/usr/bin/env node
import { main } from "../dist/bundle/cli/main.js";

// A reader that stops early (nutca list | head) closes the pipe: not an error of nutca's, and no stack trace.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = await main(process.argv.slice(2));
