/**
 * The one writer of export bundles. Every bundle is built in a fresh private
 * temporary directory (private-temp.ts) and moved into place with rename,
 * which never follows a link: a new output directory is renamed whole; into
 * an existing one each file is renamed, after every path it touches was
 * checked with lstat. No write, mkdir or chmod follows a link nutca did not
 * make (--force replaces such a link, never what it points to). In an existing
 * directory no file that differs is replaced without --force, and all of that
 * is checked before anything is written. An --out inside the store, or around
 * it, is refused.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { NutcaError } from "../errors.js";
import type { Bundle } from "../exports/bundle.js";
import { makePrivateTemp, removePrivateTemp } from "../private-temp.js";
import { fsyncDirectory, writeFully } from "../store/durable.js";

export interface WrittenFile {
  readonly path: string;
  readonly mode: string;
  readonly purpose: string;
  readonly unchanged: boolean;
}

export interface WriteResult {
  readonly files: WrittenFile[];
  /** Files already in an existing output directory that this bundle does not include (say, from another backend). */
  readonly leftInPlace: string[];
}

export interface WriteOptions {
  readonly force?: boolean | undefined;
  /** The store's directory: an output directory inside it, or holding it, is refused. */
  readonly store?: string | undefined;
  /** The --out the user named, when the bundle goes to a directory nutca makes inside it (a batch's DIR/<name>/<target>). */
  readonly base?: string | undefined;
}

const NO_FOLLOW = constants.O_NOFOLLOW;

export function writeBundle(outDir: string, bundle: Bundle, options: WriteOptions = {}): WriteResult {
  const given = resolve(options.base ?? outDir);
  const inside = relative(given, resolve(outDir));
  const base = checkOutDir(given, options);
  const root = inside === "" ? base : join(base, inside);
  for (const file of bundle.files) assertInside(root, file.path);
  const links = linksOnTheWay(base, inside, options.force === true);
  if (!lexists(root)) {
    removeLinks(links);
    return { files: writeNew(root, bundle), leftInPlace: [] };
  }
  return writeExisting(root, bundle, options.force === true, links);
}

/**
 * Checks an --out before anything is built: not a file (nor under one), not a
 * link to a directory unless --force (then its target is written into), not
 * inside the store nor around it. Returns the directory to write into.
 */
export function checkOutDir(out: string, options: Pick<WriteOptions, "force" | "store">): string {
  const path = resolve(out);
  const stat = lstatOrUndefined(path);
  let dir = path;
  if (stat?.isSymbolicLink()) {
    const target = statOrUndefined(path);
    if (!target?.isDirectory()) {
      throw new NutcaError("USAGE", `--out ${path} is a symbolic link to no directory`, "give a directory for --out");
    }
    if (options.force !== true) {
      throw new NutcaError(
        "USAGE",
        `--out ${path} is a symbolic link to ${realpathSync(path)}`,
        "give the directory itself, or pass --force to write into the directory it points to",
      );
    }
    dir = realpathSync(path);
  } else if (stat && !stat.isDirectory()) {
    throw new NutcaError("USAGE", `--out ${path} is a file, not a directory`, "choose a directory for --out");
  }
  const real = realPathOf(dir, path); // refuses an --out under a file, too
  if (options.store !== undefined) assertOutsideStore(real, options.store);
  return dir;
}

/** The real path of `path`, which may not exist yet: its nearest existing ancestor resolved, the rest appended. */
function realPathOf(path: string, named: string): string {
  let ancestor = path;
  while (!lexists(ancestor)) ancestor = dirname(ancestor);
  if (!statOrUndefined(ancestor)?.isDirectory()) {
    throw new NutcaError("USAGE", `${ancestor} is a file, so --out ${named} cannot be made`, "choose another --out");
  }
  return join(realpathSync(ancestor), relative(ancestor, path));
}

function assertOutsideStore(out: string, store: string): void {
  const real = lexists(store) ? realpathSync(store) : resolve(store);
  if (out === real || out.startsWith(real + sep)) {
    throw new NutcaError("USAGE", `--out ${out} is inside the store ${real}`, "choose a directory outside the store");
  }
  if (real.startsWith(out + sep)) {
    throw new NutcaError(
      "USAGE",
      `--out ${out} holds the store ${real}`,
      "choose a directory that does not hold the store",
    );
  }
}

/**
 * Whether the bundle directory `inside` (relative to the checked `base`) exists, with every
 * directory on the way checked: a link there is refused (unless `force`, when it is to be replaced).
 */
export function bundleDirExists(base: string, inside: string, force: boolean): boolean {
  linksOnTheWay(base, inside, force);
  return lexists(join(base, inside));
}

/** The links on the way from `base` down `inside` (refused without `force`); anything else not a directory is refused. */
function linksOnTheWay(base: string, inside: string, force: boolean): string[] {
  const links: string[] = [];
  let path = base;
  for (const part of inside === "" ? [] : inside.split(sep)) {
    path = join(path, part);
    const stat = lstatOrUndefined(path);
    if (!stat) break;
    if (stat.isSymbolicLink()) {
      if (!force) throw linkRefused(path);
      links.push(path);
      break;
    }
    if (!stat.isDirectory()) throw inTheWay(path, "a directory");
  }
  return links;
}

function writeNew(root: string, bundle: Bundle): WrittenFile[] {
  mkdirSync(dirname(root), { recursive: true, mode: 0o700 });
  const temp = makePrivateTemp(dirname(root), `${basename(root)}.nutca-tmp-`);
  try {
    buildTree(temp, bundle);
    renameSync(temp, root);
    fsyncDirectory(dirname(root));
  } finally {
    removePrivateTemp(temp);
  }
  return bundle.files.map((file) => written(root, file, false));
}

type Placement = { readonly unchanged: boolean; readonly links: string[] };

function writeExisting(root: string, bundle: Bundle, force: boolean, links: string[]): WriteResult {
  const placements = bundle.files.map((file) => place(root, file.path, file.data, force));
  for (const directory of bundle.directories ?? []) {
    const path = join(root, directory.path);
    const stat = lstatOrUndefined(path);
    if (stat?.isSymbolicLink() && !force) throw linkRefused(path);
    if (stat && !stat.isSymbolicLink() && !stat.isDirectory()) throw inTheWay(path, "a directory");
  }
  removeLinks(links);
  const temp = makePrivateTemp(root, ".nutca-tmp-");
  try {
    const ours = new Set(bundle.files.map((file) => join(root, file.path)));
    const leftInPlace = listFiles(root).filter((path) => !ours.has(path) && !path.startsWith(temp));
    buildTree(temp, bundle);
    const touched = new Set<string>();
    bundle.files.forEach((file, index) => {
      const placement = placements[index]!;
      const path = join(root, file.path);
      if (placement.unchanged) return withOwnFd(path, constants.O_RDONLY, (fd) => fchmodSync(fd, file.mode));
      removeLinks(placement.links);
      makeDirectories(root, dirname(file.path));
      renameSync(join(temp, file.path), path);
      touched.add(dirname(path));
    });
    for (const directory of bundle.directories ?? []) {
      const path = join(root, directory.path);
      removeLinks([path]);
      makeDirectories(root, directory.path);
      withOwnFd(path, constants.O_RDONLY | constants.O_DIRECTORY, (fd) => fchmodSync(fd, directory.mode));
    }
    for (const dir of touched) fsyncDirectory(dir);
    return {
      files: bundle.files.map((file, index) => written(root, file, placements[index]!.unchanged)),
      leftInPlace,
    };
  } finally {
    removePrivateTemp(temp);
  }
}

/** What writing `data` at `relativePath` would do: refused here when it would write through a link or differs without --force. */
function place(root: string, relativePath: string, data: string | Uint8Array, force: boolean): Placement {
  const links: string[] = [];
  let path = root;
  const parts = relativePath.split("/");
  for (const [index, part] of parts.entries()) {
    path = join(path, part);
    const stat = lstatOrUndefined(path);
    if (!stat) return { unchanged: false, links };
    if (stat.isSymbolicLink()) {
      if (!force) throw linkRefused(path);
      links.push(path);
      return { unchanged: false, links };
    }
    const last = index === parts.length - 1;
    if (!last && !stat.isDirectory()) throw inTheWay(path, "a directory");
    if (last && !stat.isFile()) throw inTheWay(path, "a file");
  }
  const same = withOwnFd(path, constants.O_RDONLY, (fd) => Buffer.compare(readFileSync(fd), Buffer.from(data)) === 0);
  if (!same && !force) {
    throw new NutcaError(
      "USAGE",
      `${path} exists with other contents`,
      "pass --force to replace it, or choose another --out",
    );
  }
  return { unchanged: same, links };
}

/** Writes every file and directory mode of the bundle under `temp`, a private directory this process just made. */
function buildTree(temp: string, bundle: Bundle): void {
  for (const file of bundle.files) {
    const path = join(temp, file.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    withOwnFd(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      (fd) => {
        writeFully(fd, file.data);
        fchmodSync(fd, file.mode);
        fsyncSync(fd);
      },
      file.mode,
    );
  }
  for (const directory of bundle.directories ?? []) {
    const path = join(temp, directory.path);
    mkdirSync(path, { recursive: true, mode: 0o700 });
    withOwnFd(path, constants.O_RDONLY | constants.O_DIRECTORY, (fd) => fchmodSync(fd, directory.mode));
  }
}

/** Creates the missing directories of `relativeDir` under `root`, one level at a time (mkdir never follows a link). */
function makeDirectories(root: string, relativeDir: string): void {
  let path = root;
  for (const part of relativeDir === "." ? [] : relativeDir.split("/")) {
    path = join(path, part);
    if (!lexists(path)) mkdirSync(path, { mode: 0o700 });
  }
}

/** Runs `use` on `path` opened with O_NOFOLLOW: a link swapped in after the checks fails instead of being followed. */
function withOwnFd<T>(path: string, flags: number, use: (fd: number) => T, mode?: number): T {
  const fd = openSync(path, flags | NO_FOLLOW, mode);
  try {
    if (fstatSync(fd).isSymbolicLink()) throw linkRefused(path);
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes the links (not what they point to) that are still links: several files may share one. */
function removeLinks(links: readonly string[]): void {
  for (const link of links) if (lstatOrUndefined(link)?.isSymbolicLink()) unlinkSync(link);
}

function written(root: string, file: Bundle["files"][number], unchanged: boolean): WrittenFile {
  return { path: join(root, file.path), mode: "0" + file.mode.toString(8), purpose: file.purpose, unchanged };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function linkRefused(path: string): NutcaError {
  return new NutcaError(
    "USAGE",
    `${path} is a symbolic link, and nutca does not write through a link it did not make`,
    "remove it, or pass --force to replace the link (not what it points to)",
  );
}

function inTheWay(path: string, needed: string): NutcaError {
  return new NutcaError(
    "USAGE",
    `${path} is in the way: the bundle needs ${needed} there`,
    "move it away, or choose another --out",
  );
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function lexists(path: string): boolean {
  return lstatOrUndefined(path) !== undefined;
}

function assertInside(root: string, path: string): void {
  const full = resolve(root, path);
  if (!full.startsWith(root + sep))
    throw new NutcaError("INTERNAL", `export path ${path} escapes the output directory`);
}
