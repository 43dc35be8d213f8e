/**
 * Which NUT versions reject which TLS directives (nut-tls.md, "NUT 2.8.6"):
 * one table, read by install.sh's preflight (rendered into the script) and by
 * anything that must not write a directive the host's NUT would reject as
 * `invalid directive`.
 */
import type { NutBackend } from "./backend.js";

export type NutConfFile = "upsd.conf" | "upsmon.conf";

/** A NUT version as three numbers; a development build after X.Y.Z counts as X.Y.(Z+1). */
export type NutVersion = readonly [number, number, number];

export interface Rejection {
  /** Versions below this one reject the directives. */
  readonly before: NutVersion;
  readonly backends: readonly NutBackend[];
  readonly file: NutConfFile;
  readonly directives: readonly string[];
}

const BOTH: readonly NutBackend[] = ["nss", "openssl"];

export const REJECTIONS: readonly Rejection[] = [
  { before: [2, 8, 0], backends: BOTH, file: "upsd.conf", directives: ["DISABLE_WEAK_SSL"] },
  // Client certificates (upsd) and upsmon's own CERTFILE arrive with 2.8.6.
  { before: [2, 8, 6], backends: BOTH, file: "upsd.conf", directives: ["CERTREQUEST"] },
  { before: [2, 8, 6], backends: BOTH, file: "upsmon.conf", directives: ["CERTFILE"] },
  // Up to 2.8.5 the OpenSSL backend knows only CERTFILE (upsd) and CERTPATH (upsmon).
  { before: [2, 8, 6], backends: ["openssl"], file: "upsd.conf", directives: ["CERTIDENT", "CERTPATH"] },
  { before: [2, 8, 6], backends: ["openssl"], file: "upsmon.conf", directives: ["CERTIDENT", "CERTHOST"] },
];

/** Every TLS directive nutca writes: outside nutca's block, install.sh comments them out. */
export const TLS_DIRECTIVES = [
  "CERTFILE",
  "CERTPATH",
  "CERTIDENT",
  "CERTVERIFY",
  "FORCESSL",
  "DISABLE_WEAK_SSL",
  "CERTREQUEST",
] as const;

/** `upsd -V` text (`Network UPS Tools upsd 2.8.0`, `2.8.5 release`, `2.8.5.941-g…`) to a version. */
export function parseNutVersion(text: string): NutVersion | undefined {
  const match = /\b(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  const [major, minor, patch, dev] = match.slice(1).map((part) => Number(part ?? 0));
  return [major!, minor!, patch! + (dev! > 0 ? 1 : 0)];
}

/** Orders versions as numbers (for install.sh: major*10000 + minor*100 + patch). */
export function versionNumber(version: NutVersion): number {
  return version[0] * 10000 + version[1] * 100 + version[2];
}

export function versionText(version: NutVersion): string {
  return version.join(".");
}

/** The rejections that apply to these directives in this file for this backend, whatever the version. */
export function rejectionsFor(file: NutConfFile, backend: NutBackend, directives: readonly string[]): Rejection[] {
  return REJECTIONS.filter((rule) => rule.file === file && rule.backends.includes(backend))
    .map((rule) => ({ ...rule, directives: rule.directives.filter((directive) => directives.includes(directive)) }))
    .filter((rule) => rule.directives.length > 0);
}

/** The directives of `directives` that this NUT version rejects. */
export function rejectedDirectives(
  version: NutVersion,
  file: NutConfFile,
  backend: NutBackend,
  directives: readonly string[],
): string[] {
  return rejectionsFor(file, backend, directives)
    .filter((rule) => versionNumber(version) < versionNumber(rule.before))
    .flatMap((rule) => rule.directives);
}

/** Whether this NUT version takes the directive in this file for this backend. */
export function accepts(version: NutVersion, file: NutConfFile, backend: NutBackend, directive: string): boolean {
  return rejectedDirectives(version, file, backend, [directive]).length === 0;
}

/**
 * Behaviour, not directives, that arrives with a release (nut-tls.md, "2.8.6
 * details"): CERTHOST applies to `host:port` for a non-default port, and upsd
 * aborts on a TLS set-up error instead of serving plaintext (fail-open).
 */
export const SINCE = {
  certHostPort: [2, 8, 6],
  tlsAbort: [2, 8, 6],
} as const satisfies Record<string, NutVersion>;

/**
 * What a broken upsd CERTFILE does, by NUT version: said wherever a file is found broken
 * before it reaches upsd (inspect), so the admin knows what is at stake.
 */
export const BROKEN_CERTFILE =
  "as upsd's CERTFILE this stops upsd: an OpenSSL upsd exits, and NUT 2.8.6 aborts on any TLS set-up error " +
  "(no UPS data, no shutdown), where 2.8.0's NSS upsd would have served plaintext (fail-open)";

export function atLeast(version: NutVersion, since: NutVersion): boolean {
  return versionNumber(version) >= versionNumber(since);
}
