/** `nutca export shim-server`: upsdTLS.py (Roger Price's TLS shim) on the upsd host. */
import { Option } from "commander";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

export interface ShimServerExportOptions {
  server: string;
  listen?: string | undefined;
}

export const shimServerTarget: ExportTarget<ShimServerExportOptions> = {
  name: "shim-server",
  description: "upsdTLS.py (Roger Price's TLS shim) on the upsd host: one file with key and certificate",
  defaultInstallDir: "/etc/nut",
  installable: true,
  flags: () => [
    new Option("--server <name>", "the server certificate (the upsd host)").makeOptionMandatory(),
    new Option("--listen <ipv4>", "the address upsdTLS.py listens on, port 401 (default 0.0.0.0)"),
  ],
  examples: ["nutca export shim-server --server ups1", "nutca export shim-server --server ups1 --listen 192.168.1.10"],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: (_args, options) => `nutca-export/${options.server}/shim-server`,
  async build(_args, options, store) {
    const [{ shimServerBundle }, { loadAuthority, loadIdentity }] = await Promise.all([
      import("../../exports/shims.js"),
      import("../../store/identity.js"),
    ]);
    return shimServerBundle(loadIdentity(store, options.server, "server"), loadAuthority(store), {
      installDir: options.installDir,
      listen: options.listen,
    });
  },
};
