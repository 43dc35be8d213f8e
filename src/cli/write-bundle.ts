/**
 * The one writer of export bundles. A new output directory is built under a
 * temporary name beside it and renamed into place, so a failed export leaves
 * nothing behind; in an existing directory, no file that differs is replaced
 * without --force, and that is checked before anything is written.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join, resolve, sep } from "node:path";
import { NutcaError } from "../errors.js";
import type { Bundle } from "../exports/bundle.js";
import { fsyncDirectory, writeFileDurable } from "../store/durable.js";

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

export function writeBundle(outDir: string, bundle: Bundle, options: { force?: boolean } = {}): WriteResult {
  const root = resolve(outDir);
  for (const file of bundle.files) assertInside(root, file.path);
  if (!existsSync(root)) {
    mkdirSync(dirname(root), { recursive: true, mode: 0o700 });
    const temp = `${root}.nutca-tmp-${randomBytes(6).toString("hex")}`;
    try {
      mkdirSync(temp, { mode: 0o700 });
      const written = writeFiles(temp, bundle, () => false);
      renameSync(temp, root);
      fsyncDirectory(dirname(root));
      const files = written.map((file) => ({ ...file, path: join(root, file.path.slice(temp.length + 1)) }));
      return { files, leftInPlace: [] };
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  }
  const same = (path: string, data: string | Uint8Array) =>
    existsSync(path) && Buffer.compare(readFileSync(path), Buffer.from(data)) === 0;
  if (!options.force) {
    const conflict = bundle.files.find(
      (file) => existsSync(join(root, file.path)) && !same(join(root, file.path), file.data),
    );
    if (conflict) {
      throw new NutcaError(
        "USAGE",
        `${join(root, conflict.path)} exists with other contents`,
        "pass --force to replace it, or choose another --out",
      );
    }
  }
  const ours = new Set(bundle.files.map((file) => join(root, file.path)));
  const leftInPlace = listFiles(root).filter((path) => !ours.has(path));
  return { files: writeFiles(root, bundle, same), leftInPlace };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function writeFiles(
  root: string,
  bundle: Bundle,
  same: (path: string, data: string | Uint8Array) => boolean,
): WrittenFile[] {
  const written: WrittenFile[] = [];
  for (const file of bundle.files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const unchanged = same(path, file.data);
    if (!unchanged) writeFileDurable(path, file.data, file.mode);
    chmodSync(path, file.mode);
    written.push({ path, mode: "0" + file.mode.toString(8), purpose: file.purpose, unchanged });
  }
  for (const directory of bundle.directories ?? []) chmodSync(join(root, directory.path), directory.mode);
  return written;
}

function assertInside(root: string, path: string): void {
  const full = resolve(root, path);
  if (!full.startsWith(root + sep))
    throw new NutcaError("INTERNAL", `export path ${path} escapes the output directory`);
}
