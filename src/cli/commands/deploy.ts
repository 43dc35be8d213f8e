/**
 * `nutca deploy <target> ... --host H` and `nutca deploy --from MANIFEST`:
 * each bundle is exported into a private temporary directory, streamed over
 * ssh and installed by its own install.sh; a upsd is then probed from here.
 * One line per host as it finishes, then a summary; exit 0 only when every
 * host is done and verified, 4 when one was checked and found wrong (rolled
 * back, refused, or its probe did not verify), 1 when one could not be reached.
 */
import { statSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { DESTINATION_HINT, formatDestination, parseDestination, type Destination } from "../../deploy/destination.js";
import { runFleet } from "../../deploy/fleet.js";
import { makePrivateDir, removePrivateDir } from "../../deploy/private-dir.js";
import { installOutcome, type HostStatus } from "../../deploy/outcome.js";
import { installOverSsh, resolvedHostname, type SshOptions } from "../../deploy/ssh.js";
import { EXIT, type ExitStatus, NutcaError } from "../../errors.js";
import type { ProbeReport } from "../../nut/probe-report.js";
import { subjectAltNames } from "../../pki/profiles.js";
import { loadCertificate } from "../../store/identity.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { terminalText } from "../output.js";
import { findTarget } from "../targets/index.js";
import type { AnyExportTarget } from "../targets/target.js";
import { exportBundle } from "./export.js";
import { hostLines, report } from "./deploy-report.js";
import { NUT_PORT, probe } from "./probe.js";

/** The options of both forms: how to reach the hosts and what install.sh is told. */
export interface DeployOptions {
  sshConfig?: string | undefined;
  installRoot?: string | undefined;
  restart?: string | undefined;
  dryRun?: boolean | undefined;
  user?: string | undefined;
  confDir?: string | undefined;
  probePort?: string | undefined;
}

/** One bundle for one host. */
export interface DeployStep {
  readonly name: string;
  readonly target: AnyExportTarget;
  readonly args: readonly string[];
  readonly exportOptions: object;
}

/** A host and its bundles, installed one after the other (two install.sh never edit one host at once). */
export interface HostJob {
  readonly destination: Destination;
  readonly steps: readonly DeployStep[];
}

export type ProbeVerdict = "verified" | "not verified" | "not probed";

export interface DeployResult {
  readonly host: string;
  readonly name: string;
  readonly target: string;
  readonly status: HostStatus | "not exported";
  readonly reason?: string;
  readonly detail: readonly string[];
  readonly output: readonly string[];
  readonly probe: ProbeVerdict;
  readonly probeReport?: ProbeReport;
  readonly exitCode: ExitStatus;
  /** Time spent in nutca itself (export, packing, probe set-up): the whole minus ssh and the probe. */
  readonly nutcaMs: number;
  readonly sshMs: number;
}

interface Settings {
  readonly ssh: SshOptions;
  /** install.sh's options for the bundle of one certificate name ({name} in --install-root). */
  readonly installArgs: (name: string) => string[];
  readonly probePort: number;
  readonly probes: boolean;
}

/** `nutca deploy <target> [args] --host H`: one host. */
export async function deployTarget(
  targetName: string,
  args: readonly string[],
  options: DeployOptions & { host: string } & Record<string, unknown>,
  context: Context,
): Promise<CommandResult> {
  const target = findTarget(targetName);
  if (!target) throw new NutcaError("INTERNAL", `no export target ${targetName}`, "report it");
  const destination = parseHost(options.host, "--host");
  const settings = deploySettings(options);
  const exportOptions = Object.fromEntries(
    Object.entries(options).filter(([key]) => !(key in DEPLOY_KEYS) && key !== "host"),
  );
  const name = String(options.client ?? options.server ?? args[0] ?? targetName);
  const job: HostJob = { destination, steps: [{ name, target, args, exportOptions }] };
  const results = await deployAll([job], 1, settings, context);
  const only = results[0]!;
  if (only.status === "not exported") throw only.error;
  return report(results.map((outcome) => outcome.result));
}

const DEPLOY_KEYS: Readonly<Record<keyof DeployOptions, true>> = {
  sshConfig: true,
  installRoot: true,
  restart: true,
  dryRun: true,
  user: true,
  confDir: true,
  probePort: true,
};

export function parseHost(text: string, where: string): Destination {
  const destination = parseDestination(text);
  if (!destination) throw new NutcaError("USAGE", `${where} "${text}" is not [user@]host[:port]`, DESTINATION_HINT);
  return destination;
}

export function deploySettings(options: DeployOptions): Settings {
  for (const [flag, path] of [
    ["--install-root", options.installRoot],
    ["--conf-dir", options.confDir],
  ] as const) {
    if (path !== undefined && !path.startsWith("/"))
      throw new NutcaError("USAGE", `${flag} "${path}" is not an absolute path`, "it is a path on the host");
  }
  if (options.restart !== undefined && options.restart.trim() === "")
    throw new NutcaError("USAGE", "--restart needs auto, none or a command", "e.g. --restart none");
  if (options.sshConfig !== undefined) {
    let isFile = false;
    try {
      isFile = statSync(options.sshConfig).isFile();
    } catch {
      // reported below
    }
    if (!isFile)
      throw new NutcaError(
        "BAD_FILE",
        `cannot read the ssh config ${options.sshConfig}`,
        "check the --ssh-config path",
      );
  }
  const probePort = options.probePort === undefined ? NUT_PORT : Number(options.probePort);
  if (!Number.isInteger(probePort) || probePort < 1 || probePort > 65535)
    throw new NutcaError("USAGE", `--probe-port "${options.probePort}" is not a port`, "e.g. --probe-port 3493");
  const installArgs = (name: string) => [
    ...(options.installRoot === undefined ? [] : ["--root", options.installRoot.replaceAll("{name}", name)]),
    ...(options.restart === undefined ? [] : ["--restart", options.restart]),
    ...(options.dryRun === true ? ["--dry-run"] : []),
    ...(options.user === undefined ? [] : ["--user", options.user]),
    ...(options.confDir === undefined ? [] : ["--conf-dir", options.confDir]),
  ];
  // Nothing new runs after a dry run or with --restart none: a probe would only see the old set-up.
  const probes = options.dryRun !== true && options.restart !== "none";
  return { ssh: { configFile: options.sshConfig }, installArgs, probePort, probes };
}

type StepOutcome =
  { status: "done"; result: DeployResult } | { status: "not exported"; result: DeployResult; error: NutcaError };

/** Every job, `parallel` hosts at a time; on a terminal (not --json) a line per host as it finishes. */
export async function deployAll(
  jobs: readonly HostJob[],
  parallel: number,
  settings: Settings,
  context: Context,
): Promise<StepOutcome[]> {
  const perHost = await runFleet(
    jobs,
    parallel,
    async (job) => {
      const outcomes: StepOutcome[] = [];
      for (const step of job.steps) outcomes.push(await deployStep(job.destination, step, settings, context));
      return outcomes;
    },
    (outcomes) => {
      if (context.json) return;
      for (const { result } of outcomes) process.stdout.write(terminalText(hostLines(result).join("\n")) + "\n");
    },
  );
  return perHost.flat();
}

async function deployStep(
  destination: Destination,
  step: DeployStep,
  settings: Settings,
  context: Context,
): Promise<StepOutcome> {
  const started = performance.now();
  const base = { host: formatDestination(destination), name: step.name, target: step.target.name };
  const local = makePrivateDir();
  try {
    const bundleDir = join(local, "bundle");
    try {
      await exportBundle(step.target, step.args, { ...step.exportOptions, out: bundleDir }, context);
    } catch (error) {
      if (!(error instanceof NutcaError)) throw error;
      const result: DeployResult = {
        ...base,
        status: "not exported",
        reason: error.line,
        detail: [],
        output: [],
        probe: "not probed",
        exitCode: error.exitCode,
        nutcaMs: performance.now() - started,
        sshMs: 0,
      };
      return { status: "not exported", result, error };
    }
    const run = await installOverSsh(destination, settings.ssh, bundleDir, settings.installArgs(step.name));
    const outcome = installOutcome(run);
    const probeStarted = performance.now();
    const wanted =
      step.target.name === "upsd" && settings.probes && (outcome.restarted || outcome.status === "unchanged");
    const probeReport = wanted ? await probeHost(destination, step.name, settings, context) : undefined;
    const probeMs = wanted ? performance.now() - probeStarted : 0;
    const verdict: ProbeVerdict =
      probeReport === undefined ? "not probed" : probeReport.verified ? "verified" : "not verified";
    const result: DeployResult = {
      ...base,
      status: outcome.status,
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
      detail: outcome.detail,
      output: outcome.output,
      probe: verdict,
      ...(probeReport === undefined ? {} : { probeReport }),
      exitCode: exitOf(outcome.status, verdict),
      nutcaMs: performance.now() - started - run.sshMs - probeMs,
      sshMs: run.sshMs,
    };
    return { status: "done", result };
  } finally {
    removePrivateDir(local);
  }
}

function exitOf(status: HostStatus, verdict: ProbeVerdict): ExitStatus {
  if (status === "unreachable" || status === "failed") return EXIT.failure;
  if (status === "rolled-back" || status === "refused" || verdict === "not verified") return EXIT.problemFound;
  return EXIT.ok;
}

const PROBE_ATTEMPTS = 3;

/** The probe from this machine: the address ssh resolves, the certificate's first DNS name, the store's CA. */
async function probeHost(
  destination: Destination,
  name: string,
  settings: Settings,
  context: Context,
): Promise<ProbeReport> {
  const hostname = await resolvedHostname(destination, settings.ssh);
  const certificate = loadCertificate(new CaStore(context.storeDir), name, "server").certificate;
  const expected = subjectAltNames(certificate).dns[0] ?? hostname;
  const address = `${isIP(hostname) === 6 ? `[${hostname}]` : hostname}:${settings.probePort}`;
  let report: ProbeReport | undefined;
  // A daemon restarted a moment ago may not be listening yet: only a refused connection is retried.
  for (let attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
    report = (await probe(address, { name: expected }, context)).data as ProbeReport;
    if (report.verified || report.chain.length > 0 || report.reply !== undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return report!;
}
