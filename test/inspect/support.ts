// In-process command runs for the inspect, probe and doctor tests: the command
// functions with a test context (no child process per call), and stores made
// with the real init/issue commands.
import type { CommandResult, Context } from "../../src/cli/context.js";
import { init } from "../../src/cli/commands/init.js";
import { issue } from "../../src/cli/commands/issue.js";

export interface TestContext extends Context {
  readonly warnings: string[];
}

/** A context like the CLI makes, with only PATH (for the NSS tools) and `env` from the environment. */
export function testContext(storeDir: string, env: NodeJS.ProcessEnv = {}, now = new Date()): TestContext {
  const warnings: string[] = [];
  const environment = { PATH: process.env.PATH, ...env };
  return {
    storeDir,
    json: false,
    interactive: false,
    env: environment,
    now,
    warn: (line) => warnings.push(line),
    warnings,
  };
}

export interface StoreSpec {
  readonly name?: string;
  /** Encrypt the CA key with this passphrase; unencrypted when absent. */
  readonly passphrase?: string;
  readonly servers?: readonly { name: string; dns?: string[]; ip?: string[] }[];
  readonly clients?: readonly string[];
}

/** A store made by the real init and issue commands. */
export async function makeStore(root: string, spec: StoreSpec = {}): Promise<void> {
  const env = spec.passphrase === undefined ? {} : { NUTCA_PASSPHRASE: spec.passphrase };
  const context = testContext(root, env);
  await init({ name: spec.name ?? "Test CA", passphrase: spec.passphrase !== undefined }, context);
  for (const server of spec.servers ?? [])
    await issue("server", server.name, { dns: server.dns, ip: server.ip }, context);
  for (const client of spec.clients ?? []) await issue("client", client, {}, context);
}

/** What a command returned, as --json would print it. */
export function dataOf<T>(result: CommandResult): T {
  return JSON.parse(JSON.stringify(result.data)) as T;
}
