// --version and --help must stay cheap: they may load commander and nutca's own
// small modules, never the X.509, ASN.1, prompt or settings libraries. A child
// process records every module it loads: ESM imports through a resolve hook,
// CommonJS through require.cache (Node 20's hooks do not see require()).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = new URL("../../src/cli/main.js", import.meta.url).href;
const HEAVY = ["@peculiar", "pkijs", "inquirer", "@inquirer", "conf", "reflect-metadata", "tsyringe"];

const HOOKS = `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOADED_LOG, resolved.url + "\\n");
  return resolved;
}`;

const REGISTER = `import { register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url));`;

/** The files (paths or URLs) node loaded while main(argv) ran in a fresh process. */
function loadedBy(argv: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "nutca-startup-"));
  try {
    writeFileSync(join(dir, "hooks.mjs"), HOOKS);
    writeFileSync(join(dir, "register.mjs"), REGISTER);
    const log = join(dir, "loaded.log");
    writeFileSync(log, "");
    const script = `import { createRequire } from "node:module";
import { appendFileSync } from "node:fs";
const { main } = await import(${JSON.stringify(MAIN)});
await main(${JSON.stringify(argv)});
appendFileSync(process.env.LOADED_LOG, Object.keys(createRequire(import.meta.url).cache).join("\\n") + "\\n");`;
    const env: NodeJS.ProcessEnv = { ...process.env, LOADED_LOG: log, NUTCA_CONFIG_DIR: join(dir, "config") };
    for (const key of Object.keys(env)) if (key.startsWith("NUTCA_") && key !== "NUTCA_CONFIG_DIR") delete env[key];
    const result = spawnSync(
      process.execPath,
      ["--import", join(dir, "register.mjs"), "--input-type=module", "-e", script],
      { cwd: dir, env, encoding: "utf8", timeout: 30_000 },
    );
    assert.equal(result.status, 0, result.stderr);
    return readFileSync(log, "utf8").split("\n").filter(Boolean);
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

function heavyIn(files: readonly string[]): string[] {
  return [...packagesIn(files)].filter((name) => HEAVY.some((heavy) => name === heavy || name.startsWith(`${heavy}/`)));
}

for (const flag of ["--version", "--help"]) {
  test(`nutca ${flag} loads no X.509, prompt or settings library`, () => {
    const files = loadedBy([flag]);
    // The recorder works: it saw the entry point and commander, so an empty list cannot pass.
    assert.ok(
      files.some((file) => file.endsWith("/src/cli/main.js")),
      "main.js was not recorded",
    );
    assert.ok(packagesIn(files).has("commander"), "commander was not recorded");
    assert.deepEqual(heavyIn(files), []);
  });
}

test("the check sees @peculiar/x509 when a command does load it", () => {
  // inspect imports it up front; the missing file is reported after that.
  const heavy = heavyIn(loadedBy(["inspect", "/nonexistent/nutca-startup.pem"]));
  assert.ok(heavy.includes("@peculiar/x509"), `expected @peculiar/x509 among ${heavy.join(", ")}`);
});

test("issuing a certificate loads the certificate stack, and no prompt or settings library", () => {
  // On a store with no CA, the issue command's whole module graph is loaded before NO_CA is reported.
  const empty = mkdtempSync(join(tmpdir(), "nutca-startup-store-"));
  try {
    const files = loadedBy(["--store", empty, "issue", "client", "ups1"]);
    assert.ok(
      files.some((file) => file.endsWith("/src/pki/leaf-certificate.js")),
      "the leaf builder was not recorded",
    );
    const heavy = heavyIn(files);
    assert.ok(heavy.includes("@peculiar/x509") && heavy.includes("@peculiar/webcrypto"), heavy.join(", "));
    assert.deepEqual(
      heavy.filter((name) =>
        ["pkijs", "inquirer", "@inquirer", "conf"].some((p) => name === p || name.startsWith(`${p}/`)),
      ),
      [],
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
