/**
 * Where the CA passphrase comes from: a file, NUTCA_PASSPHRASE, or a hidden
 * prompt on a terminal; never the command line.
 */
import { NutcaError } from "../errors.js";
import { INPUT_CAPS, readInputFile } from "../input-file.js";
import type { Context } from "./context.js";

export const MIN_PASSPHRASE_LENGTH = 8;

export interface PassphraseOptions {
  passphraseFile?: string | undefined;
}

export async function existingPassphrase(options: PassphraseOptions, context: Context): Promise<string> {
  const given = givenPassphrase(options, context);
  if (given !== undefined) return given;
  if (!context.interactive) throw noSource("the CA key is encrypted");
  const { askPassphrase } = await import("./prompts.js");
  return askPassphrase("CA passphrase:");
}

export async function newPassphrase(options: PassphraseOptions, context: Context): Promise<string> {
  let passphrase = givenPassphrase(options, context);
  if (passphrase === undefined) {
    if (!context.interactive) throw noSource("the new CA key will be encrypted", " (or --no-passphrase)");
    const { askNewPassphrase } = await import("./prompts.js");
    passphrase = await askNewPassphrase(MIN_PASSPHRASE_LENGTH);
  }
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new NutcaError(
      "BAD_PASSPHRASE",
      `the passphrase is shorter than ${MIN_PASSPHRASE_LENGTH} characters`,
      "choose a longer one",
    );
  }
  return passphrase;
}

function givenPassphrase(options: PassphraseOptions, context: Context): string | undefined {
  if (options.passphraseFile !== undefined) return readPassphraseFile(options.passphraseFile);
  const fromEnv = context.env.NUTCA_PASSPHRASE;
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

/** The file's first line, without its line ending. */
export function readPassphraseFile(path: string): string {
  const text = readInputFile(path, { what: "passphrase file", maxBytes: INPUT_CAPS.password }).toString("utf8");
  const passphrase = text.split(/\r?\n/)[0] ?? "";
  if (passphrase === "")
    throw new NutcaError("BAD_FILE", `the passphrase file ${path} is empty`, "write the passphrase on its first line");
  return passphrase;
}

function noSource(why: string, extra = ""): NutcaError {
  return new NutcaError(
    "PASSPHRASE_REQUIRED",
    `${why} and no passphrase was given`,
    `pass --passphrase-file FILE or set NUTCA_PASSPHRASE${extra}`,
  );
}
