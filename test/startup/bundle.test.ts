// The CommonJS bundle bin/nutca.js runs (scripts/bundle.mjs): main.cjs and one self-contained file per
// command, each with a V8 code cache from the build's warm-up. dist/bundle/meta.json lists each file's inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Module from "node:module";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

interface Meta {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown> }>;
}

const BUNDLE = fileURLToPath(new URL("../../bundle/cli/", import.meta.url));
const meta = JSON.parse(readFileSync(new URL("../../bundle/meta.json", import.meta.url), "utf8")) as Meta;

/** The node_modules packages in the bundle file built from an entry point. */
function packagesIn(entryPoint: string): string[] {
  const output = Object.values(meta.outputs).find((out) => out.entryPoint === entryPoint);
  assert.ok(output, `${entryPoint} is an entry of the bundle`);
  const packages = new Set<string>();
  for (const input of Object.keys(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]!);
  }
  return [...packages];
}

test("main.cjs (--help) holds commander and no X.509, prompt or settings library", () => {
  assert.deepEqual(packagesIn("dist/src/cli/main.js"), ["commander"]);
});

test("issue.cjs holds the certificate stack and no prompt or settings library", () => {
  const packages = packagesIn("dist/src/cli/commands/issue.js");
  assert.ok(packages.includes("@peculiar/x509") && packages.includes("@peculiar/webcrypto"), packages.join(", "));
  assert.ok(!packages.some((name) => /inquirer|conf|commander/.test(name)), packages.join(", "));
});

test("the prompts are a file of their own, which the commands that may prompt load only to prompt", () => {
  assert.ok(packagesIn("dist/src/cli/prompts.js").includes("inquirer"));
  assert.ok(!packagesIn("dist/src/cli/commands/init.js").includes("inquirer"));
});

for (const file of ["main.cjs", "issue.cjs", "init.cjs", "list.cjs", "export.cjs"]) {
  test(`${file} has a code cache that this node accepts`, () => {
    const path = BUNDLE + file;
    assert.ok(existsSync(`${path}.cache`), `${file}.cache was written by the warm-up`);
    const script = new Script(Module.wrap(readFileSync(path, "utf8")), {
      filename: path,
      cachedData: readFileSync(`${path}.cache`),
    });
    assert.equal(script.cachedDataRejected, false);
  });
}

test("a code cache this node rejects costs only the compile: the command still runs", () => {
  const root = mkdtempSync(join(tmpdir(), "nutca-cache-"));
  try {
    const app = fileURLToPath(new URL("../../../", import.meta.url));
    mkdirSync(join(root, "bin"));
    mkdirSync(join(root, "dist", "bundle", "cli"), { recursive: true });
    for (const file of ["package.json", "bin/nutca.js", "bin/package.json"]) copyFileSync(app + file, join(root, file));
    for (const file of readdirSync(BUNDLE)) symlinkSync(BUNDLE + file, join(root, "dist", "bundle", "cli", file));
    rmSync(join(root, "dist", "bundle", "cli", "main.cjs.cache"));
    writeFileSync(join(root, "dist", "bundle", "cli", "main.cjs.cache"), "not a code cache");
    const run = spawnSync(process.execPath, [join(root, "bin", "nutca.js"), "--help"], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Usage: nutca/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
