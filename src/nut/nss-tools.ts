/**
 * Builds the NSS databases NUT's NSS build reads (CERTPATH), with the real
 * certutil and pk12util: the SQL format NSS writes is not something to
 * re-implement. Everything happens in a private 0700 temp directory that is
 * always removed, signals included (private-temp.ts); passwords go to the tools only in files inside it, never in
 * argv (visible in ps) and never in any message.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { NutcaError } from "../errors.js";
import { makePrivateTemp, removePrivateTemp, trackTool } from "../private-temp.js";
import type { Authority, Identity } from "../pki/identity.js";
import { buildPkcs12 } from "../pki/pkcs12.js";
import { decryptPkcs8 } from "../pki/pkcs8.js";
import { findOnPath } from "./backend.js";

const TRANSIENT_P12_ITERATIONS = 2_048;

export const NSS_DB_FILES = ["cert9.db", "key4.db", "pkcs11.txt"] as const;
export type NssDbFiles = Readonly<Record<(typeof NSS_DB_FILES)[number], Uint8Array>>;

export interface NssTools {
  readonly certutil: string;
  readonly pk12util: string;
}

/** The tools on PATH, or the names of those that are missing. */
export function findNssTools(path = process.env.PATH): { tools?: NssTools; missing: string[] } {
  const certutil = findOnPath("certutil", path);
  const pk12util = findOnPath("pk12util", path);
  if (certutil && pk12util) return { tools: { certutil, pk12util }, missing: [] };
  return { missing: [...(certutil ? [] : ["certutil"]), ...(pk12util ? [] : ["pk12util"])] };
}

/** A CA certificate to add, with its NSS trust flags (`CT,,` for the root, `,,` for intermediates). */
export interface NssCaCertificate {
  readonly nickname: string;
  readonly pem: string;
  readonly trust: string;
}

/** A certificate with its key, as a PKCS#12 whose friendlyName becomes the nickname on import. */
export interface NssIdentity {
  readonly nickname: string;
  readonly p12: Uint8Array;
  readonly p12Password: string;
  /** certutil -V usage it must verify for: V = SSL server, C = SSL client. */
  readonly usage: "V" | "C";
}

export interface NssDbRequest {
  /** The DB password; "" makes a DB with an empty password. */
  readonly password: string;
  readonly certificates: readonly NssCaCertificate[];
  readonly identity?: NssIdentity | undefined;
}

/** A random DB password of characters that need no quoting in a NUT config line or a shell. */
export function generateNssPassword(): string {
  return randomBytes(24).toString("base64url");
}

/** The identity as a PKCS#12 for pk12util: leaf, key and intermediates, friendlyName = nickname. */
export async function identityPkcs12(
  identity: Identity,
  authority: Authority,
  nickname: string,
  iterations?: number,
): Promise<{ p12: Uint8Array; password: string }> {
  const password = generateNssPassword();
  const p12 = await buildPkcs12({
    keyPkcs8: decryptPkcs8(identity.keyPem, undefined, `the key of ${identity.name}`),
    certificate: new Uint8Array(identity.certificate.rawData),
    chain: authority.intermediates.map((certificate) => new Uint8Array(certificate.rawData)),
    friendlyName: nickname,
    password,
    iterations,
  });
  return { p12, password };
}

/** Where a DB password comes from: --nss-password-file, --nss-empty-password, or generated. */
export function chooseNssPassword(
  options: { nssPasswordFile?: string | undefined; nssEmptyPassword?: boolean | undefined },
  readPasswordFile: (path: string) => string,
): string {
  if (options.nssPasswordFile !== undefined && options.nssEmptyPassword) {
    throw new NutcaError("USAGE", "--nss-password-file and --nss-empty-password contradict each other", "pass one");
  }
  if (options.nssEmptyPassword) return "";
  return options.nssPasswordFile === undefined ? generateNssPassword() : readPasswordFile(options.nssPasswordFile);
}

/** The database as built here, or (kind "script") what build-nssdb.sh needs to build it on the host. */
export type NssMaterial =
  | { readonly kind: "database"; readonly files: NssDbFiles }
  | {
      readonly kind: "script";
      /** Why no database was built here, e.g. "certutil and pk12util are not installed". */
      readonly reason: string;
      /** The certificate and key, friendlyName = nickname; absent for a CA-only database. */
      readonly p12?: { readonly data: Uint8Array; readonly password: string } | undefined;
    };

/**
 * The database built here when certutil and pk12util are installed; otherwise
 * (never an error) what the export needs to build it on the host: the reason,
 * and the identity as a PKCS#12 whose friendlyName is the nickname.
 */
export async function nssMaterial(request: {
  readonly authority: Authority;
  readonly certificates: readonly NssCaCertificate[];
  readonly password: string;
  readonly identity?: { readonly identity: Identity; readonly nickname: string; readonly usage: "V" | "C" } | undefined;
  readonly path?: string | undefined;
}): Promise<NssMaterial> {
  const found = findNssTools(request.path ?? process.env.PATH);
  // A .p12 that only lives in the 0700 temp dir, under a random password, gains nothing from slow key derivation.
  const iterations = found.tools ? TRANSIENT_P12_ITERATIONS : undefined;
  const p12 = request.identity
    ? await identityPkcs12(request.identity.identity, request.authority, request.identity.nickname, iterations)
    : undefined;
  if (!found.tools) {
    const reason = `${found.missing.join(" and ")} ${found.missing.length > 1 ? "are" : "is"} not installed here`;
    return { kind: "script", reason, p12: p12 && { data: p12.p12, password: p12.password } };
  }
  const identity =
    request.identity && p12
      ? { nickname: request.identity.nickname, p12: p12.p12, p12Password: p12.password, usage: request.identity.usage }
      : undefined;
  const files = await buildNssDb(found.tools, {
    password: request.password,
    certificates: request.certificates,
    identity,
  });
  return { kind: "database", files };
}

/**
 * certutil -N, the CA certificates (added first, so they keep our nicknames when
 * the PKCS#12 brings them again), pk12util -i, certutil -M for the trust, then
 * certutil -V/-K to prove the result before its bytes are returned.
 */
export async function buildNssDb(tools: NssTools, request: NssDbRequest): Promise<NssDbFiles> {
  const nicknames = request.certificates.map((certificate) => certificate.nickname);
  if (request.identity && nicknames.includes(request.identity.nickname)) {
    throw new NutcaError(
      "USAGE",
      `the nickname "${request.identity.nickname}" is also the name of a CA certificate`,
      "pass another --nickname",
    );
  }
  const work = makePrivateTemp(tmpdir(), "nutca-nss-");
  try {
    const db = join(work, "db");
    mkdirSync(db, { mode: 0o700 });
    const passwordFile = join(work, "db.pass");
    writeFileSync(passwordFile, request.password === "" ? "" : request.password + "\n", { mode: 0o600 });
    // Run inside the DB directory with `sql:.`, so pkcs11.txt records no path of this temp dir.
    const certutil = (...args: string[]) => run(tools.certutil, [...args, "-d", "sql:.", "-f", passwordFile], db);
    await certutil("-N", ...(request.password === "" ? ["--empty-password"] : []));
    for (const [index, certificate] of request.certificates.entries()) {
      const file = join(work, `ca-${index}.pem`);
      writeFileSync(file, certificate.pem, { mode: 0o600 });
      await certutil("-A", "-n", certificate.nickname, "-t", certificate.trust, "-a", "-i", file);
    }
    const identity = request.identity;
    if (identity) {
      const p12File = join(work, "identity.p12");
      const p12PasswordFile = join(work, "p12.pass");
      writeFileSync(p12File, identity.p12, { mode: 0o600 });
      writeFileSync(p12PasswordFile, identity.p12Password + "\n", { mode: 0o600 });
      await run(tools.pk12util, ["-i", p12File, "-d", "sql:.", "-w", p12PasswordFile, "-k", passwordFile], db);
    }
    for (const certificate of request.certificates) {
      await certutil("-M", "-n", certificate.nickname, "-t", certificate.trust);
    }
    if (identity) {
      const verified = await certutil("-V", "-n", identity.nickname, "-u", identity.usage);
      const keys = await certutil("-K");
      if (!/certificate is valid/.test(verified) || !keys.includes(identity.nickname)) {
        throw new NutcaError(
          "INTERNAL",
          `the NSS database does not hold a valid "${identity.nickname}" with its key`,
          "run with NUTCA_DEBUG=1 and report it",
        );
      }
    }
    const read = (name: string) => new Uint8Array(readFileSync(join(db, name)));
    return { "cert9.db": read("cert9.db"), "key4.db": read("key4.db"), "pkcs11.txt": read("pkcs11.txt") };
  } finally {
    removePrivateTemp(work);
  }
}

/** Runs a tool with no terminal input (a prompt fails instead of hanging); its output, or an error. */
function run(tool: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const child = spawn(tool, args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    trackTool(child);
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", (error) =>
      reject(new NutcaError("IO", `cannot run ${tool}: ${error.message}`, "check the NSS tools (libnss3-tools)")),
    );
    child.on("close", (code, signal) => {
      if (code === 0) return resolve(output);
      const last = output.trim().split("\n").pop() ?? "";
      reject(
        new NutcaError(
          "INTERNAL",
          `${basename(tool)} ${args[0]} failed (${signal ?? `exit ${code}`})${last ? `: ${last}` : ""}`,
          "run with NUTCA_DEBUG=1 and report it",
        ),
      );
    });
  });
}
