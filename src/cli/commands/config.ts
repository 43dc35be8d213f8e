/**
 * `nutca config list|get|set|reset`: the saved preferences. Nothing here
 * opens the CA store: preferences only choose defaults.
 */
import { existsSync } from "node:fs";
import { StoreLayout } from "../../store/layout.js";
import {
  openSettings,
  parseSetting,
  parseSettingKey,
  removeSettingsFile,
  settingsFile,
  SETTING_INFO,
  SETTING_KEYS,
  type SettingKey,
} from "../../settings.js";
import type { CommandResult, Context } from "../context.js";
import { table } from "../output.js";

export type ConfigAction = "list" | "get" | "set" | "reset";

export async function config(
  action: ConfigAction,
  args: readonly (string | undefined)[],
  context: Context,
): Promise<CommandResult> {
  switch (action) {
    case "list":
      return list(context);
    case "get":
      return get(parseSettingKey(args[0] ?? ""), context);
    case "set":
      return set(parseSettingKey(args[0] ?? ""), args[1] ?? "", context);
    case "reset":
      return reset(args[0] === undefined ? undefined : parseSettingKey(args[0]), context);
  }
}

async function list(context: Context): Promise<CommandResult> {
  const settings = await openSettings(context.env);
  const values = settings.all();
  const rows = SETTING_KEYS.map((key) => [key, shown(key, values[key]), SETTING_INFO[key].description]);
  const defaults = Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTING_INFO[key].default ?? null]));
  return {
    data: { file: settings.path, settings: values, defaults },
    human: [table(["KEY", "VALUE", "MEANING"], rows), "", `Saved in ${settings.path}`].join("\n"),
  };
}

async function get(key: SettingKey, context: Context): Promise<CommandResult> {
  const value = (await openSettings(context.env)).get(key);
  const fallback = SETTING_INFO[key].default;
  return {
    data: { key, value: value ?? null, saved: value !== undefined, default: fallback ?? null },
    human: value ?? fallback ?? "",
  };
}

async function set(key: SettingKey, raw: string, context: Context): Promise<CommandResult> {
  // Parsed before the file is opened, so a bad value changes nothing.
  const value = await parseSetting(key, raw, context.now);
  const settings = await openSettings(context.env);
  settings.set({ [key]: value });
  if (key === "storeDir" && !existsSync(new StoreLayout(value).meta)) {
    context.warn(`${value} holds no CA yet: nutca init (or the wizard) will create one there`);
  }
  return { data: { key, value, file: settings.path }, human: `Saved ${key} = ${value} in ${settings.path}` };
}

async function reset(key: SettingKey | undefined, context: Context): Promise<CommandResult> {
  if (key === undefined) {
    // A file conf cannot open (hand-edited, corrupt) is removed as a whole: that is what reset is for.
    const path = settingsFile(context.env);
    const existed = removeSettingsFile(context.env);
    return {
      data: { reset: [...SETTING_KEYS], file: path },
      human: existed ? `Removed ${path}: every setting is back to its default` : "No settings were saved",
    };
  }
  const settings = await openSettings(context.env);
  settings.reset(key);
  return { data: { reset: [key], file: settings.path }, human: `Reset ${key} to ${shown(key, undefined)}` };
}

function shown(key: SettingKey, value: string | undefined): string {
  if (value !== undefined) return value;
  const fallback = SETTING_INFO[key].default;
  return fallback === undefined ? "(not set)" : `(default: ${fallback})`;
}
