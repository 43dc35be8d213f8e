/**
 * Which NUT release the files are for (`--nut-version`): the directives a
 * snippet may hold depend on it (directives.ts). `auto` asks the NUT on this
 * host (`-V`, and `-DDh` for the backend and client certificate validation),
 * as `--backend auto` reads ldd. The default is what Debian 12 ships.
 */
import { spawn } from "node:child_process";
import { NutcaError } from "../errors.js";
import { detectBackend, type DetectDeps, type NutBackend, type NutProgram } from "./backend.js";
import { parseNutVersion, versionNumber, versionText, type NutVersion } from "./directives.js";

export const NUT_VERSIONS = ["2.8.0", "2.8.5", "2.8.6"] as const;

/** Debian 12's NUT: what works where most NUT hosts are today. */
export const DEFAULT_NUT_VERSION = "2.8.0";

export interface NutTarget {
  readonly version: NutVersion;
  /** Built --with-ssl-client-validation (upsd can ask for client certificates); 2.8.6 given is taken to be. */
  readonly clientValidation: boolean;
  /** How it was chosen, for the export's summary. */
  readonly note: string;
}

/** What `-DDh` says about the build (NUT >= 2.8.5; older builds print neither line). */
export function buildFacts(help: string): { backend?: NutBackend; clientValidation: boolean } {
  const backend = /built with SSL support: (OpenSSL|Mozilla NSS)/.exec(help)?.[1];
  return {
    ...(backend ? { backend: backend === "OpenSSL" ? "openssl" : "nss" } : {}),
    clientValidation: /\bwith client certificate validation/.test(help),
  };
}

/** What an export assumes when no --nut-version is given. */
export const DEFAULT_NUT_TARGET: NutTarget = {
  version: [2, 8, 0],
  clientValidation: false,
  note: `${DEFAULT_NUT_VERSION} (the default: Debian 12's NUT; --nut-version for others)`,
};

export async function chooseNutVersion(
  requested: string | undefined,
  program: NutProgram,
  deps: DetectDeps = {},
): Promise<NutTarget> {
  if (requested === undefined) return DEFAULT_NUT_TARGET;
  if ((NUT_VERSIONS as readonly string[]).includes(requested)) {
    const version = parseNutVersion(requested)!;
    return { version, clientValidation: versionNumber(version) >= versionNumber([2, 8, 6]), note: requested };
  }
  if (requested !== "auto") {
    throw new NutcaError(
      "USAGE",
      `unknown NUT version "${requested}"`,
      `pass --nut-version ${NUT_VERSIONS.join(", ")} or auto (check the host with: ${program} -V)`,
    );
  }
  const { binary } = await detectBackend(program, deps);
  const version = parseNutVersion(await output(binary, ["-V"]));
  if (!version) {
    throw new NutcaError(
      "NOT_FOUND",
      `cannot read the NUT version from ${binary} -V`,
      `pass --nut-version ${NUT_VERSIONS.join("|")} for the NUT of the host the files are for`,
    );
  }
  const facts = buildFacts(await output(binary, ["-DDh"]));
  return {
    version,
    clientValidation: facts.clientValidation,
    note:
      `${versionText(version)} (detected on this host: ${binary} -V` +
      (facts.clientValidation ? ", with client certificate validation)" : ")"),
  };
}

/** stdout and stderr together: NUT prints -V on stdout and the -D lines on stderr. */
function output(binary: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const child = spawn(binary, [...args], { stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
    const append = (chunk: Buffer) => (text += chunk.toString("utf8"));
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    child.on("error", () => resolve(""));
    child.on("close", () => resolve(text));
  });
}
