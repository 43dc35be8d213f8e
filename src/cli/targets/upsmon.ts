/** `nutca export upsmon`: what upsmon trusts (and, with --client, presents) for NUT's own TLS. */
import { Option } from "commander";
import { clientNssMaterial } from "./nss-client.js";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";
import { NUT_TLS_DIR } from "./upsd.js";

export interface UpsmonExportOptions {
  server: string;
  /** openssl, nss or auto (parsed by chooseBackend). */
  backend: string;
  monitorHost?: string | undefined;
  client?: string | undefined;
  nickname?: string | undefined;
  nssPasswordFile?: string | undefined;
  nssEmptyPassword?: boolean | undefined;
  /** 2.8.0, 2.8.5, 2.8.6 or auto (parsed by chooseNutVersion). */
  nutVersion?: string | undefined;
  port?: string | undefined;
}

export const upsmonTarget: ExportTarget<UpsmonExportOptions> = {
  name: "upsmon",
  description: "upsmon's TLS files: a hashed CA directory (OpenSSL builds) or an NSS database (NSS builds)",
  defaultInstallDir: NUT_TLS_DIR,
  installable: true,
  flags: () => [
    new Option("--server <name>", "the server certificate of the upsd host it monitors").makeOptionMandatory(),
    new Option(
      "--backend <backend>",
      "NUT's TLS library on the upsmon host: openssl, nss, or auto",
    ).makeOptionMandatory(),
    new Option("--monitor-host <host>", "the host as written in MONITOR (default: the server's first name)"),
    new Option("--client <name>", "a client certificate for upsmon to present"),
    new Option("--nickname <name>", "NSS: the client certificate's nickname (default nut-client)"),
    new Option("--nss-password-file <file>", "NSS with --client: the database password (default: generated)"),
    new Option("--nss-empty-password", "NSS with --client: a database with an empty password"),
    new Option("--port <port>", "the port of the MONITOR line (default 3493; NUT 2.8.6's CERTHOST names another)"),
    new Option(
      "--nut-version <version>",
      "the host's NUT: 2.8.0 (default, Debian 12), 2.8.5, 2.8.6, or auto (upsmon -V)",
    ),
  ],
  examples: [
    "nutca export upsmon --server ups1 --backend nss",
    "nutca export upsmon --server ups1 --backend openssl --monitor-host ups.example.net",
    "nutca export upsmon --server ups1 --client mon1 --backend nss --out /tmp/mon1-upsmon",
    "nutca export upsmon --server ups1 --client mon1 --backend openssl --nut-version 2.8.6 --port 3494",
  ],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: (_args, options) => `nutca-export/${options.client ?? options.server}/upsmon`,
  async build(_args, given, store, context) {
    // exportBundle passes the default install dir; the type cannot say so.
    const options = { ...given, installDir: given.installDir ?? NUT_TLS_DIR };
    const [
      upsmon,
      { monitorTarget, parsePort },
      { chooseNutVersion },
      { loadAuthority, loadCertificate, loadIdentity },
      { chooseBackend },
      nss,
      { readPassphraseFile },
    ] = await Promise.all([
      import("../../exports/upsmon.js"),
      import("../../exports/upsmon-monitor.js"),
      import("../../nut/version.js"),
      import("../../store/identity.js"),
      import("../../nut/backend.js"),
      import("../../nut/nss-tools.js"),
      import("../passphrase.js"),
    ]);
    const server = loadCertificate(store, options.server, "server");
    const client = options.client === undefined ? undefined : loadIdentity(store, options.client, "client");
    const authority = loadAuthority(store);
    monitorTarget(server, options.monitorHost);
    const port = parsePort(options.port);
    const { backend, note } = await chooseBackend(options.backend, "upsmon");
    const nut = await chooseNutVersion(options.nutVersion, "upsmon");
    const { installDir, monitorHost } = options;
    const base = { server, authority, installDir, backendNote: note, monitorHost, client, port, nut };
    const nssOnly = options.nickname ?? options.nssPasswordFile ?? options.nssEmptyPassword;
    if (nssOnly && (backend === "openssl" || !client))
      context.warn("--nickname and --nss-* apply only to --backend nss with --client; ignored");
    if (backend === "openssl") return upsmon.upsmonOpensslBundle(base);
    const nickname = options.nickname ?? upsmon.DEFAULT_CLIENT_NICKNAME;
    // Without a client key the database holds only public certificates: no password to keep.
    const password = client ? nss.chooseNssPassword(options, readPassphraseFile) : "";
    const material = await clientNssMaterial({ authority, client, installDir, nickname, password });
    return upsmon.upsmonNssBundle({ ...base, nickname, password, nss: material });
  },
};
