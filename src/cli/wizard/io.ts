/**
 * The wizard's terminal: inquirer prompts on injectable streams (the tests
 * type into a stream), and plain lines for everything else. Every validator
 * goes through `check`, so a bad answer shows the same one-line message the
 * command would print.
 */
import { createPromptModule } from "inquirer";
import { NutcaError } from "../../errors.js";
import { terminalText } from "../output.js";
import { answered } from "../prompts.js";

export type Validate = (value: string) => true | string | Promise<true | string>;

export interface Choice<T> {
  readonly name: string;
  readonly value: T;
  readonly description?: string;
  readonly checked?: boolean;
  /** Shown as the answer once chosen. */
  readonly short?: string;
}

export interface Prompter {
  input(message: string, options?: { default?: string; validate?: Validate }): Promise<string>;
  /** Hidden input, echoed as `*`. */
  password(message: string, validate?: Validate): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  select<T>(message: string, choices: readonly Choice<T>[], defaultValue?: T): Promise<T>;
  checkbox<T>(
    message: string,
    choices: readonly Choice<T>[],
    validate?: (values: readonly T[]) => true | string,
  ): Promise<T[]>;
}

export interface WizardIO {
  readonly ask: Prompter;
  /** Writes lines to the terminal (never secrets). */
  readonly say: (...lines: string[]) => void;
}

export function createIO(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): WizardIO {
  const prompt = createPromptModule({ input, output });
  // One question per call keeps the control flow (loops, re-asking) in plain TypeScript.
  const one = async <T>(question: Record<string, unknown>): Promise<T> => {
    // The question shape depends on `type`; inquirer checks it at run time.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const answers = (await answered(prompt([{ ...question, name: "answer" } as any]))) as { answer: T };
    return answers.answer;
  };
  const ask: Prompter = {
    input: (message, options = {}) =>
      one<string>({ type: "input", message, default: options.default, validate: options.validate }).then((value) =>
        value.trim(),
      ),
    password: (message, validate) => one<string>({ type: "password", message, mask: "*", validate }),
    confirm: (message, defaultValue) => one<boolean>({ type: "confirm", message, default: defaultValue }),
    select: (message, choices, defaultValue) =>
      one({ type: "select", message, choices, default: defaultValue, pageSize: 12 }),
    checkbox: <T>(message: string, choices: readonly Choice<T>[], validate?: (values: readonly T[]) => true | string) =>
      one<T[]>({
        type: "checkbox",
        message,
        choices,
        validate: validate && ((selected: readonly { value: T }[]) => validate(selected.map((choice) => choice.value))),
      }),
  };
  return { ask, say: (...lines) => output.write(lines.map((line) => terminalText(line) + "\n").join("")) };
}

/** A validator from a parser that throws NutcaError: true, or the error's one line. */
export function check(parse: (value: string) => unknown): Validate {
  return (value) => {
    try {
      parse(value);
      return true;
    } catch (error) {
      if (error instanceof NutcaError) return error.line;
      throw error;
    }
  };
}

/** "a, b  c" -> ["a", "b", "c"]: lists are typed comma- or space-separated. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}
