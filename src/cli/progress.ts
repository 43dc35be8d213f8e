/**
 * A one-line progress bar on stderr, redrawn in place. Only for a person at a
 * terminal: callers create it disabled on a non-TTY or with --json, so scripts
 * and logs never see carriage returns.
 */
export interface Progress {
  step(label: string): void;
  done(): void;
}

const WIDTH = 24;
const REDRAW_MS = 50;

export function progressBar(total: number, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || total === 0) return { step: () => undefined, done: () => undefined };
  let count = 0;
  let drawn = 0;
  const draw = (label: string) => {
    const filled = Math.round((count / total) * WIDTH);
    stream.write(`\r\x1b[K[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${count}/${total} ${label}`);
    drawn = Date.now();
  };
  return {
    step(label) {
      count++;
      // Redraw at most every REDRAW_MS, and always for the last step.
      if (count === total || Date.now() - drawn >= REDRAW_MS) draw(label);
    },
    done() {
      stream.write("\r\x1b[K");
    },
  };
}
