/**
 * nutauth.conf for NUT 2.8.6's clients (upsc, upscmd, upsrw, upslog, the CGIs,
 * PyNUT; nut-tls.md "2.8.6 details"): one section per server naming what to
 * trust (CERTPATH: a hashed CA dir for OpenSSL, an NSS db for NSS), the name
 * its certificate must carry (CERTHOST, one of its SANs), and that TLS and
 * verification are required. Without such a section those clients verify
 * nothing, so every value here is one a client can only tighten.
 */
import { posix } from "node:path";
import { NutcaError } from "../errors.js";
import { chainPem, keyPem, MODE, type Authority, type Bundle, type BundleFile, type Identity } from "./bundle.js";
import { hashedCaDirectory } from "./hashed-dir.js";
import {
  checkInstallDir,
  confValue,
  fileList,
  NSS_DB_FILES,
  quoted,
  readmeFile,
  sh,
  type NssDbFiles,
} from "./nut-common.js";
import { protectionLines } from "./security-render.js";
import { monitorTarget } from "./upsmon-monitor.js";

export const NUTAUTH_PORT = 3493;
const CERTS_DIR = "nutauth-certs";
const NSS_DB_DIR = "nutauth-nssdb";
const CLIENT_PEM = "nutauth.pem";

export interface NutauthServer {
  /** The upsd host's certificate: its SANs are the names clients may connect to. */
  readonly certificate: Pick<Identity, "name" | "certificate">;
  /** The host as clients write it (upsc ups@HOST); default: the certificate's first name. */
  readonly host?: string | undefined;
}

export interface NutauthInput {
  readonly servers: readonly NutauthServer[];
  readonly authority: Authority;
  readonly installDir: string;
  readonly port: number;
  readonly backendNote: string;
  /** A client certificate the clients present (upsd CERTREQUEST). */
  readonly client?: Identity | undefined;
  /** USER and PASS for upscmd/upsrw; the section is then [user@host:port]. */
  readonly credentials?: { readonly user: string; readonly password: string } | undefined;
}

export interface NutauthNssInput extends NutauthInput {
  /** The database, built with certutil: CA trusted CT,, and, with a client, its certificate and key. */
  readonly db: NssDbFiles;
  /** Nickname of the client certificate in the database. */
  readonly nickname: string;
  /** The database password (CERTIDENT_PASS); "" without a client key. */
  readonly password: string;
}

export const DEFAULT_NUTAUTH_NICKNAME = "nut-client";

interface Section {
  readonly name: string;
  /** host:port as clients write it. */
  readonly address: string;
  readonly certHost: string;
  readonly lines: readonly string[];
}

/** Refuses, before anything is built, a host that is not a SAN of its server's certificate, a bad port or user. */
export function checkNutauthInput(input: Pick<NutauthInput, "servers" | "port" | "credentials">): void {
  for (const server of input.servers) monitorTarget(server.certificate, server.host);
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) {
    throw new NutcaError("USAGE", `--port ${input.port} is not a TCP port`, "pass 1-65535 (NUT's default is 3493)");
  }
  if (input.credentials) {
    const { user, password } = input.credentials;
    if (!/^[A-Za-z0-9_.+-]+$/.test(user)) {
      throw new NutcaError("USAGE", `--user ${user} is not a upsd.users name`, "use letters, digits, _ . + -");
    }
    asciiValue(password, "the password");
  }
}

export function nutauthOpensslBundle(input: NutauthInput): Bundle {
  const dir = checkInstallDir(input.installDir);
  const certsDir = posix.join(dir, CERTS_DIR);
  const pemPath = posix.join(dir, CLIENT_PEM);
  const tls = [
    "SSLBACKEND = openssl",
    `CERTPATH = ${confValue(certsDir, "--install-dir")}`,
    ...(input.client ? [`CERTFILE = ${confValue(pemPath, "--install-dir")}`] : []),
  ];
  const files: BundleFile[] = [...hashedCaDirectory(CERTS_DIR, input.authority)];
  if (input.client) {
    files.push({
      path: CLIENT_PEM,
      data: chainPem(input.client, input.authority) + keyPem(input.client),
      mode: MODE.secret,
      purpose: "client certificate, intermediates, key (CERTFILE)",
    });
  }
  const install = [
    `     install -d -m 0755 ${sh(certsDir)}`,
    `     install -m 0644 ${CERTS_DIR}/* ${sh(certsDir)}/`,
    ...(input.client ? [`     install -m 0600 ${CLIENT_PEM} ${sh(pemPath)}`] : []),
  ];
  const trust = [
    `${CERTS_DIR}/ is an OpenSSL CApath: each CA certificate under its subject-hash name. Keep the names.`,
  ];
  return bundle(input, { backend: "openssl", tls, trustFiles: files, install, trust });
}

export function nutauthNssBundle(input: NutauthNssInput): Bundle {
  const dir = checkInstallDir(input.installDir);
  const dbDir = posix.join(dir, NSS_DB_DIR);
  const tls = [
    "SSLBACKEND = nss",
    `CERTPATH = ${confValue(dbDir, "--install-dir")}`,
    ...(input.client
      ? [
          `CERTIDENT_NAME = ${quoted(input.nickname, "the nickname")}`,
          `CERTIDENT_PASS = ${quoted(asciiValue(input.password, "the NSS database password"), "the password")}`,
        ]
      : []),
  ];
  const files: BundleFile[] = NSS_DB_FILES.map((name) => ({
    path: `${NSS_DB_DIR}/${name}`,
    data: input.db[name],
    mode: MODE.secret,
    purpose: name === "key4.db" && input.client ? "NSS database: the client key" : "NSS database",
  }));
  const install = [
    `     install -d -m 0700 ${sh(dbDir)}`,
    `     install -m 0600 ${NSS_DB_FILES.map((name) => `${NSS_DB_DIR}/${name}`).join(" ")} ${sh(dbDir)}/`,
  ];
  const trust = [
    `${NSS_DB_DIR}/ trusts the CA for TLS servers (CT,,)` +
      (input.client ? ` and holds the client certificate and key as "${input.nickname}";` : "."),
    ...(input.client ? ["its password is written only in nutauth.conf and nutauth.d/ (CERTIDENT_PASS): secrets."] : []),
  ];
  return bundle(input, { backend: "nss", tls, trustFiles: files, install, trust });
}

/** What differs between the backends: the TLS lines, the trust files, their install lines and README lines. */
interface BackendParts {
  readonly backend: "openssl" | "nss";
  readonly tls: readonly string[];
  readonly trustFiles: readonly BundleFile[];
  readonly install: readonly string[];
  readonly trust: readonly string[];
}

function bundle(input: NutauthInput, { backend, tls, trustFiles, install, trust }: BackendParts): Bundle {
  const dir = checkInstallDir(input.installDir);
  const sections = input.servers.map((server) => section(input, server, tls));
  const header = `# nutauth.conf from nutca (NUT 2.8.6 clients, ${backend === "nss" ? "NSS" : "OpenSSL"} build)`;
  const files: BundleFile[] = [
    {
      path: "nutauth.conf",
      data: [header, ...sections.flatMap((item) => ["", ...item.lines])].join("\n") + "\n",
      mode: MODE.secret,
      purpose: "the clients' TLS settings, one section per server",
    },
    ...sections.map((item) => ({
      path: `nutauth.d/${item.name}.conf`,
      data: [`# nutauth.conf sections from nutca for "${item.name}"`, ...item.lines].join("\n") + "\n",
      mode: MODE.secret,
      purpose: `the section for "${item.name}" alone, to INCLUDE`,
    })),
    ...trustFiles,
  ];
  const conf = posix.join(dir, "nutauth.conf");
  const readme = [
    `nutca export: nutauth.conf, for NUT clients of ${input.servers.map((s) => `"${s.certificate.name}"`).join(", ")}`,
    "",
    ...fileList(files),
    "",
    ...trust,
    "",
    "Which clients read it: upsc, upscmd, upsrw, upslog, the CGIs and PyNUT of NUT 2.8.6 and later.",
    "OLDER NUT IGNORES IT: there upsc and friends verify nothing, whatever this file says.",
    "upsmon does not read it (export upsmon for that).",
    "",
    "Where they look, first found wins:",
    "  -A FILE                          (then required; -A none: no file, nothing verified)",
    "  $NUT_AUTHCONF_FILE",
    "  $NUT_AUTHCONF_PATH/nutauth.conf",
    "  ~/.config/nut/nutauth.conf, then ~/.nutauth.conf",
    "  $NUT_CONFPATH/nutauth.conf       (the NUT config dir, e.g. /etc/nut)",
    "Past -A, a file that is absent is silently skipped and the client then verifies nothing.",
    "",
    "1. Install (as the user who runs the clients, from this directory; nutauth.conf holds",
    "   passwords and is read by that user, so it is 0600):",
    `     install -d -m 0755 ${sh(dir)}`,
    ...install,
    `     install -m 0600 nutauth.conf ${sh(conf)}`,
    "   Or, with a nutauth.conf there already, keep it, install nutauth.d/ beside it:",
    `     install -d -m 0700 ${sh(posix.join(dir, "nutauth.d"))}`,
    `     install -m 0600 nutauth.d/* ${sh(posix.join(dir, "nutauth.d"))}/`,
    "   and add for each server the line (absolute: a relative INCLUDE is read from the client's",
    "   working directory, not from beside nutauth.conf):",
    ...sections.map(
      (item) => `     INCLUDE ${confValue(posix.join(dir, "nutauth.d", `${item.name}.conf`), "--install-dir")}`,
    ),
    "",
    "2. Check (nothing to restart: every client reads the file when it starts):",
    ...sections.map((item) => `     upsc -A ${sh(conf)} <ups>@${item.address} ups.status`),
    `   prints "Connected to NUT server ... in SSL" and the status; a server of another CA, or one`,
    "   whose certificate does not carry CERTHOST, is refused (OpenSSL: 'SSL error', NSS:",
    "   'Certificate validation failed'). OpenSSL builds also accept a certificate that names the host",
    "   as the client wrote it; NSS builds need both. Never drop CERTHOST: without it an OpenSSL",
    "   client says 'Certificate verification (by client) is disabled'.",
    "   The host and port of the section must be those the clients write (upsc ups@HOST:PORT).",
    "",
    ...protectionLines(`nutauth:${backend}`),
  ];
  files.push(readmeFile(readme));
  return {
    target: "nutauth",
    files,
    summary: [
      `Backend: ${input.backendNote}`,
      ...sections.map((item) => `${item.address}: the certificate must carry ${item.certHost} (CERTHOST)`),
      "nutauth.conf is read by NUT 2.8.6+ clients only (upsc -A FILE, or see README.txt); older NUT ignores it.",
    ],
  };
}

/**
 * The server's section; with credentials also a [user@host:port] one, since upsc (which logs in as
 * nobody) does not use a user's section and would then verify nothing. Both carry the TLS lines.
 */
function section(input: NutauthInput, server: NutauthServer, tls: readonly string[]): Section {
  const target = monitorTarget(server.certificate, server.host);
  const address = `${target.host.includes(":") ? `[${target.host}]` : target.host}:${input.port}`;
  const verify = [
    ...tls,
    `CERTHOST = ${quoted(target.certName, "the server name")}`,
    "CERTVERIFY = on",
    "FORCESSL = on",
  ];
  const lines = [`[@${address}]`, ...verify];
  if (input.credentials) {
    const { user, password } = input.credentials;
    lines.push("", `[${user}@${address}]`, `PASS = ${quoted(asciiValue(password, "the password"), "the password")}`);
    lines.push(...verify);
  }
  return { name: server.certificate.name, address, certHost: target.certName, lines };
}

/** nutauth.conf must be pure ASCII (nutauth.conf(5)). */
function asciiValue(value: string, what: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new NutcaError("USAGE", `${what} is not printable ASCII`, "nutauth.conf must be pure ASCII: choose another");
  }
  return value;
}
