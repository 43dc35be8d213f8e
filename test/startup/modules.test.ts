// --version and --help must stay cheap. bin/nutca.js runs in a child process with a preload that
// records every module it loads: ESM imports through a resolve hook, CommonJS through require.cache
// at exit (Node 20's hooks do not see require()).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NUTCA_BIN } from "../helpers/cli.js";

/** Node records the entry point by its real path. */
const LAUNCHER = realpathSync(NUTCA_BIN);
const X509_AND_ASN1 = ["@peculiar", "pkijs", "asn1js", "reflect-metadata", "tsyringe"];
const PROMPTS_AND_SETTINGS = ["inquirer", "@inquirer", "conf"];

const HOOKS = `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOADED_LOG, resolved.url + "\\n");
  return resolved;
}`;

const PRELOAD = `import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url));
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => appendFileSync(process.env.LOADED_LOG, Object.keys(cache).join("\\n") + "\\n"));`;

/** The files (absolute paths) a fresh `nutca ARGS` process loaded; node: built-ins are left out. */
function loadedBy(args: readonly string[]): string[] {
  return recorded(args).files;
}

/** What the recorder wrote: file: URLs from the resolve hook, plain paths from require.cache. */
function recorded(args: readonly string[]): { files: string[]; onlyRequired: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "nutca-startup-"));
  try {
    writeFileSync(join(dir, "hooks.mjs"), HOOKS);
    writeFileSync(join(dir, "preload.mjs"), PRELOAD);
    const log = join(dir, "loaded.log");
    writeFileSync(log, "");
    const env: NodeJS.ProcessEnv = { ...process.env, LOADED_LOG: log, NUTCA_CONFIG_DIR: join(dir, "config") };
    for (const key of Object.keys(env)) if (key.startsWith("NUTCA_") && key !== "NUTCA_CONFIG_DIR") delete env[key];
    const result = spawnSync(process.execPath, ["--import", join(dir, "preload.mjs"), NUTCA_BIN, ...args], {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.ok(result.status !== null && result.status <= 2, `nutca ${args.join(" ")}: ${result.stderr}`);
    const entries = readFileSync(log, "utf8").split("\n").filter(Boolean);
    const imported = new Set(entries.filter((entry) => entry.startsWith("file:")).map((url) => fileURLToPath(url)));
    const required = new Set(entries.filter((entry) => entry.startsWith("/")));
    return {
      files: [...new Set([...imported, ...required])],
      onlyRequired: [...required].filter((file) => !imported.has(file)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function packagesIn(files: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match) names.add(match[1]!);
  }
  return names;
}

function among(files: readonly string[], libraries: readonly string[]): string[] {
  return [...packagesIn(files)].filter((name) =>
    libraries.some((library) => name === library || name.startsWith(`${library}/`)),
  );
}

test("nutca --version loads bin/nutca.js and nothing else", () => {
  assert.deepEqual(loadedBy(["--version"]), [LAUNCHER]);
});

test("nutca --help loads the CLI and commander, no X.509, ASN.1, prompt or settings library", () => {
  const files = loadedBy(["--help"]);
  // The recorder works: it saw the launcher, the program and commander, so an empty list cannot pass.
  assert.ok(files.includes(LAUNCHER), "bin/nutca.js was not recorded");
  assert.ok(
    files.some((file) => file.endsWith("/dist/src/cli/main.js")),
    "main.js was not recorded",
  );
  assert.ok(packagesIn(files).has("commander"), "commander was not recorded");
  assert.deepEqual(among(files, [...X509_AND_ASN1, ...PROMPTS_AND_SETTINGS]), []);
});

test("the recorder sees @peculiar/x509 and its CommonJS dependencies when a command loads them", () => {
  // inspect imports X.509 up front; the missing file is reported after that.
  const { files, onlyRequired } = recorded(["inspect", "/nonexistent/nutca-startup.pem"]);
  const seen = among(files, X509_AND_ASN1);
  assert.ok(seen.includes("@peculiar/x509"), `expected @peculiar/x509 among ${seen.join(", ")}`);
  // The @peculiar/asn1-* packages are CommonJS: their inner files are seen only through require.cache.
  assert.ok(
    among(onlyRequired, ["@peculiar"]).length > 0,
    `no @peculiar file seen through require.cache alone: ${onlyRequired.length} such files`,
  );
});

test("issuing a certificate loads no prompt or settings library", () => {
  // On a store with no CA, the issue command's whole module graph is loaded before NO_CA is reported.
  const empty = mkdtempSync(join(tmpdir(), "nutca-startup-store-"));
  try {
    const files = loadedBy(["--store", empty, "issue", "client", "ups1"]);
    assert.ok(
      files.some((file) => file.endsWith("/dist/src/cli/commands/issue.js")),
      "the issue command was not recorded",
    );
    assert.deepEqual(among(files, PROMPTS_AND_SETTINGS), []);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
