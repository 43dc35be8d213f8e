import { escapeControls } from "../errors.js";
import { locateStore } from "../settings.js";

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

export function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Context {
  let storeDir: string | undefined;
  return {
    // Resolved on first use, so a command that needs no store never reads the settings file.
    get storeDir() {
      return (storeDir ??= locateStore(options.store, env).dir);
    },
    json: options.json === true,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env,
    now: new Date(),
    warn: (line) => process.stderr.write(`nutca: warning: ${escapeControls(line)}\n`),
  };
}

/** What a command returns: data for --json, and the text a person reads. */
export interface CommandResult {
  readonly data: unknown;
  readonly human: string;
  /** A non-zero status that is not an error (list --expiring: 3 when something is due). */
  readonly exitCode?: number;
}
