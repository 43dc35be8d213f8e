/**
 * A upsmon host's files (nut-tls.md): for OpenSSL builds a CApath directory of
 * subject-hash names, for NSS builds a database trusting the CA `CT,,` plus the
 * CERTHOST line that names the server as its certificate does. NSS checks that
 * name against the server's SANs, so a MONITOR host that is not one of them is
 * refused here rather than left to fail as "SSL is not available".
 */
import { posix } from "node:path";
import { isIpAddress, parseIpAddress } from "../pki/names.js";
import { subjectAltNames } from "../pki/profiles.js";
import { NutcaError } from "../errors.js";
import { chainPem, keyPem, MODE, type Authority, type Bundle, type BundleFile, type Identity } from "./bundle.js";
import { hashedCaDirectory } from "./hashed-dir.js";
import {
  backendCheck,
  checkInstallDir,
  confValue,
  fileList,
  installDirs,
  knownLimits,
  nssInstallSteps,
  nssMaterialFiles,
  quoted,
  readmeFile,
  sh,
  snippetText,
  type NssLayout,
  type NssMaterial,
} from "./nut-common.js";
import { protectionLines } from "./security-render.js";

export interface UpsmonInput {
  /** The upsd host's certificate: its SANs are the names a MONITOR line may use. */
  readonly server: Pick<Identity, "name" | "certificate">;
  readonly authority: Authority;
  readonly installDir: string;
  readonly backendNote: string;
  /** The host part of the MONITOR line, as written there; default: the server certificate's first name. */
  readonly monitorHost?: string | undefined;
  /** A client certificate for upsmon to present (NUT 2.8.6+ OpenSSL builds, or NSS CERTIDENT). */
  readonly client?: Identity | undefined;
}

export interface UpsmonNssInput extends UpsmonInput {
  /** Nickname of the client certificate in the database. */
  readonly nickname: string;
  /** The DB password: "" when there is no client key to protect. Written only into the snippet. */
  readonly password: string;
  readonly nss: NssMaterial;
}

export const DEFAULT_CLIENT_NICKNAME = "nut-client";

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

export function upsmonOpensslBundle(input: UpsmonInput): Bundle {
  const dir = checkInstallDir(input.installDir);
  const target = monitorTarget(input.server, input.monitorHost);
  const certsDir = posix.join(dir, "certs");
  const pemPath = posix.join(dir, "upsmon.pem");
  const snippet = snippetText("upsmon.conf", input.server.name, "OpenSSL", [
    monitorComment(target.host),
    `CERTPATH ${confValue(certsDir, "--install-dir")}`,
    "CERTVERIFY 1",
    "FORCESSL 1",
    ...(input.client
      ? ["# NUT 2.8.6 and later only (older upsmon rejects it): the client certificate", `# CERTFILE ${pemPath}`]
      : []),
  ]);
  const files: BundleFile[] = [
    ...hashedCaDirectory("certs", input.authority),
    { path: "upsmon.conf.snippet", data: snippet, mode: MODE.publicFile, purpose: "lines for upsmon.conf" },
  ];
  if (input.client) {
    files.push({
      path: "upsmon.pem",
      data: chainPem(input.client, input.authority) + keyPem(input.client),
      mode: MODE.groupSecret,
      purpose: "client certificate, intermediates, key (CERTFILE, NUT 2.8.6+)",
    });
  }
  const readme = [
    `nutca export: upsmon, to monitor "${input.server.name}", NUT built with OpenSSL`,
    "",
    ...fileList(files),
    "",
    "certs/ is an OpenSSL CApath: each CA certificate under its subject-hash name (openssl x509 -hash).",
    "Keep the names: a bundle file or renamed files load without error and then fail every check.",
    "",
    ...backendCheck("upsmon", "openssl"),
    "2. Install (as root, from this directory):",
    ...installDirs(dir, [certsDir]),
    `     install -o root -g nut -m 0644 certs/* ${sh(certsDir)}/`,
    ...(input.client ? [`     install -o root -g nut -m 0640 upsmon.pem ${sh(pemPath)}`] : []),
    "",
    ...monitorSteps(target, "openssl", sanList(input.server)),
    ...knownLimits(),
    ...protectionLines("upsmon:openssl"),
  ];
  files.push(readmeFile(readme));
  return {
    target: "upsmon",
    files,
    summary: [
      `Backend: ${input.backendNote}`,
      `MONITOR lines should name the server by a name in its certificate (${sanList(input.server).join(", ")}).`,
      "Add upsmon.conf.snippet to upsmon.conf: see README.txt.",
    ],
  };
}

export function upsmonNssBundle(input: UpsmonNssInput): Bundle {
  const dir = checkInstallDir(input.installDir);
  const target = monitorTarget(input.server, input.monitorHost);
  const layout: NssLayout = {
    program: "upsmon",
    dbName: "upsmon-nssdb",
    installDir: dir,
    identity: input.client ? { nickname: input.nickname, usage: "C" } : undefined,
    password: input.password !== "",
  };
  const dbDir = posix.join(dir, layout.dbName);
  const snippet = snippetText("upsmon.conf", input.server.name, "NSS", [
    ...(layout.password ? ["# SECRET: CERTIDENT holds the NSS database password. Keep this file root:nut 0640."] : []),
    monitorComment(target.host),
    `CERTPATH ${confValue(dbDir, "--install-dir")}`,
    ...(input.client
      ? [`CERTIDENT ${quoted(input.nickname, "the nickname")} ${quoted(input.password, "the NSS database password")}`]
      : []),
    `CERTHOST ${confValue(target.host, "--monitor-host")} ${quoted(target.certName, "the server name")} 1 1`,
    "CERTVERIFY 1",
    "FORCESSL 1",
  ]);
  const files: BundleFile[] = [
    ...nssMaterialFiles(input.nss, layout, input.authority),
    {
      path: "upsmon.conf.snippet",
      data: snippet,
      mode: layout.password ? MODE.groupSecret : MODE.publicFile,
      purpose: layout.password ? "lines for upsmon.conf; SECRET: holds the NSS DB password" : "lines for upsmon.conf",
    },
  ];
  const built = input.nss.kind === "database";
  const readme = [
    `nutca export: upsmon, to monitor "${input.server.name}", NUT built with NSS`,
    "",
    ...fileList(files),
    "",
    "The NSS database trusts the CA for TLS servers (CT,,)" +
      (input.client ? ` and holds the client certificate and key as "${input.nickname}".` : "."),
    layout.password
      ? "Its password is written only in upsmon.conf.snippet (the CERTIDENT line): that file is a secret."
      : "Its password is empty: it holds no key.",
    "",
    ...backendCheck("upsmon", "nss"),
    ...nssInstallSteps(layout, input.nss),
    ...monitorSteps(target, "nss", sanList(input.server)),
    ...knownLimits(),
    ...protectionLines("upsmon:nss"),
  ];
  files.push(readmeFile(readme));
  return {
    target: "upsmon",
    files,
    directories: built ? [{ path: layout.dbName, mode: 0o750 }] : [],
    summary: [
      `Backend: ${input.backendNote}`,
      built
        ? `NSS database built with certutil/pk12util in ${layout.dbName}/: install it as ${dbDir} (root:nut 0750/0640).`
        : `No NSS database built: ${input.nss.kind === "script" ? input.nss.reason : ""}; ` +
          "build-nssdb.sh builds it on the upsmon host (see README.txt).",
      `MONITOR lines must name the server exactly as ${target.host} (CERTHOST matches it case-sensitively).`,
      ...(layout.password ? ["upsmon.conf.snippet holds the NSS database password: it is a secret (mode 0640)."] : []),
    ],
  };
}

function sanList(server: Pick<Identity, "certificate">): string[] {
  const sans = subjectAltNames(server.certificate);
  return [...sans.dns, ...sans.ip];
}

function monitorComment(host: string): string {
  return `# MONITOR <ups>@${host.includes(":") ? `[${host}]` : host}[:<port>] 1 <user> <password> secondary`;
}

function monitorSteps(
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
