/** `nutca export stunnel-client`: stunnel beside upsmon, presenting a client certificate. */
import { Option } from "commander";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

export interface StunnelClientExportOptions {
  client: string;
  server: string;
  connect?: string | undefined;
  accept?: string | undefined;
  pidFile?: string | undefined;
}

export const stunnelClientTarget: ExportTarget<StunnelClientExportOptions> = {
  name: "stunnel-client",
  description: "stunnel beside upsmon: plaintext on 127.0.0.1:3493, TLS with a client certificate to the server",
  defaultInstallDir: "/etc/stunnel/nut",
  installable: true,
  flags: () => [
    new Option("--client <name>", "the client certificate stunnel presents").makeOptionMandatory(),
    new Option("--server <name>", "the server certificate it must find at the other end").makeOptionMandatory(),
    new Option("--connect <host:port>", "the server stunnel (default: the server's first DNS name, port 3494)"),
    new Option("--accept <host:port>", "where upsmon/upsc connect (default 127.0.0.1:3493)"),
    new Option("--pid-file <path>", "stunnel's pid file (default /run/stunnel-nut-client.pid)"),
  ],
  examples: [
    "nutca export stunnel-client --client mon1 --server ups1",
    "nutca export stunnel-client --client mon1 --server ups1 --connect ups1.example.net:3494",
  ],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: (_args, options) => `nutca-export/${options.client}/stunnel-client`,
  async build(_args, options, store) {
    const [{ stunnelClientBundle }, { loadAuthority, loadCertificate, loadIdentity }, { loadCrl }] = await Promise.all([
      import("../../exports/stunnel.js"),
      import("../../store/identity.js"),
      import("../../store/crl.js"),
    ]);
    const { installDir, accept, connect, pidFile } = options;
    const client = loadIdentity(store, options.client, "client");
    const server = loadCertificate(store, options.server, "server").certificate;
    return stunnelClientBundle(client, server, loadAuthority(store), {
      installDir,
      accept,
      connect,
      pidFile,
      crlPem: loadCrl(store),
    });
  },
};
