/**
 * stunnel at both ends of a NUT link. NUT's own TLS is in-band (STARTTLS) and
 * stunnel speaks TLS from the first byte, so a server stunnel in front of upsd
 * and a client stunnel beside upsmon work as a pair, with mutual TLS: each side
 * verifies the other's chain against this CA.
 */
import { NutcaError } from "../errors.js";
import { isIpAddress, parseDnsName, parseIpAddress } from "../pki/names.js";
import { subjectAltNames } from "../pki/profiles.js";
import type { x509 } from "../pki/x509.js";
import { caBundlePem, chainPem, keyPem, MODE, octal } from "./bundle.js";
import type { Authority, Bundle, BundleFile, Identity } from "./bundle.js";
import { protectionLines } from "./security-render.js";

/** No port is registered for NUT over implicit TLS: 3494 sits beside upsd's 3493 and is unprivileged. */
export const STUNNEL_TLS_PORT = 3494;
export const NUT_PORT = 3493;
export const STUNNEL_INSTALL_DIR = "/etc/stunnel/nut";

export interface StunnelOptions {
  /** Where the files will live on the host; the conf names them by absolute path. */
  readonly installDir?: string;
  /** Default directly in /run: only Debian's SysV script recreates /run/stunnel4, and a missing dir is fatal. */
  readonly pidFile?: string;
  /** A CRL (PEM, `X509 CRL`) to check the peer against; CRLs come later, so no flag sets it yet. */
  readonly crlPem?: string;
  readonly accept?: string;
  readonly connect?: string;
}

export type HostPort = { readonly host: string; readonly port: number };

/** `host:port`, `[v6]:port` or `v6:port` (stunnel's own form: the last colon splits). */
export function parseHostPort(text: string, option: string): HostPort {
  const value = text.trim();
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(value);
  const split = value.lastIndexOf(":");
  const [hostText, portText] = bracketed
    ? [bracketed[1]!, bracketed[2]!]
    : split > 0
      ? [value.slice(0, split), value.slice(split + 1)]
      : ["", ""];
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : 0;
  if (!hostText || port < 1 || port > 65535) {
    throw new NutcaError("USAGE", `${option} ${JSON.stringify(text)} is not host:port`, `e.g. 127.0.0.1:${NUT_PORT}`);
  }
  const host = isIpAddress(hostText) || hostText.includes(":") ? parseIpAddress(hostText) : parseDnsName(hostText);
  return { host, port };
}

/** stunnel splits on the last colon, so an IPv6 host needs no brackets. */
export function stunnelAddress({ host, port }: HostPort): string {
  return `${host}:${port}`;
}

/** Paths are pasted into configs and shell command lines, so only plain absolute ones pass. */
export function plainPath(path: string, option: string): string {
  if (!/^\/[A-Za-z0-9._/+@:-]*$/.test(path)) {
    throw new NutcaError(
      "USAGE",
      `${option} ${JSON.stringify(path)} is not a plain absolute path`,
      "use an absolute path of letters, digits and . _ - + @ : only",
    );
  }
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export function checkInstallDir(dir: string): string {
  return plainPath(dir, "--install-dir");
}

/** The server certificate's SANs, IPs in canonical form so they compare with parsed input. */
export function serverNames(certificate: x509.X509Certificate): { dns: string[]; ip: string[] } {
  const { dns, ip } = subjectAltNames(certificate);
  const canonical = (address: string) => {
    try {
      return parseIpAddress(address);
    } catch {
      return address;
    }
  };
  return { dns: dns.map((name) => name.toLowerCase()), ip: ip.map(canonical) };
}

/** A clear refusal now instead of an opaque handshake failure on the host later. */
export function assertServerNamed(certificate: x509.X509Certificate, host: string, option: string): void {
  const names = serverNames(certificate);
  const known = isIpAddress(host) ? names.ip : names.dns;
  if (!known.includes(host)) {
    const all = [...names.dns, ...names.ip];
    throw new NutcaError(
      "USAGE",
      `${option} host ${host} is not in the server certificate (it names ${all.join(", ") || "nothing"})`,
      isIpAddress(host)
        ? "an IP address only matches an IP entry: use one of those names, or reissue the server with --ip"
        : "use one of those names, or reissue the server certificate with --dns",
    );
  }
}

export function stunnelServerBundle(identity: Identity, authority: Authority, options: StunnelOptions = {}): Bundle {
  if (identity.kind !== "server") throw kindError(identity, "server");
  const accept = parseHostPort(options.accept ?? `0.0.0.0:${STUNNEL_TLS_PORT}`, "--accept");
  const connect = parseHostPort(options.connect ?? `127.0.0.1:${NUT_PORT}`, "--connect");
  const side = sideFiles("server", identity, authority, options);
  const conf = [
    ...header(side, "upsmon/upsc -> client stunnel -> TLS, both ends verified -> THIS stunnel -> upsd"),
    "[nut-server]",
    `accept = ${stunnelAddress(accept)}`,
    `connect = ${stunnelAddress(connect)}`,
    ...tlsLines(side),
    "; On a server, verifyChain also requires a client certificate from this CA.",
    "verifyChain = yes",
    "sslVersionMin = TLSv1.2",
    "",
  ];
  const title = `nutca stunnel export: the SERVER side, for the upsd host "${identity.name}"`;
  const readme = [
    "  upsmon/upsc --> client stunnel 127.0.0.1:3493 ==TLS, mutual==>",
    `      this stunnel ${stunnelAddress(accept)} --> upsd ${stunnelAddress(connect)}`,
    "",
    ...installSteps(side),
    `upsd: listen only where this stunnel connects (upsd.conf: LISTEN ${connect.host} ${connect.port}) so`,
    `nothing reaches upsd unencrypted; open TCP ${accept.port} in the firewall. upsd's log now shows`,
    `every client as ${connect.host}; stunnel's log names the client certificate that connected.`,
    "",
    "Test from a client host with that client's files (the server must refuse it without -cert/-key):",
    `  openssl s_client -connect <this host>:${accept.port} -CAfile ca.pem -cert <client>.chain.pem \\`,
    "    -key <client>.key.pem -verify_return_error -quiet",
    "  then type: LIST UPS    (upsd answers BEGIN LIST UPS ...)",
    `Logs: journalctl -u stunnel@${side.service}`,
    "",
    ...protectionLines("stunnel-server"),
  ];
  return bundle("stunnel-server", side, conf, title, readme, [
    `Server stunnel: ${stunnelAddress(accept)} (TLS, client certificates required) -> upsd ${stunnelAddress(connect)}`,
    `Install stunnel.conf as /etc/stunnel/${side.service}.conf, then: systemctl enable --now stunnel@${side.service}`,
  ]);
}

export function stunnelClientBundle(
  identity: Identity,
  server: x509.X509Certificate,
  authority: Authority,
  options: StunnelOptions = {},
): Bundle {
  if (identity.kind !== "client") throw kindError(identity, "client");
  const names = serverNames(server);
  const defaultHost = names.dns[0] ?? names.ip[0];
  if (!options.connect && !defaultHost) {
    throw new NutcaError("USAGE", "the server certificate names no host", "pass --connect <host>:<port>");
  }
  const connect = parseHostPort(options.connect ?? `${defaultHost}:${STUNNEL_TLS_PORT}`, "--connect");
  assertServerNamed(server, connect.host, "--connect");
  const accept = parseHostPort(options.accept ?? `127.0.0.1:${NUT_PORT}`, "--accept");
  const check = isIpAddress(connect.host) ? `checkIP = ${connect.host}` : `checkHost = ${connect.host}`;
  const side = sideFiles("client", identity, authority, options);
  const conf = [
    ...header(side, "upsmon/upsc -> THIS stunnel -> TLS, both ends verified -> server stunnel -> upsd"),
    "[nut-client]",
    "client = yes",
    `accept = ${stunnelAddress(accept)}`,
    `connect = ${stunnelAddress(connect)}`,
    ...tlsLines(side),
    "verifyChain = yes",
    "; The server's certificate must name the host dialled above.",
    check,
    "sslVersionMin = TLSv1.2",
    "",
  ];
  const monitor = `${accept.host}${accept.port === NUT_PORT ? "" : `:${accept.port}`}`;
  const title = `nutca stunnel export: the CLIENT side "${identity.name}", for the server ${connect.host}`;
  const readme = [
    `  upsmon/upsc --> this stunnel ${stunnelAddress(accept)} ==TLS, mutual==> ${stunnelAddress(connect)}`,
    "      (the server stunnel) --> upsd",
    "",
    ...installSteps(side),
    `upsmon.conf: point the unmodified NUT client at this stunnel, in plaintext (stunnel does the TLS):`,
    `  MONITOR <ups>@${monitor} 1 <user> <password> secondary`,
    "No CERTVERIFY or FORCESSL for this MONITOR line: upsmon itself talks plaintext to localhost.",
    accept.port === NUT_PORT
      ? `If upsd also runs on this host, ${NUT_PORT} is taken: export again with --accept 127.0.0.1:3495.`
      : "",
    `The server stunnel must listen on port ${connect.port} (export it with a matching --accept).`,
    "",
    "Test:",
    `  upsc <ups>@${monitor} ups.status      (prints OL, OB, ...)`,
    `Logs: journalctl -u stunnel@${side.service}. "Subject checks failed" there: the server's certificate`,
    `does not name ${connect.host}; "Rejected by CERT": it is not from this CA.`,
    "",
    ...protectionLines("stunnel-client"),
  ];
  return bundle("stunnel-client", side, conf, title, readme, [
    `Client stunnel: ${stunnelAddress(accept)} (plaintext, local) -> ${stunnelAddress(connect)} (TLS, ${check})`,
    `upsmon.conf: MONITOR <ups>@${monitor} 1 <user> <password> secondary`,
    `Install stunnel.conf as /etc/stunnel/${side.service}.conf, then: systemctl enable --now stunnel@${side.service}`,
  ]);
}

interface Side {
  readonly role: "server" | "client";
  readonly service: string;
  readonly dir: string;
  readonly pidFile: string;
  readonly files: BundleFile[];
  readonly chain: string;
  readonly key: string;
  readonly crl: string | undefined;
}

const entry = (path: string, data: string, mode: number, purpose: string): BundleFile => ({
  path,
  data,
  mode,
  purpose,
});

function sideFiles(role: "server" | "client", identity: Identity, authority: Authority, options: StunnelOptions): Side {
  const service = `nut-${role}`;
  const [chain, key] = [`${identity.name}.chain.pem`, `${identity.name}.key.pem`];
  const files = [
    entry(chain, chainPem(identity, authority), MODE.publicFile, "certificate, then intermediates (cert =)"),
    entry(key, keyPem(identity), MODE.secret, "its private key, unencrypted (key =)"),
    entry("ca.pem", caBundlePem(authority), MODE.publicFile, "the CA bundle the peer must chain to (CAfile =)"),
  ];
  const crl = options.crlPem;
  if (crl !== undefined) {
    if (!/-----BEGIN X509 CRL-----/.test(crl)) {
      throw new NutcaError("BAD_FILE", "the CRL is not a PEM X509 CRL", "pass a CRL with the label X509 CRL");
    }
    files.push(
      entry("crl.pem", crl.endsWith("\n") ? crl : crl + "\n", MODE.publicFile, "revoked certificates (CRLfile =)"),
    );
  }
  const dir = checkInstallDir(options.installDir ?? STUNNEL_INSTALL_DIR);
  const pidFile = plainPath(options.pidFile ?? `/run/stunnel-${service}.pid`, "--pid-file");
  return { role, service, dir, pidFile, files, chain, key, crl: crl !== undefined ? "crl.pem" : undefined };
}

function at(side: Side, file: string): string {
  return side.dir === "/" ? `/${file}` : `${side.dir}/${file}`;
}

function header(side: Side, wiring: string): string[] {
  return [
    `; stunnel configuration written by nutca: the ${side.role} side of a NUT link.`,
    `; ${wiring}`,
    `; Debian: install as /etc/stunnel/${side.service}.conf; systemctl enable --now stunnel@${side.service}`,
    "",
    "; Debian's stunnel@.service is Type=simple, so stunnel must not fork (logs go to the journal).",
    "; For the SysV stunnel4 service, or to daemonize by hand, comment this out.",
    "foreground = yes",
    `pid = ${side.pidFile}`,
    "; To drop root after start-up, uncomment both and move the pid file to a directory",
    "; stunnel4 can write (the pid file is created after the switch). The key is installed",
    "; root:stunnel4 0640 so a reload (SIGHUP) can still read it.",
    ";setuid = stunnel4",
    ";setgid = stunnel4",
    "; More detail while setting up:",
    ";debug = info",
    "",
  ];
}

function tlsLines(side: Side): string[] {
  const crl = side.crl ? [`CRLfile = ${at(side, side.crl)}`] : [];
  return [`cert = ${at(side, side.chain)}`, `key = ${at(side, side.key)}`, `CAfile = ${at(side, "ca.pem")}`, ...crl];
}

function installSteps(side: Side): string[] {
  const others = ["ca.pem", ...(side.crl ? [side.crl] : [])].join(" ");
  return [
    "Install (as root). stunnel reads these at start-up as root; if you enable setuid = stunnel4 in",
    "stunnel.conf it re-reads them as stunnel4 on reload, hence the group. Without a stunnel4 group",
    "(not Debian), install the key -o root -g root -m 0600 and leave setuid off.",
    `  install -d -o root -g stunnel4 -m 0750 ${side.dir}`,
    `  install -o root -g root -m 0644 ${side.chain} ${others} ${side.dir}/`,
    `  install -o root -g stunnel4 -m 0640 ${side.key} ${side.dir}/`,
    `  install -o root -g root -m 0644 stunnel.conf /etc/stunnel/${side.service}.conf`,
    `  systemctl enable --now stunnel@${side.service}`,
    ...(side.crl ? ["After replacing crl.pem: systemctl kill -s HUP stunnel@" + side.service] : []),
    "",
  ];
}

/** The README opens with its title and the file list; `body` follows. */
function bundle(target: string, side: Side, conf: string[], title: string, body: string[], summary: string[]): Bundle {
  const files: BundleFile[] = [
    ...side.files,
    { path: "stunnel.conf", data: conf.join("\n"), mode: MODE.publicFile, purpose: "the stunnel configuration" },
  ];
  const listing = files.map((file) => `  ${file.path.padEnd(28)} ${octal(file.mode)}  ${file.purpose}`);
  const text = [title, "", "Files (modes as written here):", ...listing, "", ...body]
    .filter((line, i, all) => line !== "" || all[i - 1] !== "")
    .join("\n");
  files.push({ path: "README.txt", data: text + "\n", mode: MODE.publicFile, purpose: "install and test steps" });
  return { target, files, summary };
}

function kindError(identity: Identity, kind: "server" | "client"): NutcaError {
  return new NutcaError(
    "USAGE",
    `"${identity.name}" is a ${identity.kind} certificate, and this export needs a ${kind} certificate`,
    `issue one with nutca issue ${kind} <name>`,
  );
}
