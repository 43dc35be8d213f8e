// Stores and contexts for the wizard tests: real stores in temporary
// directories, made with the same in-process commands the wizard runs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import { init } from "../../src/cli/commands/init.js";
import { issue } from "../../src/cli/commands/issue.js";
import { createContext, type Context } from "../../src/cli/context.js";

export const PASSPHRASE = "correct horse battery staple";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "nutca-wizard-"));
  dirs.push(dir);
  return dir;
}

/** An environment with private settings (never the user's ~/.config). */
export function testEnv(configDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NUTCA_CONFIG_DIR: configDir };
  return env;
}

export function wizardContext(env: NodeJS.ProcessEnv): Context {
  return { ...createContext({}, env), interactive: false };
}

/** A store with an encrypted CA, a server ups1 (two names, one IP) and a client mon1. */
export async function makeStore(storeDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const context: Context = {
    ...createContext({ store: storeDir }, { ...env, NUTCA_PASSPHRASE: PASSPHRASE }),
    storeDir,
    interactive: false,
    warn: () => {},
  };
  await init({ name: "Test CA" }, context);
  await issue("server", "ups1", { dns: ["ups1.example.net", "ups.example.net"], ip: ["192.168.1.10"] }, context);
  await issue("client", "mon1", {}, context);
}

export const NUTCA_BIN = fileURLToPath(new URL("../../../bin/nutca.js", import.meta.url));

/** Runs the real CLI in a child process (no terminal) and returns its status and output. */
export function runBin(argv: readonly string[], env: NodeJS.ProcessEnv, cwd?: string) {
  const result = spawnSync(process.execPath, [NUTCA_BIN, ...argv], { env, cwd, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under dir, relative, sorted. */
export function fileList(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort();
}
