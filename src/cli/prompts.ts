/** The few prompts commands need outside the wizard; loaded only on a terminal. */
import inquirer from "inquirer";
import { NutcaError } from "../errors.js";

export async function askPassphrase(message: string): Promise<string> {
  const { passphrase } = await inquirer.prompt<{ passphrase: string }>([
    { type: "password", name: "passphrase", message, mask: "*" },
  ]);
  return passphrase;
}

export async function askNewPassphrase(minLength: number): Promise<string> {
  const { first } = await inquirer.prompt<{ first: string }>([
    {
      type: "password",
      name: "first",
      message: `New CA passphrase (at least ${minLength} characters):`,
      mask: "*",
      validate: (value: string) => value.length >= minLength || `use at least ${minLength} characters`,
    },
  ]);
  const second = await askPassphrase("Repeat the passphrase:");
  if (first !== second) throw new NutcaError("BAD_PASSPHRASE", "the two passphrases differ", "run the command again");
  return first;
}
