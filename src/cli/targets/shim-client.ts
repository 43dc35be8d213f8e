/** `nutca export shim-client`: what upsmonTLS.py (Roger Price's TLS shim) trusts on a client host. */
import { Option } from "commander";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

export interface ShimClientExportOptions {
  server: string;
  upsdname?: string | undefined;
}

export const shimClientTarget: ExportTarget<ShimClientExportOptions> = {
  name: "shim-client",
  description: "upsmonTLS.py (Roger Price's TLS shim) on a client host: the CA bundle it trusts",
  defaultInstallDir: "/etc/nut",
  installable: true,
  flags: () => [
    new Option("--server <name>", "the server certificate upsmonTLS.py must find").makeOptionMandatory(),
    new Option("--upsdname <host>", "the name it dials and checks (default: the server's first DNS name)"),
  ],
  examples: [
    "nutca export shim-client --server ups1",
    "nutca export shim-client --server ups1 --upsdname ups.example.net",
  ],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: (_args, options) => `nutca-export/${options.server}/shim-client`,
  async build(_args, options, store) {
    const [{ shimClientBundle }, { loadAuthority, loadCertificate }] = await Promise.all([
      import("../../exports/shims.js"),
      import("../../store/identity.js"),
    ]);
    const server = loadCertificate(store, options.server, "server");
    return shimClientBundle(server.certificate, server.name, loadAuthority(store), {
      installDir: options.installDir,
      upsdname: options.upsdname,
    });
  },
};
