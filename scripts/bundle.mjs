/**
 * Bundles the compiled CLI (dist/src) into dist/bundle/cli with esbuild: one
 * module graph without node_modules resolution or CommonJS export scanning,
 * which is most of a short command's start-up (see the README's bench). Each
 * command stays a chunk of its own (dynamic imports split), so --version and
 * --help still load no X.509, prompt or settings code. The output sits as deep
 * as dist/src/cli, so main.js finds package.json at the same relative path.
 * dist/bundle/meta.json maps every chunk to its inputs (test/startup reads it).
 */
import { rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry content hashes: without a clean directory, every build would leave its old chunks.
rmSync("dist/bundle", { recursive: true, force: true });
const result = await build({
  entryPoints: ["dist/src/cli/main.js"],
  outdir: "dist/bundle/cli",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  metafile: true,
  logLevel: "warning",
  // CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
  banner: {
    js: 'import { createRequire as __nutcaRequire } from "node:module"; const require = __nutcaRequire(import.meta.url);',
  },
});
writeFileSync("dist/bundle/meta.json", JSON.stringify(result.metafile));
