/** `nutca export stunnel-server`: stunnel in front of upsd, requiring a client certificate. */
import { Option } from "commander";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

export interface StunnelServerExportOptions {
  server: string;
  accept?: string | undefined;
  connect?: string | undefined;
  pidFile?: string | undefined;
}

export const stunnelServerTarget: ExportTarget<StunnelServerExportOptions> = {
  name: "stunnel-server",
  description: "stunnel in front of upsd: TLS that requires a client certificate, then plaintext to upsd",
  defaultInstallDir: "/etc/stunnel/nut",
  installable: true,
  flags: () => [
    new Option("--server <name>", "the server certificate (the upsd host)").makeOptionMandatory(),
    new Option("--accept <host:port>", "where stunnel listens for TLS (default 0.0.0.0:3494)"),
    new Option("--connect <host:port>", "where upsd listens (default 127.0.0.1:3493)"),
    new Option("--pid-file <path>", "stunnel's pid file (default /run/stunnel-nut-server.pid)"),
  ],
  examples: [
    "nutca export stunnel-server --server ups1",
    "nutca export stunnel-server --server ups1 --accept 192.168.1.10:3494 --connect 127.0.0.1:3493",
  ],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: (_args, options) => `nutca-export/${options.server}/stunnel-server`,
  async build(_args, options, store) {
    const [{ stunnelServerBundle }, { loadAuthority, loadIdentity }, { loadCrl }] = await Promise.all([
      import("../../exports/stunnel.js"),
      import("../../store/identity.js"),
      import("../../store/crl.js"),
    ]);
    const { installDir, accept, connect, pidFile } = options;
    return stunnelServerBundle(loadIdentity(store, options.server, "server"), loadAuthority(store), {
      installDir,
      accept,
      connect,
      pidFile,
      crlPem: loadCrl(store),
    });
  },
};
