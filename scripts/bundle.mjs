/**
 * Bundles the compiled CLI (dist/src) into dist/bundle/cli with esbuild, as
 * CommonJS that bin/nutca.js loads with a V8 code cache (Node 20 has no
 * compile cache of its own; see the README's bench for what each step saved):
 *
 * - main.cjs: argv parsing and --help (commander, main.ts, the registrations);
 * - one self-contained file per command main imports (issue.cjs, export.cjs,
 *   wizard.cjs...), holding every module that command may load, except two
 *   large parts few runs need: the prompts and list --expiring. A process
 *   loads main.cjs, at most one command file and those parts, so modules
 *   exist twice in a process only as copies of small shared ones (errors
 *   are recognised by a brand, not instanceof, for that reason).
 *
 * Then a warm-up runs the commonest commands on a scratch store, with
 * NUTCA_CODE_CACHE=write, and each file's code cache (<file>.cache) is
 * written from what that run compiled.
 * A cache V8 rejects (another node version) only costs the compile time.
 * dist/bundle/meta.json maps every file to its inputs (test/startup reads it).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { build } from "esbuild";

const OUT = "dist/bundle/cli";
/** The files whose dynamic imports are commands: main.ts and the registrations it imports. */
const REGISTERS_COMMANDS = /\/dist\/src\/cli\/(main|commands\/register-[a-z]+|wizard\/register)\.js$/;
/**
 * Lazy parts a command may skip that are large and pass only plain data: the
 * prompts (inquirer; most runs have no terminal) and list --expiring (X.509).
 * They get files of their own; every other lazy import is inlined.
 */
const LAZY_PARTS = { prompts: "dist/src/cli/prompts.js", expiring: "dist/src/cli/commands/expiring.js" };

const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".cjs" },
  metafile: true,
  logLevel: "warning",
  // A command's own lazy imports are inlined and run on first use; an external one is a require().
  supported: { "dynamic-import": false },
  define: { "import.meta.url": "__nutcaModuleUrl" },
  // Every file sits in dist/bundle/cli, as deep as dist/src/cli: main.ts finds package.json the same way.
  banner: { js: 'const __nutcaModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
};

function commandName(path) {
  return path.endsWith("/wizard/index.js") ? "wizard" : basename(path, ".js");
}

/** An esbuild plugin: each dynamic import `externalPath` names becomes a require() of that path. */
function splitLazyImports(externalPath) {
  return {
    name: "split-lazy-imports",
    setup(esbuild) {
      esbuild.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== "dynamic-import") return undefined;
        const path = externalPath(resolve(args.resolveDir, args.path), args);
        return path === undefined ? undefined : { path, external: true };
      });
    },
  };
}

const commands = new Map();
const commandFiles = splitLazyImports((path, { importer, path: specifier }) => {
  if (REGISTERS_COMMANDS.test(importer)) {
    commands.set(commandName(path), path);
    return `./${commandName(path)}.cjs`;
  }
  // Another lazy import of a module main.cjs holds (export-targets.ts's, settings.ts's): it only
  // ever runs inside a command's file, where it is inlined. Reaching it from main.cjs is a bug.
  return `nutca-bundle:not-in-main:${specifier}`;
});
const lazyPartFiles = splitLazyImports((path) => {
  const part = Object.keys(LAZY_PARTS).find((name) => resolve(LAZY_PARTS[name]) === path);
  return part === undefined ? undefined : `./${part}.cjs`;
});

rmSync("dist/bundle", { recursive: true, force: true });
const main = await build({
  ...common,
  entryPoints: { main: "dist/src/cli/main.js" },
  outdir: OUT,
  plugins: [commandFiles],
});
const rest = await build({
  ...common,
  entryPoints: { ...Object.fromEntries(commands), ...LAZY_PARTS },
  outdir: OUT,
  plugins: [lazyPartFiles],
});
writeFileSync(
  "dist/bundle/meta.json",
  JSON.stringify({ outputs: { ...main.metafile.outputs, ...rest.metafile.outputs } }),
);

/** The warm-up: each run writes the caches of the files it loaded. */
const WARM_UP = [
  ["--help"],
  ["init", "--no-passphrase", "--name", "warm-up CA"],
  ["issue", "server", "ups.example.net"],
  ["issue", "client", "monitor"],
  ["list"],
  ["show", "monitor"],
  ["export", "pem", "monitor"],
  ["inspect", "store/ca.crt.pem"],
  ["doctor"],
];
const scratch = mkdtempSync(join(tmpdir(), "nutca-warm-up-"));
try {
  const bin = join(dirname(new URL(import.meta.url).pathname), "..", "bin", "nutca.js");
  for (const args of WARM_UP) {
    const run = spawnSync(process.execPath, [bin, "--store", join(scratch, "store"), ...args], {
      cwd: scratch,
      env: { PATH: process.env.PATH, NUTCA_CONFIG_DIR: join(scratch, "config"), NUTCA_CODE_CACHE: "write" },
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`warm-up "nutca ${args.join(" ")}" failed: ${run.stderr}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
