import { resolve } from "node:path";

/** What every command gets besides its own options. */
export interface Context {
  readonly storeDir: string;
  readonly json: boolean;
  /** True when prompts may be shown: stdin and stdout are terminals. */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly now: Date;
  /** Warnings and progress go here (stderr), never into stdout results. */
  readonly warn: (line: string) => void;
}

export interface GlobalOptions {
  store?: string;
  json?: boolean;
}

export const DEFAULT_STORE_DIR = "./ca-store";

export function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Context {
  return {
    storeDir: resolve(options.store ?? env.NUTCA_STORE ?? DEFAULT_STORE_DIR),
    json: options.json === true,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env,
    now: new Date(),
    warn: (line) => process.stderr.write(`nutca: warning: ${line}\n`),
  };
}

/** What a command returns: data for --json, and the text a person reads. */
export interface CommandResult {
  readonly data: unknown;
  readonly human: string;
}
