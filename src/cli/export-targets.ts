/**
 * The export targets: their arguments and options, and the function that
 * builds each bundle. Loaded for --help, so every heavy module is imported
 * inside build().
 */
import type { Command } from "commander";
import type { Bundle } from "../exports/bundle.js";
import type { CaStore } from "../store/store.js";
import type { Context } from "./context.js";

// Options are whatever commander parsed for the target; each build() reads its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TargetOptions = Record<string, any>;

export interface ExportTarget {
  readonly name: string;
  readonly description: string;
  /** Positional arguments, e.g. ["<name>", "the certificate to export"]. */
  readonly arguments?: readonly (readonly [string, string])[];
  /** Where the files will live on the target host, used in config lines; undefined when none apply. */
  readonly defaultInstallDir?: string;
  readonly addOptions?: (command: Command) => void;
  /** The default --out, relative to the working directory. */
  readonly defaultOut: (args: readonly string[], options: TargetOptions) => string;
  readonly build: (
    args: readonly string[],
    options: TargetOptions,
    store: CaStore,
    context: Context,
  ) => Promise<Bundle>;
}

export const EXPORT_TARGETS: readonly ExportTarget[] = [
  {
    name: "ca",
    description: "the CA certificate (PEM, DER) and an OpenSSL hashed directory",
    defaultOut: () => "nutca-export/ca",
    build: async (_args, _options, store) => {
      const [{ caBundle }, { loadAuthority }] = await Promise.all([
        import("../exports/ca.js"),
        import("../store/identity.js"),
      ]);
      return caBundle(loadAuthority(store));
    },
  },
  {
    name: "pem",
    description: "a certificate, its key and chain as PEM files, separate and combined",
    arguments: [["<name>", "the certificate to export"]],
    defaultOut: ([name]) => `nutca-export/${name}/pem`,
    build: async ([name], _options, store) => {
      const [{ pemBundle }, { loadAuthority, loadIdentity }] = await Promise.all([
        import("../exports/pem.js"),
        import("../store/identity.js"),
      ]);
      return pemBundle(loadIdentity(store, name!), loadAuthority(store));
    },
  },
  {
    name: "p12",
    description: "a certificate, its key and chain in one password-protected PKCS#12 file (pk12util, Windows)",
    arguments: [["<name>", "the certificate to export"]],
    addOptions: (command) =>
      command
        .option("--p12-password-file <file>", "the password: first line of FILE (default: generated, shown once)")
        .option("--legacy", "3DES and a SHA-1 MAC for old consumers (Windows Server 2016, OpenSSL 1.0)")
        .option("--friendly-name <name>", "the NSS nickname importers give it (default: the certificate's name)"),
    defaultOut: ([name]) => `nutca-export/${name}/p12`,
    build: async ([name], options, store, context) => {
      const [{ p12Bundle, generateP12Password }, { loadAuthority, loadIdentity }, { readPassphraseFile }] =
        await Promise.all([import("../exports/p12.js"), import("../store/identity.js"), import("./passphrase.js")]);
      const given = options.p12PasswordFile === undefined ? undefined : readPassphraseFile(options.p12PasswordFile);
      if (given !== undefined && given.length < 8) context.warn("the PKCS#12 password is shorter than 8 characters");
      return p12Bundle(loadIdentity(store, name!), loadAuthority(store), {
        password: given ?? generateP12Password(),
        generated: given === undefined,
        legacy: options.legacy === true,
        friendlyName: options.friendlyName,
      });
    },
  },
  {
    name: "stunnel-server",
    description: "stunnel in front of upsd: TLS that requires a client certificate, then plaintext to upsd",
    defaultInstallDir: "/etc/stunnel/nut",
    addOptions: (command) =>
      command
        .requiredOption("--server <name>", "the server certificate (the upsd host)")
        .option("--accept <host:port>", "where stunnel listens for TLS (default 0.0.0.0:3494)")
        .option("--connect <host:port>", "where upsd listens (default 127.0.0.1:3493)")
        .option("--pid-file <path>", "stunnel's pid file (default /run/stunnel-nut-server.pid)"),
    defaultOut: (_args, options) => `nutca-export/${options.server}/stunnel-server`,
    build: async (_args, options, store) => {
      const [{ stunnelServerBundle }, { loadAuthority, loadIdentity }] = await Promise.all([
        import("../exports/stunnel.js"),
        import("../store/identity.js"),
      ]);
      const { installDir, accept, connect, pidFile } = options;
      const { loadCrl } = await import("../store/crl.js");
      return stunnelServerBundle(loadIdentity(store, options.server, "server"), loadAuthority(store), {
        installDir,
        accept,
        connect,
        pidFile,
        crlPem: loadCrl(store),
      });
    },
  },
  {
    name: "stunnel-client",
    description: "stunnel beside upsmon: plaintext on 127.0.0.1:3493, TLS with a client certificate to the server",
    defaultInstallDir: "/etc/stunnel/nut",
    addOptions: (command) =>
      command
        .requiredOption("--client <name>", "the client certificate stunnel presents")
        .requiredOption("--server <name>", "the server certificate it must find at the other end")
        .option("--connect <host:port>", "the server stunnel (default: the server's first DNS name, port 3494)")
        .option("--accept <host:port>", "where upsmon/upsc connect (default 127.0.0.1:3493)")
        .option("--pid-file <path>", "stunnel's pid file (default /run/stunnel-nut-client.pid)"),
    defaultOut: (_args, options) => `nutca-export/${options.client}/stunnel-client`,
    build: async (_args, options, store) => {
      const [{ stunnelClientBundle }, { loadAuthority, loadCertificate, loadIdentity }] = await Promise.all([
        import("../exports/stunnel.js"),
        import("../store/identity.js"),
      ]);
      const { installDir, accept, connect, pidFile } = options;
      const client = loadIdentity(store, options.client, "client");
      const server = loadCertificate(store, options.server, "server").certificate;
      const { loadCrl } = await import("../store/crl.js");
      const crlPem = loadCrl(store);
      return stunnelClientBundle(client, server, loadAuthority(store), {
        installDir,
        accept,
        connect,
        pidFile,
        crlPem,
      });
    },
  },
  {
    name: "shim-server",
    description: "upsdTLS.py (Roger Price's TLS shim) on the upsd host: one file with key and certificate",
    defaultInstallDir: "/etc/nut",
    addOptions: (command) =>
      command
        .requiredOption("--server <name>", "the server certificate (the upsd host)")
        .option("--listen <ipv4>", "the address upsdTLS.py listens on, port 401 (default 0.0.0.0)"),
    defaultOut: (_args, options) => `nutca-export/${options.server}/shim-server`,
    build: async (_args, options, store) => {
      const [{ shimServerBundle }, { loadAuthority, loadIdentity }] = await Promise.all([
        import("../exports/shims.js"),
        import("../store/identity.js"),
      ]);
      return shimServerBundle(loadIdentity(store, options.server, "server"), loadAuthority(store), {
        installDir: options.installDir,
        listen: options.listen,
      });
    },
  },
  {
    name: "shim-client",
    description: "upsmonTLS.py (Roger Price's TLS shim) on a client host: the CA bundle it trusts",
    defaultInstallDir: "/etc/nut",
    addOptions: (command) =>
      command
        .requiredOption("--server <name>", "the server certificate upsmonTLS.py must find")
        .option("--upsdname <host>", "the name it dials and checks (default: the server's first DNS name)"),
    defaultOut: (_args, options) => `nutca-export/${options.server}/shim-client`,
    build: async (_args, options, store) => {
      const [{ shimClientBundle }, { loadAuthority, loadCertificate }] = await Promise.all([
        import("../exports/shims.js"),
        import("../store/identity.js"),
      ]);
      const server = loadCertificate(store, options.server, "server");
      return shimClientBundle(server.certificate, server.name, loadAuthority(store), {
        installDir: options.installDir,
        upsdname: options.upsdname,
      });
    },
  },
  {
    name: "upsd",
    description: "upsd's TLS files: one PEM (NUT built with OpenSSL) or an NSS database (NSS builds, e.g. Debian)",
    defaultInstallDir: "/etc/nut/tls",
    addOptions: (command) =>
      command
        .requiredOption("--server <name>", "the server certificate (the upsd host)")
        .requiredOption("--backend <backend>", "NUT's TLS library on the upsd host: openssl, nss, or auto (ldd upsd)")
        .option("--nickname <name>", "NSS: the certificate's nickname in the database (default nut-server)")
        .option("--nss-password-file <file>", "NSS: the database password, first line of FILE (default: generated)")
        .option("--nss-empty-password", "NSS: a database with an empty password"),
    defaultOut: (_args, options) => `nutca-export/${options.server}/upsd`,
    build: async (_args, options, store, context) => {
      const [upsd, { loadAuthority, loadIdentity }, { chooseBackend }, nss, common, { readPassphraseFile }] =
        await Promise.all([
          import("../exports/upsd.js"),
          import("../store/identity.js"),
          import("../nut/backend.js"),
          import("../nut/nss-tools.js"),
          import("../exports/nut-common.js"),
          import("./passphrase.js"),
        ]);
      const identity = loadIdentity(store, options.server, "server");
      const authority = loadAuthority(store);
      const { backend, note } = await chooseBackend(options.backend, "upsd");
      const base = { identity, authority, installDir: options.installDir, backendNote: note };
      if (backend === "openssl") {
        if (options.nickname ?? options.nssPasswordFile ?? options.nssEmptyPassword)
          context.warn("--nickname and --nss-* apply only to --backend nss; ignored");
        return upsd.upsdOpensslBundle(base);
      }
      const nickname: string = options.nickname ?? upsd.DEFAULT_SERVER_NICKNAME;
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
  },
  {
    name: "upsmon",
    description: "upsmon's TLS files: a hashed CA directory (OpenSSL builds) or an NSS database (NSS builds)",
    defaultInstallDir: "/etc/nut/tls",
    addOptions: (command) =>
      command
        .requiredOption("--server <name>", "the server certificate of the upsd host it monitors")
        .requiredOption("--backend <backend>", "NUT's TLS library on the upsmon host: openssl, nss, or auto")
        .option("--monitor-host <host>", "the host as written in MONITOR (default: the server's first name)")
        .option("--client <name>", "a client certificate for upsmon to present")
        .option("--nickname <name>", "NSS: the client certificate's nickname (default nut-client)")
        .option("--nss-password-file <file>", "NSS with --client: the database password (default: generated)")
        .option("--nss-empty-password", "NSS with --client: a database with an empty password"),
    defaultOut: (_args, options) => `nutca-export/${options.client ?? options.server}/upsmon`,
    build: async (_args, options, store, context) => {
      const [
        upsmon,
        { loadAuthority, loadCertificate, loadIdentity },
        { chooseBackend },
        nss,
        common,
        { readPassphraseFile },
      ] = await Promise.all([
        import("../exports/upsmon.js"),
        import("../store/identity.js"),
        import("../nut/backend.js"),
        import("../nut/nss-tools.js"),
        import("../exports/nut-common.js"),
        import("./passphrase.js"),
      ]);
      const server = loadCertificate(store, options.server, "server");
      const client = options.client === undefined ? undefined : loadIdentity(store, options.client, "client");
      const authority = loadAuthority(store);
      upsmon.monitorTarget(server, options.monitorHost);
      const { backend, note } = await chooseBackend(options.backend, "upsmon");
      const { installDir, monitorHost } = options;
      const base = { server, authority, installDir, backendNote: note, monitorHost, client };
      const nssOnly = options.nickname ?? options.nssPasswordFile ?? options.nssEmptyPassword;
      if (nssOnly && (backend === "openssl" || !client))
        context.warn("--nickname and --nss-* apply only to --backend nss with --client; ignored");
      if (backend === "openssl") return upsmon.upsmonOpensslBundle(base);
      const nickname: string = options.nickname ?? upsmon.DEFAULT_CLIENT_NICKNAME;
      // Without a client key the database holds only public certificates: no password to keep.
      const password = client ? nss.chooseNssPassword(options, readPassphraseFile) : "";
      common.checkNssConfig(installDir, nickname, password);
      const material = await nss.nssMaterial({
        authority,
        certificates: common.nssCaCertificates(authority),
        password,
        identity: client && { identity: client, nickname, usage: "C" },
      });
      return upsmon.upsmonNssBundle({ ...base, nickname, password, nss: material });
    },
  },
];
