/**
 * The upsd host's files, for either TLS backend of NUT (nut-tls.md): one PEM
 * (leaf, intermediates, key) for OpenSSL builds, an NSS database for NSS builds.
 */
import { posix } from "node:path";
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

export interface UpsdInput {
  readonly identity: Identity;
  readonly authority: Authority;
  readonly installDir: string;
  /** How the backend was chosen, shown in the summary. */
  readonly backendNote: string;
}

export interface UpsdNssInput extends UpsdInput {
  readonly nickname: string;
  /** The DB password; "" for an empty one. Written only into the snippet's CERTIDENT line. */
  readonly password: string;
  readonly nss: NssMaterial;
}

export const DEFAULT_SERVER_NICKNAME = "nut-server";

export function upsdOpensslBundle(input: UpsdInput): Bundle {
  const dir = checkInstallDir(input.installDir);
  const pemPath = posix.join(dir, "upsd.pem");
  const snippet = snippetText("upsd.conf", input.identity.name, "OpenSSL", [
    `CERTFILE ${confValue(pemPath, "--install-dir")}`,
    "DISABLE_WEAK_SSL true",
  ]);
  const files: BundleFile[] = [
    {
      path: "upsd.pem",
      // OpenSSL reads chain and key from this one file: the leaf must come first.
      data: chainPem(input.identity, input.authority) + keyPem(input.identity),
      mode: MODE.groupSecret,
      purpose: "upsd CERTFILE: certificate, intermediates, then the unencrypted key",
    },
    { path: "upsd.conf.snippet", data: snippet, mode: MODE.publicFile, purpose: "lines for upsd.conf" },
  ];
  const readme = [
    `nutca export: upsd on "${input.identity.name}", NUT built with OpenSSL`,
    "",
    ...fileList(files),
    "",
    ...backendCheck("upsd", "openssl"),
    "2. Install (as root, from this directory):",
    ...installDirs(dir),
    `     install -o root -g nut -m 0640 upsd.pem ${sh(pemPath)}`,
    "   upsd reads the file after dropping to its run-as user (nut): a root-only 0600 file kills upsd.",
    "",
    "3. Add the lines of upsd.conf.snippet to /etc/nut/upsd.conf, replacing any CERTFILE line there:",
    "     cat upsd.conf.snippet >> /etc/nut/upsd.conf",
    "   restart upsd (Debian: systemctl restart nut-server), then delete this directory: it holds the key.",
    "",
    "4. Check: upsd is still running a few seconds later (an OpenSSL upsd EXITS on a certificate error,",
    "   after opening its port: an answering port proves nothing), and a upsmon with CERTVERIFY 1 and",
    "   FORCESSL 1 connects.",
    "",
    ...knownLimits(["  - The key in upsd.pem is not encrypted: NUT <= 2.8.5 cannot ask for a passphrase."]),
    ...protectionLines("upsd:openssl"),
  ];
  files.push(readmeFile(readme));
  return {
    target: "upsd",
    files,
    summary: [
      `Backend: ${input.backendNote}`,
      `Install upsd.pem as ${pemPath} (root:nut 0640), add upsd.conf.snippet to upsd.conf: see README.txt.`,
    ],
  };
}

export function upsdNssBundle(input: UpsdNssInput): Bundle {
  const dir = checkInstallDir(input.installDir);
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
    "DISABLE_WEAK_SSL true",
  ]);
  const files: BundleFile[] = [
    ...nssMaterialFiles(input.nss, layout, input.authority),
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
  return {
    target: "upsd",
    files,
    directories: built ? [{ path: layout.dbName, mode: 0o750 }] : [],
    summary: [
      `Backend: ${input.backendNote}`,
      built
        ? `NSS database built with certutil/pk12util in ${layout.dbName}/: install it as ${dbDir} (root:nut 0750/0640).`
        : `No NSS database built: ${input.nss.kind === "script" ? input.nss.reason : ""}; ` +
          "build-nssdb.sh builds it on the upsd host (see README.txt).",
      layout.password
        ? "upsd.conf.snippet holds the NSS database password: it is a secret (mode 0640)."
        : "The NSS database password is empty.",
    ],
  };
}
