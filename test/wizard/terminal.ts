// A scripted terminal for the wizard's steps: the real inquirer prompts read
// keys from a stream and write to a transcript; a test waits for a prompt's
// text, then types the answer.
import { PassThrough, Writable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { createIO, type WizardIO } from "../../src/cli/wizard/io.js";

export const KEY = {
  enter: "\r",
  down: "\x1b[B",
  space: " ",
  ctrlC: "\x03",
  /** Deletes the typed line (readline's kill-line): how a test fixes a rejected answer. */
  ctrlU: "\x15",
  backspace: "\x7f",
} as const;

/** Inquirer ends its output stream after each prompt; the transcript must outlive that. */
class Transcript extends Writable {
  text = "";
  /** Wide enough that inquirer never wraps a line (wrapping would split the texts tests look for). */
  readonly columns = 500;
  readonly rows = 50;
  constructor() {
    super({
      write: (chunk: Buffer, _encoding, callback) => {
        this.text += chunk.toString("utf8");
        callback();
      },
    });
  }
  override end(): this {
    return this;
  }
}

export class Terminal {
  readonly input = new PassThrough();
  private readonly transcript = new Transcript();
  readonly io: WizardIO = createIO(this.input, this.transcript);
  private cursor = 0;
  private failure: unknown;

  /** Everything shown so far, without escape sequences. */
  get text(): string {
    return stripVTControlCharacters(this.transcript.text);
  }

  /** Lets waitFor fail at once (with the real error) when the step under test throws. */
  watch<T>(promise: Promise<T>): Promise<T> {
    promise.catch((error: unknown) => {
      this.failure = error;
    });
    return promise;
  }

  /** Waits until `pattern` shows up after the previous match, and moves past it. */
  async waitFor(pattern: string | RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(this.cursor);
      const match = typeof pattern === "string" ? indexOf(rest, pattern) : pattern.exec(rest);
      if (match) {
        this.cursor += match.index + match[0].length;
        return;
      }
      if (this.failure !== undefined) throw this.failure;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${String(pattern)}; the terminal shows:\n${rest.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  type(keys: string): void {
    this.input.write(keys);
  }

  /** Waits for a prompt, then types the keys (Enter included by the caller). */
  async answer(prompt: string | RegExp, keys: string): Promise<void> {
    await this.waitFor(prompt);
    // Let the prompt finish rendering and attach its key handler.
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.type(keys);
  }
}

function indexOf(text: string, needle: string): { index: number; 0: string } | undefined {
  const index = text.indexOf(needle);
  return index < 0 ? undefined : { index, 0: needle };
}
