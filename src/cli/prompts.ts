/** The few prompts commands need outside the wizard; loaded only on a terminal. */
import inquirer from "inquirer";
import { cancelledError, NutcaError } from "../errors.js";

/**
 * A prompt's answer; Ctrl-C at it becomes the one cancellation error. The
 * one match by name: inquirer does not export its ExitPromptError (it is
 * @inquirer/core's, which nutca does not depend on).
 */
export async function answered<T>(prompt: Promise<T>): Promise<T> {
  try {
    return await prompt;
  } catch (error) {
    if (error instanceof Error && error.name === "ExitPromptError") throw cancelledError();
    throw error;
  }
}

export async function askPassphrase(message: string): Promise<string> {
  const { passphrase } = await answered(
    inquirer.prompt<{ passphrase: string }>([{ type: "password", name: "passphrase", message, mask: "*" }]),
  );
  return passphrase;
}

export async function askNewPassphrase(minLength: number): Promise<string> {
  const { first } = await answered(
    inquirer.prompt<{ first: string }>([
      {
        type: "password",
        name: "first",
        message: `New CA passphrase (at least ${minLength} characters):`,
        mask: "*",
        validate: (value: string) => value.length >= minLength || `use at least ${minLength} characters`,
      },
    ]),
  );
  const second = await askPassphrase("Repeat the passphrase:");
  if (first !== second) throw new NutcaError("BAD_PASSPHRASE", "the two passphrases differ", "run the command again");
  return first;
}
