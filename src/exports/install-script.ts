/**
 * install.sh for a host bundle: what the export knows (files and their places,
 * the config snippet, the daemon, the backend) rendered as shell variables in
 * front of the fixed POSIX sh of install-sh/. Pure: the script is one more
 * file of the bundle, and the README says how to run it.
 */
import { posix } from "node:path";
import { NutcaError } from "../errors.js";
import type { NutBackend } from "../nut/backend.js";
import { rejectionsFor, TLS_DIRECTIVES, versionNumber, type NutConfFile } from "../nut/directives.js";
import { FAILURE_LINES, UPSMON_CONNECTED } from "../nut/log-signs.js";
import { MODE, octal, type Bundle, type BundleFile } from "./bundle.js";
import { README_HEADING } from "./security-render.js";
import { APPLY_PART } from "./install-sh/apply.js";
import { PLAN_PART } from "./install-sh/plan.js";
import { PREFLIGHT_PART } from "./install-sh/preflight.js";
import { USAGE_PART } from "./install-sh/usage.js";
import { NSS_STAMP_NAME, sh } from "./nut-common.js";

export type HostTarget = "upsd" | "upsmon" | "stunnel-server" | "stunnel-client" | "shim-server" | "shim-client";

/** `service`: the daemon's group (the NUT user's, or stunnel4 where it exists); else root. */
export type InstallGroup = "service" | "root";

export interface InstallFile {
  /** Its path in the bundle; `built:<name>` for a file of the NSS database build-nssdb.sh makes on the host. */
  readonly source: string;
  readonly dest: string;
  readonly mode: number;
  readonly group: InstallGroup;
}

export interface InstallDir {
  readonly dest: string;
  readonly mode: number;
  readonly group: InstallGroup;
}

export interface Installer {
  readonly target: HostTarget;
  /** The certificate's name: it names nutca's block in the config file. */
  readonly name: string;
  readonly files: readonly InstallFile[];
  /** Created (or given this owner and mode) before the files, parents first. */
  readonly dirs: readonly InstallDir[];
  /** For upsd and upsmon: the binary checked by preflight and the snippet merged into its config. */
  readonly nut?: {
    readonly backend: NutBackend;
    /** The export command for this host, without --backend: preflight's advice on a backend mismatch. */
    readonly exportCommand: string;
    readonly snippet: string;
    /** upsmon: the MONITOR host, whose CERTHOST lines outside the block are commented out. */
    readonly certHost?: string;
    /** The database is built on the host (no certutil where the export was made). */
    readonly buildsNssDb?: boolean;
  };
  /** stunnel: its conf file, installed whole into the stunnel config directory. */
  readonly stunnel?: { readonly conf: string; readonly service: string; readonly pidFile: string };
}

interface Service {
  readonly program: "upsd" | "upsmon" | "";
  readonly unit: string;
  readonly openrc: string;
  readonly freebsd: string;
  readonly initd: string;
  readonly process: string;
  readonly pidFile: string;
}

const NUT_CONF_DIRS = "/etc/nut /etc/ups /usr/local/etc/nut /usr/local/ups/etc";
const NUT_BINARIES: Record<"upsd" | "upsmon", string> = {
  upsd: "/lib/nut/upsd /usr/lib/nut/upsd /usr/sbin/upsd /usr/local/sbin/upsd",
  upsmon: "/lib/nut/upsmon /usr/lib/nut/upsmon /sbin/upsmon /usr/sbin/upsmon /usr/local/sbin/upsmon",
};
/** Seconds between the restart and the first look at the daemon. */
const SETTLE_SECONDS = 3;

function serviceOf(installer: Installer): Service {
  const shim = (process: string, pidFile: string): Service => ({
    program: "",
    unit: process.replace(/\.py$/, ""),
    openrc: "",
    freebsd: "",
    initd: "",
    process,
    pidFile,
  });
  switch (installer.target) {
    case "upsd":
      return {
        program: "upsd",
        unit: "nut-server",
        openrc: "nut-upsd",
        freebsd: "nut",
        initd: "nut-server",
        process: "upsd",
        pidFile: "/run/nut/upsd.pid",
      };
    case "upsmon":
      return {
        program: "upsmon",
        unit: "nut-monitor",
        openrc: "nut-upsmon",
        freebsd: "nut_upsmon",
        initd: "nut-client",
        process: "upsmon",
        pidFile: "/run/nut/upsmon.pid",
      };
    case "shim-server":
      return shim("upsdTLS.py", "/run/nut/upsdTLS.pid");
    case "shim-client":
      return shim("upsmonTLS.py", "/run/upsmonTLS.pid");
    default: {
      const stunnel = installer.stunnel!;
      return {
        program: "",
        unit: `stunnel@${stunnel.service}`,
        openrc: "stunnel",
        freebsd: "stunnel",
        initd: "stunnel4",
        process: "stunnel4",
        pidFile: stunnel.pidFile,
      };
    }
  }
}

/** The bundle with install.sh added and the README telling how to run it. */
export function withInstaller(bundle: Bundle, installer: Installer): Bundle {
  const script: BundleFile = {
    path: "install.sh",
    data: installScript(bundle, installer),
    mode: MODE.script,
    purpose: "installs, merges the config, restarts, verifies, rolls back (sh install.sh --help)",
  };
  const files = bundle.files.map((file) =>
    file.path === "README.txt" ? { ...file, data: withInstallSteps(String(file.data), installer) } : file,
  );
  return { ...bundle, files: [...files, script] };
}

/** The install.sh paragraph goes before the README's closing "What this protects" section. */
function withInstallSteps(readme: string, installer: Installer): string {
  const paragraph = readmeLines(installer).join("\n");
  const closing = readme.lastIndexOf(`\n${README_HEADING}\n`);
  if (closing < 0) return readme.replace(/\n*$/, "\n\n") + paragraph;
  return readme.slice(0, closing).replace(/\n*$/, "\n\n") + paragraph + "\n" + readme.slice(closing);
}

function readmeLines(installer: Installer): string[] {
  const checks = installer.nut
    ? "root, the nut user, the NUT binary's TLS backend and version"
    : "root, the run-as group";
  const merge = installer.nut
    ? [
        `merges the snippet into ${installer.target}.conf as a '# BEGIN nutca' block (the same directives`,
        "elsewhere are commented out with '# nutca:'),",
      ]
    : installer.stunnel
      ? [`installs stunnel.conf as <stunnel conf dir>/${installer.stunnel.service}.conf,`]
      : [];
  return [
    "Or run: sh install.sh (as root, from this directory). It checks the host first",
    `(${checks}), backs up into <conf dir>/.nutca-backup/<UTC time>/,`,
    "installs the files with these owners and modes,",
    ...merge,
    "restarts the daemon, checks it, and puts everything back if the check fails. A second run",
    "changes nothing. Options: --dry-run, --uninstall, --restart auto|none|'COMMAND', --no-verify,",
    "--wait SECONDS, --log FILE, --pid-file FILE, --root DIR, --conf-dir DIR, --user USER" +
      (installer.nut ? `, --${installer.target} PATH.` : "."),
    "Exit 0 installed or unchanged, 1 rolled back, 2 refused; the last line of output is",
    "'nutca-install: <status> <target> <name> [reason]'.",
    "",
  ];
}

export function installScript(bundle: Bundle, installer: Installer): string {
  const inBundle = new Map(bundle.files.map((file) => [file.path, file]));
  const sources = [...installer.files.map((file) => file.source), installer.nut?.snippet, installer.stunnel?.conf];
  for (const source of sources) {
    if (source !== undefined && !source.startsWith("built:") && !inBundle.has(source))
      throw new NutcaError("INTERNAL", `install.sh names ${source}, which is not in the ${bundle.target} bundle`);
  }
  for (const path of [...installer.files.map((file) => file.dest), ...installer.dirs.map((dir) => dir.dest)]) {
    if (!path.startsWith("/") || path.includes("\t") || path.includes("\n"))
      throw new NutcaError("INTERNAL", `install.sh cannot place ${JSON.stringify(path)}`);
  }
  const service = serviceOf(installer);
  const nut = installer.nut;
  const confFile: NutConfFile | "" = service.program === "" || !nut ? "" : `${service.program}.conf`;
  const snippet = nut ? String(inBundle.get(nut.snippet)!.data) : "";
  const used = snippet
    .split("\n")
    .filter((line) => /^[A-Z_]+\b/.test(line))
    .map((line) => line.split(/\s/)[0]!);
  const rules = nut && confFile ? rejectionsFor(confFile, nut.backend, used) : [];
  const other = nut?.backend === "nss" ? "openssl" : "nss";
  const mark = `nutca ${installer.target} ${installer.name}`;
  const stamp = installer.files.find((file) => posix.basename(file.source) === NSS_STAMP_NAME);
  const variables: Record<string, string> = {
    TARGET: installer.target,
    NAME: installer.name,
    PROGRAM: service.program,
    BACKEND: nut?.backend ?? "",
    OTHER_EXPORT: nut ? `${nut.exportCommand} --backend ${other}` : "",
    NUT_BINARIES: service.program ? NUT_BINARIES[service.program] : "",
    CONF_DIRS: installer.stunnel ? "/etc/stunnel /usr/local/etc/stunnel" : NUT_CONF_DIRS,
    CONF_MARKERS: installer.stunnel ? "" : "upsd.conf upsmon.conf",
    CONF_FILE: confFile,
    UCI_CONFIG: { upsd: "nut_server", upsmon: "nut_monitor", "": "" }[service.program],
    SNIPPET: nut?.snippet ?? "",
    SNIPPET_SECRET: nut && (inBundle.get(nut.snippet)!.mode & 0o007) === 0 ? "yes" : "",
    BEGIN_MARK: `# BEGIN ${mark}`,
    END_MARK: `# END ${mark}`,
    DIRECTIVES: TLS_DIRECTIVES.join(" "),
    /** CERTREQUEST needs a upsd built --with-ssl-client-validation (upsd -DDh says so). */
    CLIENT_VALIDATION: used.includes("CERTREQUEST") ? "yes" : "",
    CERTHOST: nut?.certHost ?? "",
    WHOLE_CONF: installer.stunnel?.conf ?? "",
    WHOLE_CONF_NAME: installer.stunnel ? `${installer.stunnel.service}.conf` : "",
    GROUP_KIND: installer.stunnel ? "stunnel4" : "nut",
    /** Where the database built on the host goes; its stamp lives there. */
    NSS_BUILD: nut?.buildsNssDb
      ? posix.dirname(installer.files.find((file) => file.source.startsWith("built:"))!.dest)
      : "",
    /** An exported database: its stamp in the bundle and on the host stands for the whole directory. */
    NSS_STAMP: stamp?.source ?? "",
    NSS_STAMP_AT: stamp?.dest ?? "",
    UNIT: service.unit,
    OPENRC: service.openrc,
    FREEBSD: service.freebsd,
    INITD: service.initd,
    PROCESS: service.process,
    PID_FILE: service.pidFile,
    SUCCESS: service.program === "upsmon" ? UPSMON_CONNECTED : "",
    SETTLE: String(SETTLE_SECONDS),
  };
  const lines = (rows: readonly string[]) => rows.map((row) => `  printf '%s\\n' ${sh(row)}`);
  const tab = (...fields: string[]) => fields.join("\t");
  return [
    "#!/bin/sh",
    `# install.sh written by nutca: installs this ${installer.target} bundle for "${installer.name}" on this host.`,
    "# Run as root from this directory: sh install.sh --help",
    ...Object.entries(variables).map(([key, value]) => `${key}=${value === "" ? "" : sh(value)}`),
    "",
    "bundle_files() {",
    ":",
    ...lines(installer.files.map((file) => tab(file.source, file.dest, octal(file.mode), file.group))),
    "}",
    "bundle_dirs() {",
    ":",
    ...lines(installer.dirs.map((dir) => tab(dir.dest, octal(dir.mode), dir.group))),
    "}",
    "# Versions below <number> reject <directive> (src/nut/directives.ts).",
    "version_rules() {",
    ":",
    ...lines(rules.flatMap((rule) => rule.directives.map((directive) => `${versionNumber(rule.before)} ${directive}`))),
    "}",
    "failure_lines() {",
    ":",
    ...lines(service.program ? FAILURE_LINES[service.program] : []),
    "}",
    USAGE_PART,
    PREFLIGHT_PART,
    PLAN_PART,
    APPLY_PART,
    'main "$@"',
    "",
  ].join("\n");
}

/**
 * The NSS database's place on the host: its directory and files root:<group> 0750/0640.
 * An exported database brings its stamp, installed last, after the files it stands for.
 */
export function nssDbEntries(
  installDir: string,
  dbName: string,
  built: boolean,
): { files: InstallFile[]; dirs: InstallDir[] } {
  const dbDir = `${installDir === "/" ? "" : installDir}/${dbName}`;
  const names = ["cert9.db", "key4.db", "pkcs11.txt", ...(built ? [NSS_STAMP_NAME] : [])];
  return {
    dirs: [
      { dest: installDir, mode: 0o750, group: "service" },
      { dest: dbDir, mode: 0o750, group: "service" },
    ],
    files: names.map((name) => ({
      source: built ? `${dbName}/${name}` : `built:${name}`,
      dest: `${dbDir}/${name}`,
      mode: MODE.groupSecret,
      group: "service" as const,
    })),
  };
}

/** `nutca export <words>`, quoted for a shell, for preflight's advice. */
export function exportCommand(...words: string[]): string {
  return ["nutca", "export", ...words.map(sh)].join(" ");
}
