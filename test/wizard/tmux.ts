// Drives a program in a real pseudo-terminal: a tmux server on a private
// socket, keys sent with send-keys, the screen read with capture-pane.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function hasTmux(): boolean {
  return spawnSync("tmux", ["-V"]).status === 0;
}

export class TmuxSession {
  // A private server: its socket lives in a directory of its own, removed by kill().
  private readonly dir = mkdtempSync(join(tmpdir(), "nutca-tmux-"));
  private readonly socket = join(this.dir, "socket");
  private readonly seen = new Map<string, number>();

  /** Starts `command` (a /bin/sh command line) in a 200x50 terminal. */
  constructor(command: string) {
    // One tmux command sequence: the scrollback limit must be set before the pane exists.
    this.tmux(
      "-f",
      "/dev/null",
      "set-option",
      "-g",
      "history-limit",
      "20000",
      ";",
      "new-session",
      "-d",
      "-x",
      "200",
      "-y",
      "50",
      "-s",
      "nutca",
      command,
    );
  }

  /** The whole screen, scrollback included, wrapped lines joined. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-J", "-S", "-20000", "-t", "nutca").stdout;
  }

  /**
   * Waits until `text` is on the screen once more than it was at the previous
   * wait for the same text (answered prompts stay on the screen).
   */
  async expect(text: string, timeoutMs = 20_000): Promise<void> {
    const wanted = (this.seen.get(text) ?? 0) + 1;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (screen.split(text).length - 1 >= wanted) {
        this.seen.set(text, wanted);
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${JSON.stringify(text)}; the screen:\n${screen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Types text literally. */
  type(text: string): void {
    this.tmux("send-keys", "-t", "nutca", "-l", text);
  }

  /** Presses keys by tmux name: Enter, Down, Space, BSpace, C-u, C-c. */
  press(...keys: string[]): void {
    for (const key of keys) this.tmux("send-keys", "-t", "nutca", key);
  }

  /** Waits for a prompt, types the text (if any) and presses the keys. */
  async answer(prompt: string, text: string, ...keys: string[]): Promise<void> {
    await this.expect(prompt);
    // Let the prompt attach its key handler after drawing.
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (text !== "") this.type(text);
    this.press(...keys);
  }

  kill(): void {
    spawnSync("tmux", ["-S", this.socket, "kill-server"]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private tmux(...args: string[]) {
    const result = spawnSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${result.stderr}`);
    return result;
  }
}

/** A /bin/sh word. */
export function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
