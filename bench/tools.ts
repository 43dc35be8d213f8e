/**
 * The three ways of issuing a client certificate that the bench compares:
 * nutca, plain openssl (genpkey + req + x509 -req) and easy-rsa. Each set-up
 * writes only under the bench's temporary directory.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunSpec } from "./measure.js";

/** dist/bench/tools.js -> the repository root. */
const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const EASYRSA = "/usr/share/easy-rsa/easyrsa";
export const PASSPHRASE = "bench passphrase, not a secret";

/**
 * Copies the built program (bin, dist/src, dist/bench, package.json; node_modules linked) under
 * ROOT and returns the copy's directory, so a rebuild in the working tree
 * during a long run cannot change, or break, what is measured.
 */
export function snapshotBuild(root: string): string {
  const app = join(root, "app");
  for (const part of ["bin", "dist/src", "dist/bench", "package.json"]) {
    cpSync(join(REPO, part), join(app, part), { recursive: true });
  }
  symlinkSync(join(REPO, "node_modules"), join(app, "node_modules"));
  return app;
}

/**
 * What `npm install -g` of the packed tarball puts on disk, in KiB (du -sk of the install prefix).
 * npm takes the dependencies from its cache, or from the registry when the cache lacks one.
 */
export function installedKb(root: string): number {
  const dir = join(root, "install");
  mkdirSync(dir);
  const tarball = mustRun("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir, REPO], dir, {
    ...process.env,
  }).trim();
  const prefix = join(dir, "prefix");
  const install = ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund"];
  mustRun("npm", [...install, join(dir, tarball)], dir, { ...process.env });
  return Number(mustRun("du", ["-sk", prefix], dir, process.env).split("\t")[0]);
}

export type KeyKind = "p256" | "rsa3072";

/** Fails loudly: a set-up step that breaks would make every later number meaningless. */
export function mustRun(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr || result.error}`);
  }
  return result.stdout;
}

export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** The child environment: no NUTCA_* of the user's, and a settings directory of our own. */
export function cleanEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("NUTCA_")) env[key] = value;
  env.NUTCA_CONFIG_DIR = join(root, "config");
  return env;
}

export class Nutca {
  readonly bin: string;
  private readonly storeWritesScript: string;

  constructor(
    readonly root: string,
    readonly env: NodeJS.ProcessEnv,
    app: string,
  ) {
    this.bin = join(app, "bin", "nutca.js");
    this.storeWritesScript = join(app, "dist", "bench", "store-writes.js");
  }

  spec(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): RunSpec {
    return {
      command: process.execPath,
      args: [this.bin, ...args],
      cwd: this.root,
      env: { ...this.env, ...extraEnv },
      scratch: this.root,
    };
  }

  /** A store with a P-256 CA; encrypted with PASSPHRASE (given through NUTCA_PASSPHRASE) or not. */
  init(store: string, encrypted: boolean): string {
    const dir = join(this.root, store);
    const args = ["--store", dir, "init", "--name", "bench CA", "--key", "ec-p256"];
    if (!encrypted) args.push("--no-passphrase");
    mustRun(process.execPath, [this.bin, ...args], this.root, { ...this.env, NUTCA_PASSPHRASE: PASSPHRASE });
    return dir;
  }

  issue(store: string, name: string, key: KeyKind): RunSpec {
    const args = ["--store", store, "issue", "client", name, "--key", key === "p256" ? "ec-p256" : "rsa-3072"];
    return this.spec(args, { NUTCA_PASSPHRASE: PASSPHRASE });
  }

  /** COUNT issuances' files and ledger records committed to STORE without the crypto (bench/store-writes.ts). */
  storeWrites(store: string, count: number): RunSpec {
    return { ...this.spec([]), args: [this.storeWritesScript, store, String(count)] };
  }
}

const CLIENT_EXTENSIONS = [
  "basicConstraints = critical, CA:FALSE",
  "keyUsage = critical, digitalSignature",
  "extendedKeyUsage = clientAuth",
  "subjectKeyIdentifier = hash",
  "authorityKeyIdentifier = keyid",
].join("\n");

/** The openssl command-line route: a CA made with req -x509, then three commands per certificate. */
export class OpenSsl {
  readonly dir: string;

  constructor(
    root: string,
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.dir = join(root, "openssl");
    mkdirSync(this.dir);
    writeFileSync(join(this.dir, "client.ext"), CLIENT_EXTENSIONS + "\n");
    mustRun(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-noenc",
        "-subj",
        "/CN=bench CA",
      ].concat(["-days", "3650", "-keyout", "ca.key", "-out", "ca.crt"]),
      this.dir,
      env,
    );
  }

  /** The shell lines that issue certificate NAME (a shell word, e.g. "$1" or "c$i"). */
  static script(name: string, key: KeyKind): string {
    const algorithm =
      key === "p256"
        ? "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
        : "-algorithm RSA -pkeyopt rsa_keygen_bits:3072";
    return [
      `openssl genpkey ${algorithm} -out ${name}.key`,
      `openssl req -new -key ${name}.key -subj /CN=${name} -out ${name}.csr`,
      `openssl x509 -req -in ${name}.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -extfile client.ext -out ${name}.crt`,
    ].join(" && ");
  }

  issue(name: string, key: KeyKind): RunSpec {
    return this.sh(OpenSsl.script('"$1"', key), [name]);
  }

  /** N certificates in one shell loop, the openssl counterpart of a batch. */
  batch(prefix: string, count: number): RunSpec {
    const body = OpenSsl.script(`"${prefix}$i"`, "p256");
    return this.sh(`i=0; while [ $i -lt ${count} ]; do ${body} || exit 1; i=$((i+1)); done`, []);
  }

  version(): RunSpec {
    return { command: "openssl", args: ["version"], cwd: this.dir, env: this.env, scratch: this.dir };
  }

  private sh(script: string, args: readonly string[]): RunSpec {
    return { command: "sh", args: ["-c", script, "sh", ...args], cwd: this.dir, env: this.env, scratch: this.dir };
  }
}

/** easy-rsa in an init-pki'd directory with a nopass P-256 CA; EASYRSA_BATCH so it never asks. */
export class EasyRsa {
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;

  static available(): boolean {
    return existsSync(EASYRSA) && hasCommand("openssl");
  }

  constructor(root: string, env: NodeJS.ProcessEnv) {
    this.dir = join(root, "easy-rsa");
    mkdirSync(this.dir);
    this.env = { ...env, EASYRSA_BATCH: "1", EASYRSA_PKI: join(this.dir, "pki") };
    const ec = this.keyEnv("p256");
    mustRun(EASYRSA, ["init-pki"], this.dir, { ...this.env, ...ec });
    // Only the CA gets EASYRSA_REQ_CN: build-client-full refuses it (the name is the CN).
    mustRun(EASYRSA, ["build-ca", "nopass"], this.dir, { ...this.env, ...ec, EASYRSA_REQ_CN: "bench CA" });
  }

  private keyEnv(key: KeyKind): NodeJS.ProcessEnv {
    return key === "p256"
      ? { EASYRSA_ALGO: "ec", EASYRSA_CURVE: "prime256v1" }
      : { EASYRSA_ALGO: "rsa", EASYRSA_KEY_SIZE: "3072" };
  }

  issue(name: string, key: KeyKind): RunSpec {
    return {
      command: EASYRSA,
      args: ["build-client-full", name, "nopass"],
      cwd: this.dir,
      env: { ...this.env, ...this.keyEnv(key) },
      scratch: this.dir,
    };
  }

  batch(prefix: string, count: number): RunSpec {
    const loop = `i=0; while [ $i -lt ${count} ]; do "$0" build-client-full "${prefix}$i" nopass >/dev/null || exit 1; i=$((i+1)); done`;
    return {
      command: "sh",
      args: ["-c", loop, EASYRSA],
      cwd: this.dir,
      env: { ...this.env, ...this.keyEnv("p256") },
      scratch: this.dir,
    };
  }
}
