/**
 * One line from a NUT peer, whatever the segmentation, within a deadline: the
 * STARTTLS answer on the plain socket, the first answer inside TLS.
 */
import type { Socket } from "node:net";

const MAX_LINE = 512;

/** One deadline for a whole probe. */
export class Deadline {
  private readonly end: number;
  constructor(ms: number) {
    this.end = Date.now() + ms;
  }
  get left(): number {
    return Math.max(1, this.end - Date.now());
  }
}

export interface LineResult {
  readonly bytes: Buffer;
  /** A newline ended it. */
  readonly complete: boolean;
  readonly timedOut: boolean;
  /** The socket failed (a TLS alert, a reset) before a line came. */
  readonly error?: NodeJS.ErrnoException;
}

/**
 * Reads up to and including the first newline (or MAX_LINE bytes, or what came
 * before the peer closed). The socket is paused and the bytes after the line
 * are put back, so the TLS handshake that follows (tls.connect reads a socket's
 * buffered bytes first) or the next read gets them.
 */
export function readLine(socket: Socket, deadline: Deadline): Promise<LineResult> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const done = (complete: boolean, timedOut: boolean, rest?: Buffer, error?: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      socket.off("error", onError);
      socket.pause();
      // Only once detached and paused: unshift on a flowing socket emits the bytes again at once.
      if (rest && rest.length > 0) socket.unshift(rest);
      resolve({ bytes: buffer, complete, timedOut, ...(error ? { error } : {}) });
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const newline = buffer.indexOf(0x0a);
      if (newline >= 0) {
        const rest = buffer.subarray(newline + 1);
        buffer = buffer.subarray(0, newline + 1);
        done(true, false, rest);
      } else if (buffer.length >= MAX_LINE || buffer[0] === 0x15 || buffer[0] === 0x16) done(false, false);
    };
    const onEnd = () => done(false, false);
    const onError = (error: NodeJS.ErrnoException) => done(false, false, undefined, error);
    const timer = setTimeout(() => done(false, true), deadline.left);
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onError);
    if (socket.destroyed) {
      done(false, false);
      return;
    }
    socket.resume();
  });
}
