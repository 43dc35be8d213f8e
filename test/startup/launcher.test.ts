// bin/nutca.js imports the compiled program (dist/src) and nothing else; each command's module is
// imported lazily, when its command runs, so every lazy import must resolve in the built tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { NUTCA_BIN, REPO_ROOT, runNutcaOk, tempDir } from "../helpers/cli.js";

/** Every file under DIR (relative to the repository), recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

interface LazyImport {
  readonly file: string;
  readonly specifier: string;
  /** The names `const { a, b: c } = await import(...)` takes from it; empty for other forms. */
  readonly names: readonly string[];
}

function lazyImportsIn(file: string): LazyImport[] {
  const source = readFileSync(file, "utf8");
  const found: LazyImport[] = [];
  for (const match of source.matchAll(/(?:const \{([^}]*)\} = await )?import\("(\.{1,2}\/[^"]+)"\)/g)) {
    const names = (match[1] ?? "")
      .split(",")
      .map((name) => name.split(":")[0]!.trim())
      .filter(Boolean);
    found.push({ file, specifier: match[2]!, names });
  }
  return found;
}

test("every lazy import in the compiled program loads and has the names its importer takes", () => {
  const lazy = filesUnder("dist/src")
    .filter((file) => file.endsWith(".js"))
    .flatMap(lazyImportsIn);
  // The commands main.ts imports when they run are among them, so an empty scan cannot pass.
  const fromMain = lazy.filter((entry) => entry.file.endsWith("/dist/src/cli/main.js")).map((e) => e.specifier);
  for (const command of ["./commands/init.js", "./commands/issue.js", "./commands/list.js", "./commands/export.js"]) {
    assert.ok(fromMain.includes(command), `main.js imports ${command} lazily`);
  }
  const targets = lazy.map(({ file, specifier, names }) => ({
    url: new URL(specifier, pathToFileURL(file)).href,
    names,
    from: `${file.slice(REPO_ROOT.length)}: ${specifier}`,
  }));
  // One fresh process loads them all: this test's own process keeps its module graph small.
  const script = `const failures = [];
for (const { url, names, from } of ${JSON.stringify(targets)}) {
  try {
    const module = await import(url);
    for (const name of names) if (!(name in module)) failures.push(from + " has no export " + name);
  } catch (error) {
    failures.push(from + ": " + error.message);
  }
}
process.stdout.write(JSON.stringify(failures));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), []);
});

test("no node:vm in src, bin, scripts or the compiled program", () => {
  const files = ["src", "bin", "scripts", "dist/src"].flatMap((dir) => {
    try {
      return filesUnder(dir);
    } catch {
      return []; // scripts/ may not exist
    }
  });
  assert.ok(
    files.some((file) => file.endsWith("/bin/nutca.js")),
    "the scan saw bin/nutca.js",
  );
  assert.deepEqual(
    files.filter((file) => /["']node:vm["']|require\(["']vm["']\)|from ["']vm["']/.test(readFileSync(file, "utf8"))),
    [],
  );
});

test("bin/nutca.js is an ES module that imports the compiled main.js", () => {
  const launcher = readFileSync(NUTCA_BIN, "utf8");
  assert.match(launcher, /^#!\/usr\/bin\/env node\n/);
  assert.match(launcher, /await import\("\.\.\/dist\/src\/cli\/main\.js"\)/);
  assert.equal(JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).type, "module");
});

/** Runs a command whose stdout is a pipe the reader closes at once, as `| head` does after its lines. */
function withClosedStdout(command: string, args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

test("a closed pipe kills a plain node writer with EPIPE: the set-up below does break the pipe", async () => {
  const { code, stderr } = await withClosedStdout(process.execPath, ["-e", 'process.stdout.write("x\\n")']);
  assert.notEqual(code, 0);
  assert.match(stderr, /EPIPE/);
});

test("nutca … | head: a closed pipe ends nutca with status 0 and nothing on stderr", async () => {
  const store = join(tempDir(), "store");
  await runNutcaOk(["--store", store, "init", "--no-passphrase"]);
  await runNutcaOk(["--store", store, "issue", "client", "monitor"]);
  for (const args of [["--version"], ["--help"], ["--store", store, "list"], ["--store", store, "--json", "list"]]) {
    const { code, stderr } = await withClosedStdout(process.execPath, [NUTCA_BIN, ...args]);
    assert.deepEqual({ args, code, stderr }, { args, code: 0, stderr: "" });
  }
});
