/**
 * User preferences (`nutca config`): defaults for the wizard and where the
 * store is, in one file that `conf` keeps: its directory (NUTCA_CONFIG_DIR as
 * `cwd`, else the per-user one it derives from `projectName`), its schema
 * validation, its atomic writes in mode 0600 (`configFileMode`). Keys,
 * passphrases and the ledger never go here. What conf cannot do is kept here,
 * each with its reason: the start-up read of storeDir, a private directory,
 * and one clear line for a file it refuses.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, posix, resolve } from "node:path";
import type Conf from "conf";
import envPaths from "env-paths";
import { NutcaError } from "./errors.js";

export const SETTING_KEYS = [
  "storeDir",
  "keyType",
  "leafNotAfter",
  "organization",
  "backend",
  "installDir",
  "outDir",
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];
export type Settings = Partial<Record<SettingKey, string>>;

export const BACKENDS = ["openssl", "nss"] as const;

/** What each key means and, when it has one, the value used when it is not set. */
export const SETTING_INFO: Readonly<Record<SettingKey, { readonly description: string; readonly default?: string }>> = {
  storeDir: { description: "the store used when neither --store nor NUTCA_STORE is given", default: "./ca-store" },
  keyType: { description: "the wizard's key type for a new CA", default: "ec-p256" },
  leafNotAfter: { description: "the wizard's default expiry of issued certificates", default: "never" },
  organization: { description: "the wizard's organisation (O) for a new CA" },
  backend: { description: "the NUT TLS backend the wizard exports for (openssl or nss)" },
  installDir: { description: "where the wizard's NUT exports will live on the hosts (absolute)" },
  outDir: { description: "the wizard's output directory (the last one used)", default: "./nutca-export" },
};

const PROJECT_NAME = "nutca";
const CONFIG_NAME = "config";
/** conf appends "-nodejs" to projectName by default; nutca's directory is plain "nutca". */
const PROJECT_SUFFIX = "";

/** What conf is given as `cwd`: NUTCA_CONFIG_DIR, else nothing, and conf derives its directory. */
function configCwd(env: NodeJS.ProcessEnv): string | undefined {
  return env.NUTCA_CONFIG_DIR ? resolve(env.NUTCA_CONFIG_DIR) : undefined;
}

/** The directory conf uses: the same env-paths call conf makes when it has no `cwd`. */
export function settingsDir(env: NodeJS.ProcessEnv = process.env): string {
  return configCwd(env) ?? envPaths(PROJECT_NAME, { suffix: PROJECT_SUFFIX }).config;
}

export function settingsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(settingsDir(env), `${CONFIG_NAME}.json`);
}

/**
 * The saved store directory, read without conf: this runs before every
 * command that has no --store, and conf with its JSON-schema compiler takes
 * about 100 ms to load. The one value is checked as the schema would.
 */
export function savedStoreDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = settingsFile(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as Settings | null)?.storeDir;
  } catch (error) {
    throw invalidFile(path, "it is not valid JSON", error);
  }
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw invalidFile(path, "storeDir is not a path");
  return value;
}

export type StoreSource = "--store" | "NUTCA_STORE" | "saved preference" | "default";

/** The store directory: --store, else NUTCA_STORE, else the saved preference, else ./ca-store. */
export function locateStore(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { dir: string; source: StoreSource } {
  if (flag !== undefined) return { dir: resolve(flag), source: "--store" };
  if (env.NUTCA_STORE) return { dir: resolve(env.NUTCA_STORE), source: "NUTCA_STORE" };
  const saved = savedStoreDir(env);
  if (saved !== undefined) return { dir: resolve(saved), source: "saved preference" };
  return { dir: resolve(DEFAULT_STORE_DIR), source: "default" };
}

export const DEFAULT_STORE_DIR = "./ca-store";

/**
 * An absolute directory that reads back the same: values are trimmed, so it
 * must not end in white space (": /" resolves to "<cwd>/: ").
 */
function resolvedDir(text: string): string {
  let dir = resolve(text);
  while (dir !== dir.trimEnd()) dir = resolve(dir.trimEnd());
  return dir;
}

/** Checks and normalises a value for a key, with the same parsers the commands use. */
export async function parseSetting(key: SettingKey, value: string, now = new Date()): Promise<string> {
  const text = value.trim();
  switch (key) {
    case "storeDir":
    case "outDir":
      if (text === "") throw new NutcaError("USAGE", `${key} must not be empty`, "give a directory");
      return resolvedDir(text);
    case "keyType": {
      const { parseKeyType } = await import("./pki/keys.js");
      return parseKeyType(text);
    }
    case "leafNotAfter": {
      const { parseNotAfter } = await import("./pki/validity.js");
      parseNotAfter(text, now);
      return text.toLowerCase();
    }
    case "organization": {
      const { checkCommonName } = await import("./pki/names.js");
      return checkCommonName(text, "organisation");
    }
    case "backend":
      if ((BACKENDS as readonly string[]).includes(text.toLowerCase())) return text.toLowerCase();
      throw new NutcaError("USAGE", `unknown backend "${value}"`, `use one of ${BACKENDS.join(", ")}`);
    case "installDir":
      if (!posix.isAbsolute(text) || /[\s"\\]/.test(text)) {
        throw new NutcaError("USAGE", `installDir "${value}" is not an absolute path`, "give one like /etc/nut");
      }
      return posix.normalize(text).replace(/(.)\/$/, "$1");
  }
}

export function parseSettingKey(text: string): SettingKey {
  if ((SETTING_KEYS as readonly string[]).includes(text)) return text as SettingKey;
  throw new NutcaError("USAGE", `unknown setting "${text}"`, `use one of ${SETTING_KEYS.join(", ")}`);
}

export interface SettingsStore {
  readonly path: string;
  all(): Settings;
  get(key: SettingKey): string | undefined;
  /** Saves already-parsed values (see parseSetting). */
  set(values: Settings): void;
  reset(key?: SettingKey): void;
}

/** Opens the settings file through conf; a file that fails the schema is reported, not silently dropped. */
export async function openSettings(env: NodeJS.ProcessEnv = process.env): Promise<SettingsStore> {
  const [{ default: ConfClass }, { KEY_TYPES }] = await Promise.all([import("conf"), import("./pki/keys.js")]);
  const dir = settingsDir(env);
  const path = settingsFile(env);
  // conf has a mode for the file, not for its directory: created private here; an existing
  // directory (NUTCA_CONFIG_DIR) is the user's and is left as it is.
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const text = { type: "string", minLength: 1 } as const;
  let conf: Conf<Settings>;
  try {
    conf = new ConfClass<Settings>({
      projectName: PROJECT_NAME,
      projectSuffix: PROJECT_SUFFIX,
      cwd: configCwd(env),
      configName: CONFIG_NAME,
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
      schema: {
        storeDir: text,
        keyType: { type: "string", enum: [...KEY_TYPES] },
        leafNotAfter: text,
        organization: { type: "string", minLength: 1, maxLength: 64 },
        backend: { type: "string", enum: [...BACKENDS] },
        installDir: { type: "string", pattern: "^/" },
        outDir: text,
      },
    });
  } catch (error) {
    // conf throws its validator's or JSON.parse's exception: the user gets one line and what to do.
    throw invalidFile(path, (error as Error).message.replace(/\.$/, ""), error);
  }
  return {
    path: conf.path,
    all: () => {
      const store = conf.store;
      return Object.fromEntries(SETTING_KEYS.filter((key) => store[key] !== undefined).map((key) => [key, store[key]]));
    },
    get: (key) => conf.get(key),
    set: (values) => {
      const defined = Object.entries(values).filter(([, value]) => value !== undefined);
      if (defined.length === 0) return;
      conf.set(Object.fromEntries(defined) as Settings);
    },
    reset: (key) => {
      if (key === undefined) conf.clear();
      else conf.delete(key);
    },
  };
}

/** `nutca config reset` must work on a file conf refuses to open. */
export function removeSettingsFile(env: NodeJS.ProcessEnv = process.env): boolean {
  const path = settingsFile(env);
  const existed = existsSync(path);
  rmSync(path, { force: true });
  return existed;
}

function invalidFile(path: string, why: string, cause?: unknown): NutcaError {
  return new NutcaError(
    "BAD_FILE",
    `the settings file ${path} is invalid: ${why}`,
    "fix it, or run nutca config reset",
    {
      cause,
    },
  );
}
