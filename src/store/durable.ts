/**
 * Durable file operations: a file is written to a temporary name in its own
 * directory, flushed, renamed over the target, and the directory is flushed,
 * so a crash leaves either the old file or the new one, never a torn one.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
  chmodSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

export const TEMP_PREFIX = ".nutca-tmp-";

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates a directory (and parents) with mode 0700 unless told otherwise. */
export function ensureDirectory(dir: string, mode = 0o700): void {
  mkdirSync(dir, { recursive: true, mode });
}

export function writeFileDurable(path: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = dirname(path);
  const temp = join(dir, `${TEMP_PREFIX}${basename(path)}-${randomBytes(6).toString("hex")}`);
  const fd = openSync(temp, "wx", mode);
  try {
    writeFully(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  chmodSync(temp, mode);
  renameSync(temp, path);
  fsyncDirectory(dir);
}

/** Appends bytes and flushes them before returning; a failed append (a full disk) is cut off again. */
export function appendDurable(path: string, data: string, mode = 0o600): void {
  const fd = openSync(path, "a", mode);
  const size = fstatSync(fd).size;
  try {
    writeFully(fd, data);
    fsyncSync(fd);
  } catch (error) {
    try {
      ftruncateSync(fd, size);
    } catch {
      // A torn tail that stays is ignored by readers and dropped by the next writer (repairTornTail).
    }
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `data` at the file's position (writeSync may write less than asked). */
export function writeFully(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}
