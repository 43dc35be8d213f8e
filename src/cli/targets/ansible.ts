/**
 * `nutca export ansible`: an inventory, a playbook and each host's bundle
 * (upsd for a server, upsmon for a client), for fleets run with Ansible. The
 * bundles are the batch's (issue --from ... --export), built by the same
 * targets; the playbook runs their install.sh.
 */
import { join } from "node:path";
import { Option } from "commander";
import { NutcaError, type Problem } from "../../errors.js";
import type { AnsibleHost, HostAddress } from "../../exports/ansible.js";
import type { ExportRow } from "../commands/issue-batch-export.js";
import { EXPORT_EXIT_CODES, type ExportTarget } from "./target.js";

export interface AnsibleExportOptions {
  from?: string | undefined;
  server?: string | undefined;
  client?: string | undefined;
  host?: string | undefined;
  /** openssl, nss or auto (parsed by chooseBackend). */
  backend: string;
  connection?: string | undefined;
}

/** A row that names a host, for one of --server/--client. */
type HostRow = ExportRow & { readonly host: string };

export const ansibleTarget: ExportTarget<AnsibleExportOptions> = {
  name: "ansible",
  description: "an Ansible inventory and playbook that run each host's install.sh (upsd hosts, then upsmon hosts)",
  flags: () => [
    new Option("--from <manifest>", "the manifest of issue --from, with a host column ([user@]host[:port])"),
    new Option("--server <name>", "one upsd host (or, with --client, the server it monitors)"),
    new Option("--client <name>", "one upsmon host, with --server"),
    new Option("--host <[user@]host[:port]>", "with --server or --client: where Ansible reaches that host"),
    new Option("--backend <backend>", "NUT's TLS library on the hosts: openssl, nss, or auto").makeOptionMandatory(),
    new Option("--connection <plugin>", "ansible_connection for every host (default: Ansible's, ssh)"),
    new Option("--install-dir <dir>", "where the TLS files will live on the hosts (default /etc/nut/tls)"),
  ],
  examples: [
    "nutca export ansible --from fleet.csv --backend nss --out fleet-ansible",
    "nutca export ansible --server ups1 --host admin@ups1.example.net --backend openssl --out ups1-ansible",
    "nutca export ansible --client mon1 --server ups1 --host 192.0.2.7:2222 --backend nss --out mon1-ansible",
  ],
  exitCodes: EXPORT_EXIT_CODES,
  defaultOut: (_args, options) =>
    options.from === undefined ? `nutca-export/${options.client ?? options.server}/ansible` : "nutca-export/ansible",
  async build(_args, options, store, context) {
    const [{ ansibleBundle, parseHostAddress }, batch, { readManifest }, { chooseBackend }] = await Promise.all([
      import("../../exports/ansible.js"),
      import("../commands/issue-batch-export.js"),
      import("../commands/issue-batch.js"),
      import("../../nut/backend.js"),
    ]);
    if (options.from !== undefined && (options.server ?? options.client ?? options.host) !== undefined) {
      throw new NutcaError(
        "USAGE",
        "--from and --server/--client/--host exclude each other",
        "the manifest names the hosts",
      );
    }
    const rows =
      options.from === undefined ? singleRow(options) : manifestRows(options.from, readManifest, context.now);
    const servers = new Set(store.entries(context.now).flatMap((e) => (e.kind === "server" ? [e.name] : [])));
    // The bundles go under <out>/files/: checked there, as a batch checks its --out.
    const out = options.out ?? ansibleTarget.defaultOut(_args, options);
    const plan = batch.planBatchExport(
      {
        export: ["upsd", "upsmon"],
        out: join(out, "files"),
        backend: (await chooseBackend(options.backend, "upsd")).backend,
        installDir: options.installDir,
      },
      store.root,
    )!;
    const problems = [...batch.exportRowProblems(plan, rows, servers)];
    const addresses = new Map<string, HostAddress>();
    for (const row of rows) {
      try {
        addresses.set(row.name, parseHostAddress(row.host, options.from === undefined ? "--host" : "the host"));
      } catch (error) {
        if (!(error instanceof NutcaError)) throw error;
        problems.push({ line: row.line, message: error.message });
      }
    }
    if (problems.length > 0) throw badRows(options.from, problems);
    const hosts: AnsibleHost[] = [];
    for (const bundle of batch.batchBundles(plan, rows, store, context)) {
      const server = bundle.target.name === "upsd";
      hosts.push({
        name: bundle.name,
        group: server ? "nut_servers" : "nut_clients",
        target: server ? "upsd" : "upsmon",
        address: addresses.get(bundle.name)!,
        bundle: await bundle.build(),
      });
    }
    const backend = plan.options.backend as "openssl" | "nss";
    return ansibleBundle({ hosts, backend, connection: connectionName(options.connection) });
  },
};

function singleRow(options: AnsibleExportOptions): HostRow[] {
  const name = options.client ?? options.server;
  if (name === undefined) {
    throw new NutcaError("USAGE", "export ansible needs --from <manifest>, or --server/--client <name>", "see --help");
  }
  if (options.host === undefined) {
    throw new NutcaError(
      "USAGE",
      `export ansible --${options.client ? "client" : "server"} needs --host`,
      "e.g. --host admin@ups1:22",
    );
  }
  if (options.client !== undefined && options.server === undefined) {
    throw new NutcaError("USAGE", "export ansible --client needs --server", "the server that upsmon monitors");
  }
  const kind = options.client === undefined ? "server" : "client";
  return [{ line: 1, kind, name, server: kind === "client" ? options.server : undefined, host: options.host }];
}

function manifestRows(
  path: string,
  read: (path: string, now: Date) => { rows: readonly (ExportRow & { host?: string })[]; problems: readonly Problem[] },
  now: Date,
): HostRow[] {
  const manifest = read(path, now);
  const problems = [...manifest.problems];
  for (const row of manifest.rows) {
    if (row.host === undefined) {
      problems.push({ line: row.line, message: `no host for ${row.name} (the host column: [user@]host[:port])` });
    }
  }
  if (problems.length > 0) throw badRows(path, problems);
  return manifest.rows as HostRow[];
}

/** One line for every bad row (or the one host of --server/--client): refused whole, before anything is written. */
function badRows(path: string | undefined, problems: readonly Problem[]): NutcaError {
  if (path === undefined) return new NutcaError("USAGE", problems.map((p) => p.message).join("; "), "see --help");
  const list = [...problems].sort((a, b) => a.line - b.line).map((p) => `line ${p.line}: ${p.message}`);
  return new NutcaError("BAD_FILE", `the manifest ${path}: ${list.join("; ")}`, "fix those rows and run again");
}

function connectionName(connection: string | undefined): string | undefined {
  if (connection !== undefined && !/^[a-z][a-z0-9_.]*$/.test(connection)) {
    throw new NutcaError(
      "USAGE",
      `--connection ${JSON.stringify(connection)} is no connection plugin name`,
      "e.g. ssh or local",
    );
  }
  return connection;
}
