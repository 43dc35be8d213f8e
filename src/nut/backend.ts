/**
 * Which TLS backend the NUT on this host was built with. Every NUT binary has
 * exactly one (NSS or OpenSSL) and each wants a different file layout, so
 * `--backend auto` looks at what the installed binary links (nut-tls.md).
 */
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { NutcaError } from "../errors.js";

export type NutBackend = "openssl" | "nss";

export type NutProgram = "upsd" | "upsmon";

export interface BackendChoice {
  readonly backend: NutBackend;
  /** How it was chosen, for the export's summary. */
  readonly note: string;
}

/**
 * Where the binaries live. Debian's /usr/sbin/upsd and /sbin/upsmon are shell
 * wrappers (ldd fails on them), the real programs are in /lib/nut.
 */
const CANDIDATES: Record<NutProgram, readonly string[]> = {
  upsd: ["/lib/nut/upsd", "/usr/lib/nut/upsd", "/usr/sbin/upsd", "/usr/local/sbin/upsd"],
  upsmon: ["/lib/nut/upsmon", "/usr/lib/nut/upsmon", "/sbin/upsmon", "/usr/sbin/upsmon", "/usr/local/sbin/upsmon"],
};

/**
 * The backend an `ldd` listing shows. NSS's own TLS library is called
 * libssl3.so, so libnss3 must be looked for before libssl.
 */
export function backendFromLdd(listing: string): NutBackend | undefined {
  if (/\blibnss3\.so/.test(listing)) return "nss";
  if (/\blibssl\.so(\.|\b)/.test(listing)) return "openssl";
  return undefined;
}

export interface DetectDeps {
  readonly path?: string | undefined;
  readonly candidates?: readonly string[];
  /** Runs `ldd FILE`; resolves undefined when it fails (not a dynamic executable, no ldd). */
  readonly ldd?: (file: string) => Promise<string | undefined>;
}

/** Looks at `command -v <program>` and the usual places; the first binary that links a TLS library decides. */
export async function detectBackend(
  program: NutProgram,
  deps: DetectDeps = {},
): Promise<{ backend: NutBackend; binary: string }> {
  const ldd = deps.ldd ?? runLdd;
  const onPath = findOnPath(program, deps.path ?? process.env.PATH);
  const candidates = [...new Set([...(onPath ? [onPath] : []), ...(deps.candidates ?? CANDIDATES[program])])];
  const found = candidates.filter(isExecutable);
  const withoutTls: string[] = [];
  for (const binary of found) {
    const listing = await ldd(binary);
    if (listing === undefined) continue;
    const backend = backendFromLdd(listing);
    if (backend) return { backend, binary };
    withoutTls.push(binary);
  }
  if (withoutTls.length > 0) {
    throw new NutcaError(
      "NOT_FOUND",
      `${withoutTls.join(", ")} links neither libnss3 nor libssl: this NUT was built without TLS`,
      "install a NUT build with TLS, or pass --backend openssl|nss for the host the files are for",
    );
  }
  throw new NutcaError(
    "NOT_FOUND",
    found.length > 0
      ? `cannot tell the TLS backend of ${found.join(", ")} (ldd failed)`
      : `no NUT ${program} found on this host (looked in PATH and ${CANDIDATES[program].join(", ")})`,
    "pass --backend openssl or --backend nss for the NUT of the host the files are for",
  );
}

/** `--backend openssl|nss|auto` to a backend; auto detects the NUT installed here. */
export async function chooseBackend(
  requested: string | undefined,
  program: NutProgram,
  deps?: DetectDeps,
): Promise<BackendChoice> {
  if (requested === "openssl" || requested === "nss") return { backend: requested, note: `${requested} (as given)` };
  if (requested !== "auto") {
    throw new NutcaError(
      "USAGE",
      requested === undefined ? "--backend is required" : `unknown backend "${requested}"`,
      "pass --backend openssl, nss or auto (check the target host with: ldd /lib/nut/upsd)",
    );
  }
  const { backend, binary } = await detectBackend(program, deps);
  return {
    backend,
    note: `${backend} (detected on this host: ${binary} links ${backend === "nss" ? "libnss3" : "libssl"})`,
  };
}

export function findOnPath(program: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, program);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function runLdd(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    let output = "";
    const child = spawn("ldd", [file], { stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 });
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", () => resolve(undefined));
    child.on("close", (code) => resolve(code === 0 ? output : undefined));
  });
}
