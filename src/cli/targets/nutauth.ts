/** `nutca export nutauth`: nutauth.conf, so that NUT 2.8.6's upsc & friends verify the servers they talk to. */
import { Option } from "commander";
import { NutcaError } from "../../errors.js";
import { clientNssMaterial } from "./nss-client.js";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

/** Where the clients find it as $NUT_CONFPATH/nutauth.conf on Debian. */
export const NUTAUTH_DIR = "/etc/nut";

export interface NutauthExportOptions {
  /** Commander gives a list; the batch passes its row's one server. */
  server: string[] | string;
  /** openssl, nss or auto (parsed by chooseBackend). */
  backend: string;
  /** One per --server, in order: the host as clients write it. */
  monitorHost?: string[] | undefined;
  client?: string | undefined;
  port?: string | undefined;
  user?: string | undefined;
  passwordFile?: string | undefined;
}

export const nutauthTarget: ExportTarget<NutauthExportOptions> = {
  name: "nutauth",
  description: "nutauth.conf for NUT 2.8.6+ clients (upsc, upscmd, upsrw, upslog, CGIs): verify each server",
  defaultInstallDir: NUTAUTH_DIR,
  flags: () => [
    new Option(
      "--server <name...>",
      "the server certificates of the upsd hosts (a section each)",
    ).makeOptionMandatory(),
    new Option(
      "--backend <backend>",
      "NUT's TLS library on the client host: openssl, nss, or auto (ldd upsmon)",
    ).makeOptionMandatory(),
    new Option(
      "--monitor-host <host...>",
      "the host as clients write it, one per --server in order (default: each server's first name)",
    ),
    new Option("--client <name>", "a client certificate for the clients to present (upsd CERTREQUEST)"),
    new Option("--port <port>", "upsd's port, as clients write it (default 3493)"),
    new Option("--user <user>", "a upsd.users name for upscmd/upsrw (needs --password-file)"),
    new Option("--password-file <file>", "its password, first line of FILE"),
  ],
  examples: [
    "nutca export nutauth --server ups1 --backend openssl",
    "nutca export nutauth --server ups1 --backend nss --monitor-host ups.example.net --port 3494",
    "nutca export nutauth --server ups1 --client mon1 --backend auto --out /tmp/mon1-nutauth",
  ],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: (_args, options) => `nutca-export/${options.client ?? [options.server].flat()[0]}/nutauth`,
  async build(_args, given, store) {
    const installDir = given.installDir ?? NUTAUTH_DIR;
    const servers = [given.server].flat();
    const hosts = given.monitorHost ?? [];
    if (hosts.length > 0 && hosts.length !== servers.length) {
      throw new NutcaError(
        "USAGE",
        `${hosts.length} --monitor-host for ${servers.length} --server`,
        "give one host per server, in the same order, or none",
      );
    }
    if ((given.user === undefined) !== (given.passwordFile === undefined)) {
      throw new NutcaError("USAGE", "--user and --password-file go together", "pass both, or neither");
    }
    const [nutauth, { loadAuthority, loadCertificate, loadIdentity }, { chooseBackend }, nss, passphrase] =
      await Promise.all([
        import("../../exports/nutauth.js"),
        import("../../store/identity.js"),
        import("../../nut/backend.js"),
        import("../../nut/nss-tools.js"),
        import("../passphrase.js"),
      ]);
    const port = given.port === undefined ? nutauth.NUTAUTH_PORT : Number(given.port);
    const certificates = servers.map((name, index) => ({
      certificate: loadCertificate(store, name, "server"),
      host: hosts[index],
    }));
    const client = given.client === undefined ? undefined : loadIdentity(store, given.client, "client");
    const credentials =
      given.user === undefined || given.passwordFile === undefined
        ? undefined
        : { user: given.user, password: passphrase.readPassphraseFile(given.passwordFile) };
    const checked = { servers: certificates, port, credentials };
    nutauth.checkNutauthInput(checked);
    const authority = loadAuthority(store);
    const { backend, note } = await chooseBackend(given.backend, "upsmon");
    const base = { ...checked, authority, installDir, backendNote: note, client };
    if (backend === "openssl") return nutauth.nutauthOpensslBundle(base);
    const nickname = nutauth.DEFAULT_NUTAUTH_NICKNAME;
    // Without a client key the database holds only public certificates: no password to keep.
    const password = client ? nss.generateNssPassword() : "";
    const material = await clientNssMaterial({ authority, client, installDir, nickname, password });
    if (material.kind !== "database") {
      throw new NutcaError(
        "IO",
        `nutauth's NSS database needs certutil and pk12util here (${material.reason})`,
        "install them (Debian: apt install libnss3-tools), or export with --backend openssl",
      );
    }
    return nutauth.nutauthNssBundle({ ...base, db: material.files, nickname, password });
  },
};
