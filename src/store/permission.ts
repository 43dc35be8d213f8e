/**
 * A store this user may not read or change (a root-owned 0700 store, run as
 * another user) is reported as such, naming the directory or file in the way
 * and its owner, never as "there is no CA" or a corrupt file. Exit 1 (IO), as
 * main.ts reports any other permission error: the command line is right, the
 * user running it is not.
 */
import { accessSync, constants, existsSync, readFileSync, statSync, type Stats } from "node:fs";
import { dirname, parse, resolve } from "node:path";
import { NutcaError } from "../errors.js";

export function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "EACCES" || code === "EPERM";
}

/** A store file's text: a file this user may not read is a permission error; any other failure is `otherwise`'s. */
export function readStoreFile(path: string, otherwise: (cause: unknown) => NutcaError): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw isPermissionError(error) ? permissionDenied(path, error) : otherwise(error);
  }
}

/** The error for a store path the system refused: which path is in the way, and whose it is. */
export function permissionDenied(path: string, cause?: unknown): NutcaError {
  const blocked = blockingPath(resolve(path));
  let stat: Stats;
  try {
    stat = statSync(blocked);
  } catch {
    return new NutcaError("IO", `permission denied: ${blocked}`, "check its owner and mode", { cause });
  }
  const name = userName(stat.uid);
  const owner = name === undefined ? `uid ${stat.uid}` : `${name} (uid ${stat.uid})`;
  return new NutcaError(
    "IO",
    `permission denied: ${blocked} belongs to ${owner}, mode 0${(stat.mode & 0o777).toString(8)}`,
    `run nutca as ${name ?? `uid ${stat.uid}`}, or pass --store with a store of your own`,
    { cause },
  );
}

/**
 * The first directory on the way to `path` this process may not enter; else
 * `path` itself when it exists (it may not be read or written), else the
 * directory it would be made in.
 */
function blockingPath(path: string): string {
  const ancestors: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    ancestors.unshift(dir);
    if (dir === parse(dir).root) break;
  }
  const closed = ancestors.find((dir) => !allowed(dir, constants.X_OK));
  if (closed !== undefined) return closed;
  return existsSync(path) ? path : dirname(path);
}

function allowed(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function userName(uid: number): string | undefined {
  return passwdUsers()?.find((user) => user.uid === uid)?.name;
}

/** The users of /etc/passwd (Node has no getpwuid/getpwnam), or undefined when it cannot be read. */
export function passwdUsers(path = "/etc/passwd"): { name: string; uid: number; gid: number }[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((fields) => fields.length >= 4 && fields[0] !== "")
    .map((fields) => ({ name: fields[0]!, uid: Number(fields[2]), gid: Number(fields[3]) }));
}
