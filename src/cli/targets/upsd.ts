/** `nutca export upsd`: upsd's TLS files for NUT built with OpenSSL (one PEM) or NSS (a database). */
import { Option } from "commander";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

/** Where NUT's TLS files live on a host unless --install-dir says otherwise. */
export const NUT_TLS_DIR = "/etc/nut/tls";

export interface UpsdExportOptions {
  server: string;
  /** openssl, nss or auto (parsed by chooseBackend). */
  backend: string;
  nickname?: string | undefined;
  nssPasswordFile?: string | undefined;
  nssEmptyPassword?: boolean | undefined;
  /** 2.8.0, 2.8.5, 2.8.6 or auto (parsed by chooseNutVersion). */
  nutVersion?: string | undefined;
  clientCerts?: string | undefined;
  encryptKey?: boolean | undefined;
  keyPasswordFile?: string | undefined;
}

export const upsdTarget: ExportTarget<UpsdExportOptions> = {
  name: "upsd",
  description: "upsd's TLS files: one PEM (NUT built with OpenSSL) or an NSS database (NSS builds, e.g. Debian)",
  defaultInstallDir: NUT_TLS_DIR,
  installable: true,
  flags: () => [
    new Option("--server <name>", "the server certificate (the upsd host)").makeOptionMandatory(),
    new Option(
      "--backend <backend>",
      "NUT's TLS library on the upsd host: openssl, nss, or auto (ldd upsd)",
    ).makeOptionMandatory(),
    new Option("--nickname <name>", "NSS: the certificate's nickname in the database (default nut-server)"),
    new Option("--nss-password-file <file>", "NSS: the database password, first line of FILE (default: generated)"),
    new Option("--nss-empty-password", "NSS: a database with an empty password"),
    new Option(
      "--nut-version <version>",
      "the host's NUT: 2.8.0 (default, Debian 12), 2.8.5, 2.8.6, or auto (upsd -V)",
    ),
    new Option("--client-certs <mode>", "NUT 2.8.6: ask clients for a certificate of this CA: request or require"),
    new Option("--encrypt-key", "OpenSSL, NUT 2.8.6: encrypt the key in upsd.pem; CERTIDENT holds its password"),
    new Option(
      "--key-password-file <file>",
      "with --encrypt-key: the key password, first line of FILE (default: generated)",
    ),
  ],
  examples: [
    "nutca export upsd --server ups1 --backend nss",
    "nutca export upsd --server ups1 --backend openssl --install-dir /etc/nut",
    "nutca export upsd --server ups1 --backend auto --out /tmp/ups1-upsd",
    "nutca export upsd --server ups1 --backend openssl --nut-version 2.8.6 --client-certs require --encrypt-key",
  ],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: (_args, options) => `nutca-export/${options.server}/upsd`,
  async build(_args, given, store, context) {
    // exportBundle passes the default install dir; the type cannot say so.
    const options = { ...given, installDir: given.installDir ?? NUT_TLS_DIR };
    const [upsd, tlsOptions, { loadAuthority, loadIdentity }, { chooseBackend }, { chooseNutVersion }, nss, common] =
      await Promise.all([
        import("../../exports/upsd.js"),
        import("../../exports/upsd-tls.js"),
        import("../../store/identity.js"),
        import("../../nut/backend.js"),
        import("../../nut/version.js"),
        import("../../nut/nss-tools.js"),
        import("../../exports/nut-common.js"),
      ]);
    const { readPassphraseFile } = await import("../passphrase.js");
    const identity = loadIdentity(store, options.server, "server");
    const authority = loadAuthority(store);
    const { backend, note } = await chooseBackend(options.backend, "upsd");
    const tls = {
      nut: await chooseNutVersion(options.nutVersion, "upsd"),
      clientCerts: tlsOptions.parseClientCerts(options.clientCerts),
    };
    tlsOptions.checkUpsdTls(tls, backend, options.encryptKey === true);
    if (options.keyPasswordFile !== undefined && !options.encryptKey)
      context.warn("--key-password-file applies only with --encrypt-key; ignored");
    const base = { identity, authority, installDir: options.installDir, backendNote: note, tls };
    if (backend === "openssl") {
      if (options.nickname ?? options.nssPasswordFile ?? options.nssEmptyPassword)
        context.warn("--nickname and --nss-* apply only to --backend nss; ignored");
      const encryptedKey = options.encryptKey
        ? await tlsOptions.encryptUpsdKey(identity, options.keyPasswordFile, readPassphraseFile)
        : undefined;
      return upsd.upsdOpensslBundle({ ...base, encryptedKey });
    }
    const nickname = options.nickname ?? upsd.DEFAULT_SERVER_NICKNAME;
    const password = nss.chooseNssPassword(options, readPassphraseFile);
    common.checkNssConfig(options.installDir, nickname, password);
    const material = await nss.nssMaterial({
      authority,
      certificates: common.nssCaCertificates(authority),
      password,
      identity: { identity, nickname, usage: "V" },
    });
    return upsd.upsdNssBundle({ ...base, nickname, password, nss: material });
  },
};
