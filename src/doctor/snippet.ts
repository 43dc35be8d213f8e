/**
 * Config snippets of an export (upsd.conf / upsmon.conf lines, stunnel.conf):
 * the directives that name certificate files, and where each named file is in
 * the bundle. Snippets use install paths (e.g. /etc/nut/nutca/upsd.pem); the
 * bundle holds the same files relative to its root, so a path is found by its
 * longest tail that exists in the bundle.
 */
import { existsSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { INPUT_CAPS, readInputFile } from "../input-file.js";

export type SnippetKind = "upsd" | "upsmon" | "stunnel";

export interface Directive {
  readonly name: string;
  readonly args: string[];
  readonly line: number;
}

export interface Snippet {
  readonly path: string;
  readonly kind: SnippetKind;
  readonly directives: Directive[];
}

const NUT_DIRECTIVES = /^(CERTFILE|CERTPATH|CERTIDENT|CERTHOST|CERTVERIFY|FORCESSL|DISABLE_WEAK_SSL|CERTREQUEST)\s/;
const STUNNEL_KEYS = new Set([
  "client",
  "sslVersionMin",
  "verifyPeer",
  "cert",
  "key",
  "CAfile",
  "CApath",
  "CRLfile",
  "CRLpath",
  "verifyChain",
  "checkHost",
  "checkIP",
]);

/** NUT's config tokenizer: blanks separate, double quotes group, backslash escapes. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quoted = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === "\\" && i + 1 < line.length) {
      current += line[++i];
      has = true;
    } else if (char === '"') {
      quoted = !quoted;
      has = true;
    } else if (!quoted && char === "#") break;
    else if (!quoted && /\s/.test(char)) {
      if (has) tokens.push(current);
      current = "";
      has = false;
    } else {
      current += char;
      has = true;
    }
  }
  if (has) tokens.push(current);
  return tokens;
}

/** Reads a file as a snippet when it looks like one; undefined otherwise. */
export function readSnippet(path: string): Snippet | undefined {
  const name = basename(path);
  if (!/\.conf(\.snippet)?$|snippet$/.test(name)) return undefined;
  const text = readInputFile(path, { what: "config file", maxBytes: INPUT_CAPS.certificates }).toString("utf8");
  const lines = text.split(/\r?\n/);
  const directives: Directive[] = [];
  const stunnel = /stunnel/.test(name) || lines.some((line) => /^\s*\[[^\]]+\]\s*$/.test(line));
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (stunnel) {
      const match = /^([A-Za-z]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (match && STUNNEL_KEYS.has(match[1]!))
        directives.push({ name: match[1]!, args: [match[2]!], line: index + 1 });
    } else if (NUT_DIRECTIVES.test(line + " ")) {
      const [directive, ...args] = tokenize(line);
      directives.push({ name: directive!, args, line: index + 1 });
    }
  });
  if (directives.length === 0) return undefined;
  const kind: SnippetKind = stunnel ? "stunnel" : /upsmon/.test(name) || isUpsmon(directives) ? "upsmon" : "upsd";
  return { path, kind, directives };
}

function isUpsmon(directives: readonly Directive[]): boolean {
  return directives.some((directive) => ["CERTHOST", "CERTVERIFY", "FORCESSL"].includes(directive.name));
}

/** The bundle file or directory a snippet path stands for, or undefined when the bundle has none. */
export function resolveInBundle(bundleRoot: string, snippetPath: string, value: string): string | undefined {
  const root = resolve(bundleRoot);
  if (!isAbsolute(value)) {
    const local = resolve(dirname(snippetPath), value);
    return inside(root, local) && existsSync(local) ? local : undefined;
  }
  if (inside(root, value) && existsSync(value)) return value;
  const parts = value.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const candidate = join(root, ...parts.slice(i));
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, resolve(path));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && !rel.startsWith(sep));
}

export function directive(snippet: Snippet, name: string): Directive | undefined {
  return snippet.directives.find((item) => item.name === name);
}
