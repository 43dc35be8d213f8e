#!/usr/bin/env node
// CommonJS (bin/package.json), like the bundle it loads: an ES module entry would start Node's ESM loader.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");
const { wrap } = require("node:module");

// A reader that stops early (nutca list | head) closes the pipe: not an error of nutca's, and no stack trace.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

const BUNDLE = join(__dirname, "..", "dist", "bundle", "cli");
/** The bundle's files run so far, by name: their module objects. */
const loaded = new Map();
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Answered before the CLI is loaded: scripts call --version to check the tool, and it should cost nothing.
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")).version}\n`);
} else {
  const { main } = loadBundle("main.cjs");
  main(args).then((code) => {
    process.exitCode = code;
  });
}

/**
 * Runs one file of the bundle (scripts/bundle.mjs) with its V8 code cache, so
 * a short command does not compile what the last build already compiled.
 * The files require each other as "./<name>.cjs"; everything else they
 * require is one of Node's built-in modules.
 */
function loadBundle(name) {
  if (name.startsWith("nutca-bundle:")) throw new Error(`${name} was reached from main.cjs`);
  if (loaded.has(name)) return loaded.get(name).exports;
  const file = join(BUNDLE, name);
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
  if (process.env.NUTCA_CODE_CACHE === "write" && (cachedData === undefined || script.cachedDataRejected)) {
    // The build's warm-up: the cache holds what this run compiled, so it is written last.
    process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
  }
  const module = { exports: {} };
  loaded.set(name, module);
  const load = (id) =>
    id.startsWith("./") || id.startsWith("nutca-bundle:") ? loadBundle(id.replace(/^\.\//, "")) : require(id);
  script.runInThisContext()(module.exports, load, module, file, BUNDLE);
  return module.exports;
}
