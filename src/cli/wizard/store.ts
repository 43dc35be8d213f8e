/** Step 1: find the store (flag, NUTCA_STORE, saved preference, ./ca-store) and say what is in it. */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { NutcaError } from "../../errors.js";
import { describeNotAfter } from "../../pki/validity.js";
import { locateStore, type StoreSource } from "../../settings.js";
import { readCa } from "../../store/signer.js";
import { CaStore, type Entry, type StoreMeta } from "../../store/store.js";
import type { WizardIO } from "./io.js";

export interface StoreState {
  readonly dir: string;
  readonly source: StoreSource;
  readonly meta?: StoreMeta;
  readonly caNotAfter?: Date;
  /** Valid server and client certificates, newest per name. */
  readonly servers: readonly Entry[];
  readonly clients: readonly Entry[];
  /** Names with a valid certificate: `nutca issue` refuses them. */
  readonly names: ReadonlySet<string>;
}

const SOURCE_TEXT: Record<StoreSource, string> = {
  "--store": "from --store",
  NUTCA_STORE: "from NUTCA_STORE",
  "saved preference": "your saved preference, see nutca config",
  default: "the default",
};

/** Asks for the directory only when neither --store nor NUTCA_STORE chose it. */
export async function chooseStore(
  io: WizardIO,
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<StoreState> {
  const found = locateStore(flag, env);
  let dir = found.dir;
  let source = found.source;
  if (source === "default" || source === "saved preference") {
    const answer = await io.ask.input(`CA store directory (${SOURCE_TEXT[source]}):`, {
      default: dir,
      validate: checkStoreDir,
    });
    if (resolve(answer) !== dir) {
      dir = resolve(answer);
      source = "--store";
    }
  }
  const usable = checkStoreDir(dir);
  if (usable !== true) throw new NutcaError("USAGE", usable, "choose another --store");
  const state = inspectStore(dir, source, now);
  io.say(...describeStore(state));
  return state;
}

export function inspectStore(dir: string, source: StoreSource, now: Date): StoreState {
  const store = new CaStore(dir);
  if (!store.hasCa()) return { dir, source, servers: [], clients: [], names: new Set() };
  const meta = store.readMeta();
  const entries = store.entries(now);
  const current = latestValid(entries);
  return {
    dir,
    source,
    meta,
    caNotAfter: readCa(store).notAfter,
    servers: current.filter((entry) => entry.kind === "server"),
    clients: current.filter((entry) => entry.kind === "client"),
    names: new Set(current.map((entry) => entry.name)),
  };
}

export function describeStore(state: StoreState): string[] {
  const where = `Store: ${state.dir} (${SOURCE_TEXT[state.source]})`;
  if (!state.meta) {
    const empty = new CaStore(state.dir).isEmpty();
    return [where, empty ? "  empty: no CA yet" : "  no CA in it yet (the directory is not empty)"];
  }
  const list = (entries: readonly Entry[]) =>
    entries.length === 0 ? "none" : entries.map((entry) => entryText(entry)).join(", ");
  return [
    where,
    `  CA:      "${state.meta.ca.name}" (${state.meta.ca.keyType}, key ${state.meta.ca.encrypted ? "encrypted" : "NOT encrypted"}` +
      `, expires ${state.caNotAfter ? describeNotAfter(state.caNotAfter) : "?"})`,
    `  servers: ${list(state.servers)}`,
    `  clients: ${list(state.clients)}`,
  ];
}

function entryText(entry: Entry): string {
  const names = [...entry.dns, ...entry.ip];
  return names.length > 0 && entry.kind === "server" ? `${entry.name} (${names.join(" ")})` : entry.name;
}

function latestValid(entries: readonly Entry[]): Entry[] {
  const byName = new Map<string, Entry>();
  for (const entry of entries) if (entry.kind !== "ca") byName.set(entry.name, entry);
  return [...byName.values()].filter((entry) => entry.status === "valid");
}

/** A store directory must be a directory, or not exist yet (init creates it). */
export function checkStoreDir(dir: string): true | string {
  if (dir.trim() === "") return "give a directory";
  const path = resolve(dir.trim());
  return !existsSync(path) || statSync(path).isDirectory() ? true : `${path} is not a directory`;
}
