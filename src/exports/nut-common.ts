/**
 * What the upsd and upsmon exports share: NUT config quoting, README pieces,
 * and the NSS database (as built by certutil/pk12util, or as the files and the
 * build-nssdb.sh that build it on the target host when nutca could not).
 */
import { createHash } from "node:crypto";
import { isAbsolute, posix } from "node:path";
import { NutcaError } from "../errors.js";
import { NSS_DB_FILES, type NssDbFiles, type NssMaterial } from "../nut/nss-tools.js";
import type { Identity } from "../pki/identity.js";
import { MODE, toPem, type Authority, type BundleFile } from "./bundle.js";

// The database as nut/nss-tools.ts builds it (or what build-nssdb.sh needs to build it on the host).
export { NSS_DB_FILES, type NssDbFiles, type NssMaterial };

/** Inside an exported database's directory: what it was built from, for install.sh to compare. */
export const NSS_STAMP_NAME = ".nutca-stamp";

/**
 * certutil writes different bytes on every build, so install.sh compares this
 * instead: a SHA-256 over everything the database is built from. The password is
 * hashed with the key, where there is one, so a guess cannot be tested against the
 * stamp alone (which sits 0640 beside the snippet that holds the password anyway).
 */
export function nssDbStamp(
  authority: Authority,
  identity: Identity | undefined,
  layout: NssLayout,
  password: string,
): string {
  const hash = createHash("sha256").update(
    JSON.stringify([
      "nutca nssdb 1",
      layout.program,
      nssCaCertificates(authority).map((ca) => [ca.nickname, ca.pem, ca.trust]),
      identity ? [layout.identity?.nickname, layout.identity?.usage, toPem(identity.certificate), identity.keyPem] : [],
      password,
    ]),
  );
  return hash.digest("hex") + "\n";
}

/** README lines telling how to check which backend the host's NUT has. */
export function backendCheck(program: "upsd" | "upsmon", backend: "openssl" | "nss"): string[] {
  const other = backend === "nss" ? "openssl" : "nss";
  return [
    `1. Check that the NUT on the host is built with ${backend === "nss" ? "NSS" : "OpenSSL"}:`,
    `     ldd /lib/nut/${program} | grep -E 'libnss3|libssl'      (or ldd $(command -v ${program}))`,
    "   libnss3 listed: NSS. Only libssl.so.N: OpenSSL (NSS's own library is libssl3.so, so look for",
    `   libnss3 first). NUT >= 2.8.5 prints it with: ${program} -Dh. Debian's /usr/sbin/upsd and`,
    "   /sbin/upsmon are shell wrappers: ldd the binaries in /lib/nut. If it is the other backend,",
    `   export again with --backend ${other}: a directive of the other backend is rejected as invalid.`,
    "",
  ];
}

export function installDirs(dir: string, extra: readonly string[] = []): string[] {
  return [dir, ...extra].map((path) => `     install -d -o root -g nut -m 0750 ${sh(path)}`);
}

/** Step 2 of an NSS export's README: install the database, or build it on the host. */
export function nssInstallSteps(layout: NssLayout, nss: NssMaterial): string[] {
  const dir = layout.installDir;
  const dbDir = posix.join(dir, layout.dbName);
  if (nss.kind === "database") {
    return [
      "2. Install (as root, from this directory):",
      ...installDirs(dir, [dbDir]),
      `     install -o root -g nut -m 0640 ${NSS_DB_FILES.map((name) => `${layout.dbName}/${name}`).join(" ")} ${sh(dbDir)}/`,
      `   ${layout.program} opens the database as the nut user, after dropping root: root-only 0600 files`,
      "   give nss_error -8174 (NUT issue 2265).",
      "",
    ];
  }
  return [
    `2. No database was built where this export was made: ${nss.reason}.`,
    "   Build it on the host (as root, from this directory; needs certutil and pk12util, Debian:",
    "   apt install libnss3-tools):",
    ...installDirs(dir),
    `     sh build-nssdb.sh ${sh(dbDir)}`,
    "   It makes the directory root:nut 0750 and its files 0640 (set NUT_GROUP for another group).",
    ...(nss.p12 ? ["   Then delete the .p12 and its .password file."] : []),
    "",
  ];
}

/** Limits every NUT TLS export must state, and the export's own. */
export function knownLimits(extra: readonly string[] = []): string[] {
  return [
    "Known limits",
    "  - OpenSSL builds of NUT up to 2.8.5 check the chain but NOT the server name, and ignore CERTHOST:",
    "    any certificate of this CA passes. NUT 2.8.6 adds name checks.",
    "  - NSS upsd up to 2.8.5 FAILS OPEN on set-up errors (wrong password or nickname, a database the nut",
    "    user cannot read): it logs an error and serves plaintext (STARTTLS -> ERR FEATURE-NOT-CONFIGURED).",
    "    FORCESSL 1 on every upsmon is what turns that into a refused connection: never remove it.",
    "    NUT 2.8.6's upsd aborts instead (exit 1): a bad bundle stops upsd, so check it before restarting.",
    "  - Debian 12's upsd (NUT 2.8.0) cannot require client certificates (CERTREQUEST is an invalid",
    "    directive there); only NUT 2.8.6 builds configured --with-ssl-client-validation can.",
    "  - upsc negotiates TLS but verifies nothing; only upsmon verifies the server.",
    ...extra,
    "",
  ];
}

/** A CA certificate for an NSS database: the root trusted for TLS servers, intermediates with no trust. */
export interface NssCaCertificate {
  readonly nickname: string;
  readonly pem: string;
  readonly trust: string;
  /** Its file name in a build-nssdb.sh export. */
  readonly file: string;
}

/** Nicknames are the CNs (what pk12util would choose too), else the whole subject. */
export function nssCaCertificates(authority: Authority): NssCaCertificate[] {
  return [authority.root, ...authority.intermediates].map((certificate, index) => ({
    nickname: certificate.subjectName.getField("CN")[0] ?? certificate.subject,
    pem: toPem(certificate),
    trust: index === 0 ? "CT,," : ",,",
    file: index === 0 ? "ca.crt.pem" : `intermediate-${index}.crt.pem`,
  }));
}

/** How an NSS database is laid out for one program. */
export interface NssLayout {
  readonly program: "upsd" | "upsmon";
  /** The database directory's name, in the export and under the install directory. */
  readonly dbName: string;
  readonly installDir: string;
  /** The certificate with its key, if any; certutil -V usage V (server) or C (client). */
  readonly identity?: { readonly nickname: string; readonly usage: "V" | "C" } | undefined;
  /** False for an empty DB password; otherwise it is read back from the snippet's CERTIDENT line. */
  readonly password: boolean;
}

/** The NSS database files and its stamp, or the files build-nssdb.sh needs and the script itself. */
export function nssMaterialFiles(
  nss: NssMaterial,
  layout: NssLayout,
  authority: Authority,
  built: { readonly identity: Identity | undefined; readonly password: string },
): BundleFile[] {
  if (nss.kind === "database") {
    const files: BundleFile[] = NSS_DB_FILES.map((name) => ({
      path: `${layout.dbName}/${name}`,
      data: nss.files[name],
      mode: MODE.groupSecret,
      purpose: name === "key4.db" && layout.identity ? "NSS database: the keys" : "NSS database",
    }));
    files.push({
      path: `${layout.dbName}/${NSS_STAMP_NAME}`,
      data: nssDbStamp(authority, built.identity, layout, built.password),
      mode: MODE.groupSecret,
      purpose: "a hash of what the database holds: install.sh leaves an installed one of the same hash alone",
    });
    return files;
  }
  const cas = nssCaCertificates(authority);
  const files: BundleFile[] = cas.map((ca) => ({
    path: ca.file,
    data: ca.pem,
    mode: MODE.publicFile,
    purpose: ca.trust === "CT,," ? "the CA certificate" : "an intermediate CA certificate",
  }));
  if (nss.p12) {
    const p12 = layout.program;
    files.push(
      { path: `${p12}.p12`, data: nss.p12.data, mode: MODE.secret, purpose: "certificate and key for pk12util" },
      { path: `${p12}.p12.password`, data: nss.p12.password + "\n", mode: MODE.secret, purpose: "its password" },
    );
  }
  files.push({
    path: "build-nssdb.sh",
    data: nssScript(layout, cas, nss.p12 !== undefined),
    mode: MODE.script,
    purpose: "builds the NSS database on the host (certutil, pk12util)",
  });
  return files;
}

function nssScript(layout: NssLayout, cas: readonly NssCaCertificate[], withP12: boolean): string {
  const db = `-d "sql:$db" -f "$tmp/db.pass"`;
  const identity = withP12 ? layout.identity : undefined;
  return [
    "#!/bin/sh",
    `# Builds the NSS database for ${layout.program} from the files beside this script (nutca could not`,
    "# run certutil/pk12util where the export was made). Run as root: sh build-nssdb.sh [DIR]",
    "set -eu",
    `db=\${1:-${sh(posix.join(layout.installDir, layout.dbName))}}`,
    'case "$db" in /*) ;; *) db="$PWD/$db" ;; esac',
    'cd "$(dirname "$0")"',
    "group=${NUT_GROUP:-nut}",
    "for tool in certutil pk12util; do",
    '  command -v "$tool" >/dev/null || { echo "build-nssdb.sh: $tool not found (Debian: apt install libnss3-tools)" >&2; exit 1; }',
    "done",
    'if [ -e "$db/cert9.db" ]; then echo "build-nssdb.sh: $db already holds a database: remove it first" >&2; exit 1; fi',
    "umask 077",
    "tmp=$(mktemp -d)",
    "trap 'rm -rf \"$tmp\"' EXIT",
    layout.password
      ? `# The DB password is written only in the snippet (CERTIDENT), so it is read from there.\nsed -n 's/^CERTIDENT "[^"]*" "\\(.*\\)"$/\\1/p' ${layout.program}.conf.snippet > "$tmp/db.pass"`
      : ': > "$tmp/db.pass"',
    '[ -d "$(dirname "$db")" ] || install -d -o root -g "$group" -m 0750 "$(dirname "$db")"',
    'install -d -m 0700 "$db"',
    `certutil -N ${db}${layout.password ? "" : " --empty-password"}`,
    ...cas.map((ca) => `certutil -A ${db} -n ${sh(ca.nickname)} -t ${sh(ca.trust)} -a -i ${ca.file}`),
    ...(identity
      ? [
          `pk12util -i ${layout.program}.p12 -d "sql:$db" -w ${layout.program}.p12.password -k "$tmp/db.pass"`,
          ...cas.map((ca) => `certutil -M ${db} -n ${sh(ca.nickname)} -t ${sh(ca.trust)}`),
          `certutil -V ${db} -n ${sh(identity.nickname)} -u ${identity.usage}`,
        ]
      : []),
    `# ${layout.program} opens the database as its run-as user, after dropping root.`,
    'chown root:"$group" "$db" "$db/cert9.db" "$db/key4.db" "$db/pkcs11.txt"',
    'chmod 0750 "$db"',
    'chmod 0640 "$db/cert9.db" "$db/key4.db" "$db/pkcs11.txt"',
    'echo "NSS database ready in $db"',
    "",
  ].join("\n");
}

/** A value for a NUT config line, quoted when it has blanks; NUT's parser would mangle `"` and `\`. */
export function confValue(value: string, what: string): string {
  return /^[A-Za-z0-9_.,:@%+=/-]+$/.test(value) ? value : quoted(value, what);
}

export function quoted(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (/["\\\u0000-\u001f\u007f]/.test(value)) {
    throw new NutcaError("USAGE", `${what} contains a quote, backslash or control character`, "choose another");
  }
  return `"${value}"`;
}

/** Every config line names files by their final place, so it must be absolute. */
export function checkInstallDir(dir: string): string {
  if (!isAbsolute(dir) || !posix.isAbsolute(dir)) {
    throw new NutcaError(
      "USAGE",
      `--install-dir ${dir} is not an absolute path`,
      "pass e.g. --install-dir /etc/nut/tls",
    );
  }
  confValue(dir, "--install-dir");
  return posix.normalize(dir).replace(/(.)\/$/, "$1");
}

/** A word for /bin/sh, single-quoted unless it needs no quoting. */
export function sh(value: string): string {
  return /^[A-Za-z0-9_.,:@%+=/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function snippetText(file: string, name: string, backend: string, lines: readonly string[]): string {
  return [`# ${file} lines from nutca for "${name}" (NUT built with ${backend})`, ...lines, ""].join("\n");
}

export function fileList(files: readonly BundleFile[]): string[] {
  return [
    "Files",
    ...files.map(
      (file) => `  ${file.path.padEnd(24)} ${file.purpose} (mode ${file.mode.toString(8).padStart(4, "0")})`,
    ),
  ];
}

export function readmeFile(lines: readonly string[]): BundleFile {
  return { path: "README.txt", data: lines.join("\n"), mode: MODE.publicFile, purpose: "install steps and checks" };
}

/** Refuses, before any database is built, what the config lines could not carry. */
export function checkNssConfig(installDir: string, nickname: string, password: string): void {
  checkInstallDir(installDir);
  if (nickname.trim() === "") throw new NutcaError("USAGE", "the nickname is empty", "pass --nickname NAME");
  quoted(nickname, "the nickname");
  quoted(password, "the NSS database password");
}
