/**
 * Roger Price's TLS shims (networkupstools/TLS-Shims): upsdTLS.py beside upsd,
 * upsmonTLS.py beside each client. Unlike mkNUTcert.py's one self-signed
 * certificate, the server keeps its own key and clients trust only the CA.
 */
import { isIPv4 } from "node:net";
import { posix } from "node:path";
import { NutcaError } from "../errors.js";
import { isIpAddress, parseDnsName, parseIpAddress } from "../pki/names.js";
import type { x509 } from "../pki/x509.js";
import { caBundlePem, chainPem, keyPem, MODE, octal, type Authority, type Bundle, type Identity } from "./bundle.js";
import { checkInstallDir, serverNames } from "./stunnel.js";
import { protectionLines } from "./security-render.js";

export const SHIM_INSTALL_DIR = "/etc/nut";
const join = posix.join;
/** Both shims hard-wire it: upsdTLS.py's --upsdport rejects every value and upsmonTLS.py always dials 401. */
export const SHIM_PORT = 401;

export interface ShimServerOptions {
  readonly installDir?: string;
  /** The IPv4 address upsdTLS.py listens on (it takes no IPv6); 0.0.0.0 is every interface. */
  readonly listen?: string;
}

export interface ShimClientOptions {
  readonly installDir?: string;
  /** The name upsmonTLS.py dials and checks the server certificate against. */
  readonly upsdname?: string;
}

/** The file stem the shims use by default: the server's host name. */
export function shimHostName(server: x509.X509Certificate, storeName: string): string {
  return serverNames(server).dns[0] ?? storeName;
}

export function shimServerBundle(identity: Identity, authority: Authority, options: ShimServerOptions = {}): Bundle {
  if (identity.kind !== "server") {
    throw new NutcaError(
      "USAGE",
      `"${identity.name}" is a ${identity.kind} certificate, and upsdTLS.py needs a server certificate`,
      "issue one with nutca issue server <name> --dns <host>",
    );
  }
  const dir = checkInstallDir(options.installDir ?? SHIM_INSTALL_DIR);
  const listen = (options.listen ?? "0.0.0.0").trim();
  if (!isIPv4(listen)) {
    throw new NutcaError(
      "USAGE",
      `--listen ${JSON.stringify(listen)} is not an IPv4 address`,
      "upsdTLS.py listens on IPv4 only",
    );
  }
  const host = shimHostName(identity.certificate, identity.name);
  const file = `${host}.cert.pem`;
  const command = `upsdTLS.py -s ${join(dir, file)} --listen ${listen} ${SHIM_PORT}`;
  // mkNUTcert.py's order (key, then certificate); the leaf stays the first certificate.
  const data = keyPem(identity) + chainPem(identity, authority);
  const readme = [
    `nutca shim export: upsdTLS.py on the upsd host "${identity.name}"`,
    "",
    `  ${file.padEnd(30)} ${octal(MODE.secret)}  the UNENCRYPTED private key, then the certificate and intermediates`,
    "",
    "upsdTLS.py loads this one file as both certificate and key, and re-reads it on every",
    "connection AFTER dropping to its run-as user (nut on Debian): that user must read it.",
    "Install (as root):",
    `  install -o nut -g nut -m 0600 ${file} ${dir}/`,
    `  (or -o root -g nut -m 0640; use the shim's run-as user if not nut: upsd on openSUSE, uucp on FreeBSD)`,
    "",
    "Run (as root; it binds port 401, then drops to nut and daemonizes):",
    `  ${command}`,
    "Do not pass --upsdport: the current upsdTLS.py rejects every value; it always relays to localhost:3493.",
    `It listens on ${listen}:${SHIM_PORT}; upsd keeps listening on localhost:3493 only. Open TCP ${SHIM_PORT} in the firewall.`,
    "",
    "systemd unit (e.g. /etc/systemd/system/upsdTLS.service):",
    "  [Unit]",
    "  After=nut-server.service",
    "  Requires=nut-server.service",
    "  [Service]",
    "  Type=forking",
    "  PIDFile=/run/nut/upsdTLS.pid",
    `  ExecStart=/usr/local/bin/${command}`,
    "  Restart=on-failure",
    "  [Install]",
    "  WantedBy=multi-user.target",
    "",
    "Clients: export their trust file with nutca export shim-client --server " + identity.name,
    "The shims use no client certificates: anyone who reaches port 401 may talk to upsd",
    "(still subject to upsd.users).",
    "",
    ...protectionLines("shim-server"),
  ];
  return {
    target: "shim-server",
    files: [
      {
        path: file,
        data,
        mode: MODE.secret,
        purpose: "upsdTLS.py -s file: key, certificate, intermediates (unencrypted key)",
      },
      { path: "README.txt", data: readme.join("\n"), mode: MODE.publicFile, purpose: "install and run steps" },
    ],
    summary: [
      `Install ${file} as ${join(dir, file)}, owner nut:nut, mode 0600 (upsdTLS.py re-reads it as nut)`,
      `Run: ${command}`,
    ],
  };
}

export function shimClientBundle(
  server: x509.X509Certificate,
  serverName: string,
  authority: Authority,
  options: ShimClientOptions = {},
): Bundle {
  const dir = checkInstallDir(options.installDir ?? SHIM_INSTALL_DIR);
  const names = serverNames(server);
  const warnings: string[] = [];
  let upsdname: string;
  if (options.upsdname !== undefined) {
    const text = options.upsdname.trim();
    upsdname = isIpAddress(text) ? parseIpAddress(text) : parseDnsName(text);
    if (![...names.dns, ...names.ip].includes(upsdname)) {
      throw new NutcaError(
        "USAGE",
        `--upsdname ${upsdname} is not in the server certificate of "${serverName}" (it names ${[...names.dns, ...names.ip].join(", ") || "nothing"})`,
        "use one of those names: upsmonTLS.py checks the certificate against --upsdname",
      );
    }
  } else if (names.dns[0]) {
    upsdname = names.dns[0];
  } else if (names.ip[0]) {
    upsdname = names.ip[0];
    warnings.push(
      `Warning: the server certificate of "${serverName}" has no DNS name; --upsdname ${upsdname} only works ` +
        "because it is an IP entry of the certificate (an IP never matches a DNS entry).",
    );
  } else {
    throw new NutcaError(
      "USAGE",
      `the server certificate of "${serverName}" names no host`,
      "reissue it with --dns <host>: upsmonTLS.py checks the certificate against --upsdname",
    );
  }
  const host = shimHostName(server, serverName);
  const file = `${host}-client.cert.pem`;
  const command = `upsmonTLS.py -c ${join(dir, file)} --upsdname ${upsdname}`;
  const readme = [
    `nutca shim export: upsmonTLS.py on a client of "${serverName}" (${upsdname})`,
    "",
    `  ${file.padEnd(30)} ${octal(MODE.publicFile)}  the CA certificates to trust (root included), no key`,
    "",
    "Install (as root; upsmonTLS.py reads it after dropping to nut, and it holds no secret):",
    `  install -o root -g root -m 0644 ${file} ${dir}/`,
    "",
    "Run (as root; it listens on 127.0.0.1:3493, then drops to nut and daemonizes):",
    `  ${command}`,
    `upsmonTLS.py dials ${upsdname} port ${SHIM_PORT} (upsdTLS.py on the server), checks the chain against this`,
    "file and the certificate against --upsdname. The name must resolve to an IPv4 address when",
    "upsmonTLS.py starts. Do not pass --upsdport: the current version rejects every value.",
    "",
    "upsmon.conf: point the unmodified NUT client at the shim, in plaintext:",
    "  MONITOR <ups>@127.0.0.1 1 <user> <password> secondary",
    "If upsd also runs on this host, 3493 is taken: run upsmonTLS.py with --listen 127.0.0.1 <port>",
    "and MONITOR <ups>@127.0.0.1:<port>.",
    "",
    "upsmonTLS.py EXITS after a failed handshake (server down, certificate mismatch): run it under",
    "systemd with a restart policy, e.g. /etc/systemd/system/upsmonTLS.service:",
    "  [Unit]",
    "  After=network-online.target",
    "  Wants=network-online.target",
    "  Before=nut-monitor.service",
    "  [Service]",
    "  Type=forking",
    "  PIDFile=/run/upsmonTLS.pid",
    `  ExecStart=/usr/local/bin/${command}`,
    "  Restart=always",
    "  RestartSec=10",
    "  [Install]",
    "  WantedBy=multi-user.target",
    "",
    "Test: upsc <ups>@127.0.0.1 ups.status   (prints OL, OB, ...); the shim logs to /var/log/NUT.log.",
    "",
    ...protectionLines("shim-client"),
  ];
  return {
    target: "shim-client",
    files: [
      {
        path: file,
        data: caBundlePem(authority),
        mode: MODE.publicFile,
        purpose: "upsmonTLS.py -c file: the CA bundle",
      },
      { path: "README.txt", data: readme.join("\n"), mode: MODE.publicFile, purpose: "install and run steps" },
    ],
    summary: [...warnings, `Install ${file} as ${join(dir, file)} (0644)`, `Run: ${command}`],
  };
}
