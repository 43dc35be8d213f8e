/**
 * The upsd host's files, for either TLS backend of NUT (nut-tls.md): one PEM
 * (leaf, intermediates, key) for OpenSSL builds, an NSS database for NSS builds.
 */
import { posix } from "node:path";
import { versionText } from "../nut/directives.js";
import { DEFAULT_NUT_TARGET, DEFAULT_NUT_VERSION } from "../nut/version.js";
import { chainPem, keyPem, MODE, type Authority, type Bundle, type BundleFile, type Identity } from "./bundle.js";
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
import { exportCommand, nssDbEntries, withInstaller } from "./install-script.js";
import { hashedCaDirectory } from "./hashed-dir.js";
import { clientCertLines, upsdTlsReadme, type EncryptedUpsdKey, type UpsdTls } from "./upsd-tls.js";

export interface UpsdInput {
  readonly identity: Identity;
  readonly authority: Authority;
  readonly installDir: string;
  /** How the backend was chosen, shown in the summary. */
  readonly backendNote: string;
  /** The NUT version and, for 2.8.6, client certificates; default: Debian 12's NUT. */
  readonly tls?: UpsdTls | undefined;
}

export interface UpsdOpensslInput extends UpsdInput {
  /** --encrypt-key: the key in upsd.pem encrypted, unlocked by CERTIDENT (NUT 2.8.6). */
  readonly encryptedKey?: EncryptedUpsdKey | undefined;
}

export interface UpsdNssInput extends UpsdInput {
  readonly nickname: string;
  /** The DB password; "" for an empty one. Written only into the snippet's CERTIDENT line. */
  readonly password: string;
  readonly nss: NssMaterial;
}

export const DEFAULT_SERVER_NICKNAME = "nut-server";

/** The CA directory upsd checks client certificates against (OpenSSL CERTPATH). */
const CLIENT_CA_DIR = "client-ca";

/** The export's own words for install.sh's advice (the version and client certificate flags included). */
function upsdExportWords(input: UpsdInput, tls: UpsdTls): string[] {
  const words = ["--server", input.identity.name];
  const version = versionText(tls.nut.version);
  if (version !== DEFAULT_NUT_VERSION) words.push("--nut-version", version);
  if (tls.clientCerts) words.push("--client-certs", tls.clientCerts);
  return words;
}

export function upsdOpensslBundle(input: UpsdOpensslInput): Bundle {
  const dir = checkInstallDir(input.installDir);
  const tls = input.tls ?? { nut: DEFAULT_NUT_TARGET };
  const pemPath = posix.join(dir, "upsd.pem");
  const caDir = posix.join(dir, CLIENT_CA_DIR);
  const key = input.encryptedKey;
  const snippet = snippetText("upsd.conf", input.identity.name, "OpenSSL", [
    ...(key ? ["# SECRET: CERTIDENT holds the password of upsd.pem's key. Keep this file root:nut 0640."] : []),
    `CERTFILE ${confValue(pemPath, "--install-dir")}`,
    ...(key
      ? [`CERTIDENT ${quoted(key.name, "the certificate name")} ${quoted(key.password, "the key password")}`]
      : []),
    ...clientCertLines(tls, "openssl", confValue(caDir, "--install-dir")),
    "DISABLE_WEAK_SSL true",
  ]);
  const clientCa = tls.clientCerts ? hashedCaDirectory(CLIENT_CA_DIR, input.authority) : [];
  const files: BundleFile[] = [
    {
      path: "upsd.pem",
      // OpenSSL reads chain and key from this one file: the leaf must come first.
      data: chainPem(input.identity, input.authority) + (key ? key.pem : keyPem(input.identity)),
      mode: MODE.groupSecret,
      purpose: key
        ? "upsd CERTFILE: certificate, intermediates, then the key (encrypted, PKCS#8 PBES2)"
        : "upsd CERTFILE: certificate, intermediates, then the unencrypted key",
    },
    ...clientCa,
    {
      path: "upsd.conf.snippet",
      data: snippet,
      mode: key ? MODE.groupSecret : MODE.publicFile,
      purpose: key ? "lines for upsd.conf; SECRET: holds the key password" : "lines for upsd.conf",
    },
  ];
  const readme = [
    `nutca export: upsd on "${input.identity.name}", NUT built with OpenSSL`,
    "",
    ...fileList(files),
    "",
    ...backendCheck("upsd", "openssl"),
    "2. Install (as root, from this directory):",
    ...installDirs(dir, clientCa.length > 0 ? [caDir] : []),
    `     install -o root -g nut -m 0640 upsd.pem ${sh(pemPath)}`,
    ...(clientCa.length > 0 ? [`     install -o root -g nut -m 0644 ${CLIENT_CA_DIR}/* ${sh(caDir)}/`] : []),
    "   upsd reads the file after dropping to its run-as user (nut): a root-only 0600 file kills upsd.",
    "",
    ...upsdTlsReadme(tls, "openssl"),
    "3. Add the lines of upsd.conf.snippet to /etc/nut/upsd.conf, replacing any CERTFILE line there:",
    "     cat upsd.conf.snippet >> /etc/nut/upsd.conf",
    "   restart upsd (Debian: systemctl restart nut-server), then delete this directory: it holds the key.",
    "",
    "4. Check: upsd is still running a few seconds later (an OpenSSL upsd EXITS on a certificate error,",
    "   after opening its port: an answering port proves nothing), and a upsmon with CERTVERIFY 1 and",
    "   FORCESSL 1 connects.",
    "",
    ...knownLimits(
      key
        ? ["  - The key password stands in upsd.conf.snippet: whoever reads both files has the key."]
        : [
            "  - The key in upsd.pem is not encrypted: NUT <= 2.8.5 cannot ask for a passphrase (2.8.6: --encrypt-key).",
          ],
    ),
    ...protectionLines("upsd:openssl"),
  ];
  files.push(readmeFile(readme));
  const bundle = {
    target: "upsd",
    files,
    summary: [
      `Backend: ${input.backendNote}`,
      `NUT version: ${tls.nut.note}`,
      `Install upsd.pem as ${pemPath} (root:nut 0640), add upsd.conf.snippet to upsd.conf: see README.txt.`,
      ...(key
        ? ["upsd.pem's key is encrypted; upsd.conf.snippet holds its password: it is a secret (mode 0640)."]
        : []),
    ],
  };
  return withInstaller(bundle, {
    target: "upsd",
    name: input.identity.name,
    files: [
      { source: "upsd.pem", dest: pemPath, mode: MODE.groupSecret, group: "service" },
      ...clientCa.map((file) => ({
        source: file.path,
        dest: posix.join(dir, file.path),
        mode: MODE.publicFile,
        group: "service" as const,
      })),
    ],
    dirs: [
      { dest: dir, mode: 0o750, group: "service" },
      ...(clientCa.length > 0 ? [{ dest: caDir, mode: 0o750, group: "service" as const }] : []),
    ],
    nut: {
      backend: "openssl",
      exportCommand: exportCommand("upsd", ...upsdExportWords(input, tls), "--install-dir", dir),
      snippet: "upsd.conf.snippet",
    },
  });
}

export function upsdNssBundle(input: UpsdNssInput): Bundle {
  const dir = checkInstallDir(input.installDir);
  const tls = input.tls ?? { nut: DEFAULT_NUT_TARGET };
  const layout: NssLayout = {
    program: "upsd",
    dbName: "nssdb",
    installDir: dir,
    identity: { nickname: input.nickname, usage: "V" },
    password: input.password !== "",
  };
  const dbDir = posix.join(dir, layout.dbName);
  const snippet = snippetText("upsd.conf", input.identity.name, "NSS", [
    ...(layout.password ? ["# SECRET: CERTIDENT holds the NSS database password. Keep this file root:nut 0640."] : []),
    `CERTPATH ${confValue(dbDir, "--install-dir")}`,
    `CERTIDENT ${quoted(input.nickname, "the nickname")} ${quoted(input.password, "the NSS database password")}`,
    ...clientCertLines(tls, "nss", ""),
    "DISABLE_WEAK_SSL true",
  ]);
  const files: BundleFile[] = [
    ...nssMaterialFiles(input.nss, layout, input.authority, { identity: input.identity, password: input.password }),
    {
      path: "upsd.conf.snippet",
      data: snippet,
      mode: layout.password ? MODE.groupSecret : MODE.publicFile,
      purpose: layout.password ? "lines for upsd.conf; SECRET: holds the NSS DB password" : "lines for upsd.conf",
    },
  ];
  const built = input.nss.kind === "database";
  const readme = [
    `nutca export: upsd on "${input.identity.name}", NUT built with NSS`,
    "",
    ...fileList(files),
    "",
    `The NSS database holds the server certificate and key under the nickname "${input.nickname}",`,
    "every intermediate, and the CA trusted CT,,.",
    layout.password
      ? "Its password is written only in upsd.conf.snippet (the CERTIDENT line): that file is a secret."
      : "Its password is empty (--nss-empty-password): whoever can read key4.db can use the key.",
    "",
    ...upsdTlsReadme(tls, "nss"),
    ...backendCheck("upsd", "nss"),
    ...nssInstallSteps(layout, input.nss),
    "3. Add the lines of upsd.conf.snippet to /etc/nut/upsd.conf (root:nut 0640), replacing any",
    "   CERTPATH/CERTIDENT lines there:",
    "     cat upsd.conf.snippet >> /etc/nut/upsd.conf",
    "   restart upsd (Debian: systemctl restart nut-server), then delete this directory: it holds the key.",
    "",
    '4. Check: upsd\'s log shows none of "Can not find server certificate", "Can not find private key",',
    '   nss_error; this prints "certificate is valid":',
    `     certutil -V -d sql:${sh(dbDir)} -n ${sh(input.nickname)} -u V`,
    '   and a upsmon with FORCESSL 1 logs "Connected to NUT server ... in SSL".',
    "",
    ...knownLimits(),
    ...protectionLines("upsd:nss"),
  ];
  files.push(readmeFile(readme));
  const bundle = {
    target: "upsd",
    files,
    directories: built ? [{ path: layout.dbName, mode: 0o750 }] : [],
    summary: [
      `Backend: ${input.backendNote}`,
      `NUT version: ${tls.nut.note}`,
      built
        ? `NSS database built with certutil/pk12util in ${layout.dbName}/: install it as ${dbDir} (root:nut 0750/0640).`
        : `No NSS database built: ${input.nss.kind === "script" ? input.nss.reason : ""}; ` +
          "build-nssdb.sh builds it on the upsd host (see README.txt).",
      layout.password
        ? "upsd.conf.snippet holds the NSS database password: it is a secret (mode 0640)."
        : "The NSS database password is empty.",
    ],
  };
  return withInstaller(bundle, {
    target: "upsd",
    name: input.identity.name,
    ...nssDbEntries(dir, layout.dbName, built),
    nut: {
      backend: "nss",
      exportCommand: exportCommand("upsd", ...upsdExportWords(input, tls), "--install-dir", dir),
      snippet: "upsd.conf.snippet",
      buildsNssDb: !built,
    },
  });
}
