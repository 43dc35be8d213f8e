/**
 * A upsmon host's files (nut-tls.md): for OpenSSL builds a CApath directory of
 * subject-hash names, for NSS builds a database trusting the CA `CT,,` plus the
 * CERTHOST line that names the server as its certificate does. NSS checks that
 * name against the server's SANs, so a MONITOR host that is not one of them is
 * refused here rather than left to fail as "SSL is not available".
 */
import { posix } from "node:path";
import { accepts, versionText } from "../nut/directives.js";
import { DEFAULT_NUT_TARGET, DEFAULT_NUT_VERSION, type NutTarget } from "../nut/version.js";
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
import { exportCommand, nssDbEntries, withInstaller, type Installer } from "./install-script.js";
import { certHostLines, monitorComment, monitorSteps, monitorTarget, NUT_PORT, sanList } from "./upsmon-monitor.js";

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
  /** The port of the MONITOR line (default 3493): NUT 2.8.6's CERTHOST names it when it is another. */
  readonly port?: number | undefined;
  /** The host's NUT; default: Debian 12's. */
  readonly nut?: NutTarget | undefined;
}

export interface UpsmonNssInput extends UpsmonInput {
  /** Nickname of the client certificate in the database. */
  readonly nickname: string;
  /** The DB password: "" when there is no client key to protect. Written only into the snippet. */
  readonly password: string;
  readonly nss: NssMaterial;
}

export const DEFAULT_CLIENT_NICKNAME = "nut-client";

export function upsmonOpensslBundle(input: UpsmonInput): Bundle {
  const dir = checkInstallDir(input.installDir);
  const target = monitorTarget(input.server, input.monitorHost);
  const certsDir = posix.join(dir, "certs");
  const pemPath = posix.join(dir, "upsmon.pem");
  const nut = input.nut ?? DEFAULT_NUT_TARGET;
  const port = input.port ?? NUT_PORT;
  const certFile = accepts(nut.version, "upsmon.conf", "openssl", "CERTFILE");
  const snippet = snippetText("upsmon.conf", input.server.name, "OpenSSL", [
    monitorComment(target.host, port),
    `CERTPATH ${confValue(certsDir, "--install-dir")}`,
    ...certHostLines(target, port, nut.version, "openssl"),
    "CERTVERIFY 1",
    "FORCESSL 1",
    ...(input.client && certFile ? [`CERTFILE ${confValue(pemPath, "--install-dir")}`] : []),
    ...(input.client && !certFile
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
    ...(input.client
      ? [
          "upsmon.pem (leaf, chain, key) is what upsmon presents to a upsd that asks for client certificates",
          "(CERTREQUEST); upsmon reads it as the nut user: root:nut 0640.",
          "",
        ]
      : []),
    ...monitorSteps(target, "openssl", sanList(input.server)),
    ...knownLimits(),
    ...protectionLines("upsmon:openssl"),
  ];
  files.push(readmeFile(readme));
  const bundle = {
    target: "upsmon",
    files,
    summary: [
      `Backend: ${input.backendNote}`,
      `NUT version: ${nut.note}`,
      `MONITOR lines should name the server by a name in its certificate (${sanList(input.server).join(", ")}).`,
      "Add upsmon.conf.snippet to upsmon.conf: see README.txt.",
    ],
  };
  const hashed = files.filter((file) => file.path.startsWith("certs/"));
  return withInstaller(bundle, {
    target: "upsmon",
    name: input.server.name,
    files: [
      ...hashed.map((file) => ({
        source: file.path,
        dest: posix.join(dir, file.path),
        mode: MODE.publicFile,
        group: "service" as const,
      })),
      ...(input.client
        ? [{ source: "upsmon.pem", dest: pemPath, mode: MODE.groupSecret, group: "service" as const }]
        : []),
    ],
    dirs: [
      { dest: dir, mode: 0o750, group: "service" },
      { dest: certsDir, mode: 0o750, group: "service" },
    ],
    nut: upsmonInstall(input, nut, "openssl", target.host, dir, false),
  });
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
  const nut = input.nut ?? DEFAULT_NUT_TARGET;
  const port = input.port ?? NUT_PORT;
  const snippet = snippetText("upsmon.conf", input.server.name, "NSS", [
    ...(layout.password ? ["# SECRET: CERTIDENT holds the NSS database password. Keep this file root:nut 0640."] : []),
    monitorComment(target.host, port),
    `CERTPATH ${confValue(dbDir, "--install-dir")}`,
    ...(input.client
      ? [`CERTIDENT ${quoted(input.nickname, "the nickname")} ${quoted(input.password, "the NSS database password")}`]
      : []),
    ...certHostLines(target, port, nut.version, "nss"),
    "CERTVERIFY 1",
    "FORCESSL 1",
  ]);
  const files: BundleFile[] = [
    ...nssMaterialFiles(input.nss, layout, input.authority, { identity: input.client, password: input.password }),
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
  const bundle = {
    target: "upsmon",
    files,
    directories: built ? [{ path: layout.dbName, mode: 0o750 }] : [],
    summary: [
      `Backend: ${input.backendNote}`,
      `NUT version: ${nut.note}`,
      built
        ? `NSS database built with certutil/pk12util in ${layout.dbName}/: install it as ${dbDir} (root:nut 0750/0640).`
        : `No NSS database built: ${input.nss.kind === "script" ? input.nss.reason : ""}; ` +
          "build-nssdb.sh builds it on the upsmon host (see README.txt).",
      `MONITOR lines must name the server exactly as ${target.host} (CERTHOST matches it case-sensitively).`,
      ...(layout.password ? ["upsmon.conf.snippet holds the NSS database password: it is a secret (mode 0640)."] : []),
    ],
  };
  return withInstaller(bundle, {
    target: "upsmon",
    name: input.server.name,
    ...nssDbEntries(dir, layout.dbName, built),
    nut: upsmonInstall(input, nut, "nss", target.host, dir, !built),
  });
}

function upsmonInstall(
  input: UpsmonInput,
  nut: NutTarget,
  backend: "openssl" | "nss",
  host: string,
  dir: string,
  buildsNssDb: boolean,
): Installer["nut"] {
  const words = ["upsmon", "--server", input.server.name, "--monitor-host", host];
  if (input.port !== undefined && input.port !== NUT_PORT) words.push("--port", String(input.port));
  if (input.client) words.push("--client", input.client.name);
  if (versionText(nut.version) !== DEFAULT_NUT_VERSION) words.push("--nut-version", versionText(nut.version));
  return {
    backend,
    exportCommand: exportCommand(...words, "--install-dir", dir),
    snippet: "upsmon.conf.snippet",
    certHost: host,
    buildsNssDb,
  };
}
