/**
 * The one reader of files a user names (a passphrase, a CSR, a manifest, a
 * certificate to inspect, …): each is read up to a cap that fits what it is,
 * and never more than one byte past it, so /dev/zero, a FIFO or a 200 MB file
 * given by mistake is refused at once instead of filling memory.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { NutcaError } from "./errors.js";

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** Caps by kind of file: generous for any real one. */
export const INPUT_CAPS = {
  password: 4 * KiB,
  request: 1 * MiB,
  pkcs12: 1 * MiB,
  certificates: 16 * MiB,
  manifest: 64 * MiB,
} as const;

export interface InputFileSpec {
  /** What the file is, for messages: "passphrase file", "request", "manifest", … */
  readonly what: string;
  readonly maxBytes: number;
  /** What to do when the file cannot be read; default: check the path and its permissions. */
  readonly hint?: string;
}

const CHUNK = 64 * KiB;

export function readInputFile(path: string, spec: InputFileSpec): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw cannotRead(path, spec, error);
  }
  try {
    if (fstatSync(fd).isDirectory()) {
      throw new NutcaError("BAD_FILE", `the ${spec.what} ${path} is a directory`, "give the path of a file");
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(CHUNK, spec.maxBytes + 1 - total));
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw cannotRead(path, spec, error);
      }
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > spec.maxBytes) {
        throw new NutcaError(
          "BAD_FILE",
          `the ${spec.what} ${path} is larger than ${size(spec.maxBytes)}`,
          `a ${spec.what} is at most ${size(spec.maxBytes)}: check that this is the right file`,
        );
      }
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function cannotRead(path: string, spec: InputFileSpec, cause: unknown): NutcaError {
  return new NutcaError(
    "BAD_FILE",
    `cannot read the ${spec.what} ${path}`,
    spec.hint ?? "check the path and its permissions",
    { cause },
  );
}

function size(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}
