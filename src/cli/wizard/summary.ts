/**
 * The end of a run: what was written where, the config lines to paste (only
 * from files that hold no secret), how to install and check, and the commands
 * that do the same without the wizard.
 */
import { readFileSync } from "node:fs";
import { basename, relative } from "node:path";
import type { ExportJob } from "./exports.js";
import type { Mode, Step } from "./plan.js";
import { commandLine } from "./run.js";

interface ExportData {
  readonly target: string;
  readonly out: string;
  readonly files: readonly { path: string; mode: string; purpose: string }[];
  readonly summary: readonly string[];
}

export interface SummaryInput {
  readonly storeDir: string;
  readonly out?: string;
  readonly steps: readonly Step[];
  readonly jobs: readonly ExportJob[];
  /** The names clients connect to, per server (for the check commands). */
  readonly serverNames: ReadonlyMap<string, string>;
  /** Whether the CA key is encrypted (the scripted commands then need the passphrase). */
  readonly encrypted: boolean;
  readonly modes: readonly Mode[];
}

/** Files whose text is what goes into a config file. */
const CONFIG_FILE = /(\.snippet|\.conf)$/;

export function renderSummary(input: SummaryInput): string[] {
  const exports = input.steps
    .filter((step) => step.argv.includes("export"))
    .map((step) => ({ host: hostOf(step.argv, input.out), data: step.result.data as ExportData }));
  const lines: string[] = ["", "Summary", "", `CA store: ${input.storeDir}`];
  if (exports.length > 0) {
    lines.push("", "Written:");
    for (const { data } of exports) {
      lines.push(`  ${data.out}/`);
      for (const file of data.files) {
        lines.push(`    ${relative(data.out, file.path).padEnd(24)} ${file.mode}  ${file.purpose}`);
      }
      lines.push(...data.summary.map((line) => `    -> ${line}`));
    }
    lines.push("", "Lines to paste (each directory's README.txt has them too):");
    for (const { host, data } of exports) lines.push(...configLines(host ?? "", data));
    lines.push("", "Install: copy each host's directory to it, then follow README.txt in each sub-directory:");
    for (const host of new Set(exports.flatMap(({ host }) => (host === undefined ? [] : [host])))) {
      const address = input.serverNames.get(host) ?? host;
      lines.push(`  scp -r ${input.out}/${host} root@${address}:nutca-${host}   # delete the copy once installed`);
    }
    lines.push("", "Check:", ...checkLines(input));
  }
  const skipped = input.jobs.filter((job) => job.skipped !== undefined);
  if (skipped.length > 0) {
    lines.push("", "Not exported:");
    for (const job of skipped) lines.push(`  ${job.host} ${job.target}: ${job.skipped}`);
  }
  if (input.steps.length > 0) {
    lines.push("", "The same without the wizard:");
    if (input.encrypted)
      lines.push("  # the CA passphrase: --passphrase-file FILE, or NUTCA_PASSPHRASE in the environment");
    for (const step of input.steps) lines.push(`  ${commandLine(step.argv)}`);
  }
  return lines;
}

/**
 * The lines of each config file. A snippet that holds the NSS database
 * password is shown with the password masked; other secret files are only named.
 */
function configLines(host: string, data: ExportData): string[] {
  const lines: string[] = [];
  for (const file of data.files.filter((candidate) => CONFIG_FILE.test(candidate.path))) {
    const name = basename(file.path);
    const secret = file.mode !== "0644";
    if (secret && !name.endsWith(".snippet")) {
      lines.push(`  ${file.path} holds a secret: see the file`);
      continue;
    }
    const text = readFileSync(file.path, "utf8");
    let shown = text.split("\n").filter((line) => line.trim() !== "");
    // A whole stunnel.conf is installed as it is; its directives are what matter here.
    if (name.endsWith(".conf")) shown = shown.filter((line) => !/^\s*[;#]/.test(line));
    if (secret)
      shown = shown.map((line) => line.replace(/^(CERTIDENT\s+"[^"]*"\s+)"[^"]*"/, '$1"<password: see the file>"'));
    const target = name.replace(/\.snippet$/, "");
    lines.push(`  ${target} on ${host} (${name.endsWith(".snippet") ? "from" : "whole file:"} ${file.path}):`);
    lines.push(...shown.map((line) => `    ${line}`));
  }
  return lines;
}

function hostOf(argv: readonly string[], out: string | undefined): string | undefined {
  const at = argv.indexOf("--out");
  if (out === undefined || at < 0) return undefined;
  return relative(out, argv[at + 1]!).split("/")[0];
}

function checkLines(input: SummaryInput): string[] {
  const lines: string[] = [];
  if (input.modes.includes("native")) {
    for (const name of input.serverNames.values()) {
      const probe = commandLine(["--store", input.storeDir, "probe", name]);
      lines.push(`  ${probe}   # STARTTLS like upsmon: checks the chain and the name`);
      lines.push(`  upsmon on a client logs "Connected to NUT server ${name} in SSL"`);
    }
    lines.push(
      '  "Certificate validation failed" then "SSL is not available" in upsmon\'s log: the chain or name is wrong.',
    );
  }
  // The server stunnel wants a client certificate, which a probe does not present: check from a client.
  if (input.modes.includes("stunnel"))
    lines.push("  stunnel: on a client, upsc <ups>@127.0.0.1 answers through the tunnel.");
  if (input.modes.includes("shims"))
    lines.push("  shims: on a client, upsc <ups>@127.0.0.1 answers through upsmonTLS.py.");
  return lines;
}
