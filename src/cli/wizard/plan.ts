/** What the wizard's steps collect, and what they are given. */
import type { NutBackend } from "../../nut/backend.js";
import type { Settings } from "../../settings.js";
import type { CommandResult, Context } from "../context.js";
import type { HostInfo } from "./host.js";
import type { WizardIO } from "./io.js";

export type Mode = "native" | "stunnel" | "shims";

export interface Deployment {
  readonly modes: readonly Mode[];
  /** For native NUT TLS: the library NUT is built with on the hosts. */
  readonly backend?: NutBackend;
  /** For native NUT TLS: where the files will live on the hosts. */
  readonly installDir?: string;
}

export interface ServerPlan {
  readonly name: string;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
}

export interface ClientPlan {
  readonly name: string;
  /** Whether the client has (or gets) a certificate of its own. */
  readonly certificate: boolean;
  /** Whether upsmon presents it (NUT's own TLS); stunnel always does. */
  readonly upsmonCertificate: boolean;
  /** The servers it monitors, by store name. */
  readonly servers: readonly string[];
}

/**
 * One command of the plan: the command line that does it without the wizard
 * (shown in the plan and the summary), and the same command as a call of its
 * command function with typed options.
 */
export interface PlannedCommand {
  readonly argv: readonly string[];
  readonly storeDir: string;
  readonly run: (context: Context) => Promise<CommandResult>;
}

/** One command the wizard ran, shown in the summary as the line that scripts it. */
export interface Step {
  readonly argv: readonly string[];
  readonly result: CommandResult;
}

export interface WizardDeps {
  readonly io: WizardIO;
  /** The environment commands run with (NUTCA_CONFIG_DIR, PATH); the wizard adds NUTCA_PASSPHRASE. */
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly host: () => HostInfo;
  /** The TLS backend of this host's upsd, when there is one. */
  readonly detectBackend: () => Promise<{ backend: NutBackend; note: string } | undefined>;
  /** Saved preferences (empty when the settings file cannot be read). */
  readonly settings: Settings;
}
