/**
 * The MONITOR side of a upsmon export: which host the MONITOR line names (a
 * SAN of the server certificate, or NSS refuses it), the CERTHOST line for it
 * (`host:port` on NUT 2.8.6 for a non-default port: only then does it apply),
 * and the README steps that say so.
 */
import { NutcaError } from "../errors.js";
import { accepts, atLeast, SINCE, type NutVersion } from "../nut/directives.js";
import type { NutBackend } from "../nut/backend.js";
import { isIpAddress, parseIpAddress } from "../pki/names.js";
import { subjectAltNames } from "../pki/profiles.js";
import type { Identity } from "./bundle.js";
import { confValue, quoted } from "./nut-common.js";

export const NUT_PORT = 3493;

/** --port: the MONITOR line's port, 1-65535. */
export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new NutcaError("USAGE", `--port ${value} is not a port`, "pass a number from 1 to 65535 (NUT's is 3493)");
  }
  return port;
}

export interface MonitorTarget {
  readonly host: string;
  readonly certName: string;
}

/** The MONITOR host and the SAN entry it stands for; refuses a host the certificate does not name. */
export function monitorTarget(
  server: Pick<Identity, "name" | "certificate">,
  monitorHost?: string,
): { host: string; certName: string } {
  const sans = subjectAltNames(server.certificate);
  const all = sanList(server);
  if (monitorHost === undefined) {
    const first = all[0];
    if (!first) {
      throw new NutcaError(
        "USAGE",
        `the server certificate of "${server.name}" has no subjectAltName`,
        "reissue it with --dns/--ip",
      );
    }
    return { host: first, certName: first };
  }
  // A bracketed IPv6 literal is written so in MONITOR; NUT compares the address without brackets.
  const host = monitorHost.trim().replace(/^\[(.*)\]$/, "$1");
  if (host.includes(":") && !isIpAddress(host)) {
    throw new NutcaError("USAGE", `--monitor-host ${monitorHost} has a port`, "give the host only, as in MONITOR");
  }
  const certName = isIpAddress(host)
    ? sans.ip.find((ip) => ip === parseIpAddress(host))
    : sans.dns.find((dns) => dns.toLowerCase() === host.toLowerCase().replace(/\.$/, ""));
  if (certName === undefined || host === "") {
    throw new NutcaError(
      "USAGE",
      `--monitor-host ${monitorHost} is not a name in the server certificate of "${server.name}" (${all.join(", ")}); ` +
        'NSS upsmon would fail with "SSL is not available"',
      `use one of those names in MONITOR and --monitor-host, or reissue the server certificate with it`,
    );
  }
  confValue(host, "--monitor-host");
  return { host, certName };
}

export function sanList(server: Pick<Identity, "certificate">): string[] {
  const sans = subjectAltNames(server.certificate);
  return [...sans.dns, ...sans.ip];
}

export function monitorComment(host: string, port: number): string {
  return `# MONITOR <ups>@${hostWithPort(host, port)} 1 <user> <password> secondary`;
}

export function monitorSteps(
  target: { host: string; certName: string },
  backend: "openssl" | "nss",
  names: string[],
): string[] {
  const naming =
    backend === "nss"
      ? [
          `   The MONITOR line must name the server exactly as ${target.host}: CERTHOST compares that`,
          `   case-sensitively, and NSS checks "${target.certName}" against the server certificate's names.`,
        ]
      : [
          `   The MONITOR line should name the server by a name in its certificate (${names.join(", ")}):`,
          "   NUT 2.8.6 checks it.",
        ];
  return [
    "3. Add the lines of upsmon.conf.snippet to /etc/nut/upsmon.conf (root:nut 0640), replacing any",
    "   CERTPATH, CERTIDENT, CERTHOST, CERTVERIFY, FORCESSL lines there:",
    "     cat upsmon.conf.snippet >> /etc/nut/upsmon.conf",
    ...naming,
    "   Restart upsmon (Debian: systemctl restart nut-monitor).",
    "",
    backend === "nss"
      ? '4. Check: upsmon logs "Connected to NUT server <host> in SSL".'
      : "4. Check: upsmon logs no certificate error and sees the UPS.",
    '   "Certificate validation failed" (NSS) or a verify error, then "SSL is not available", means',
    "   the chain or the name does not match.",
    "",
  ];
}

/** host, or host:port for a non-default port (IPv6 in brackets), as MONITOR writes it. */
function hostWithPort(host: string, port: number): string {
  const bare = host.includes(":") ? `[${host}]` : host;
  return port === NUT_PORT ? bare : `${bare}:${port}`;
}

/**
 * The CERTHOST line, when this NUT reads it for this backend (OpenSSL: 2.8.6);
 * the port joins the host on 2.8.6 when it is not 3493, as the MONITOR line has it.
 */
export function certHostLines(target: MonitorTarget, port: number, version: NutVersion, backend: NutBackend): string[] {
  if (!accepts(version, "upsmon.conf", backend, "CERTHOST")) return [];
  const withPort = atLeast(version, SINCE.certHostPort) && port !== NUT_PORT;
  const host = withPort ? hostWithPort(target.host, port) : target.host;
  return [`CERTHOST ${confValue(host, "--monitor-host")} ${quoted(target.certName, "the server name")} 1 1`];
}
