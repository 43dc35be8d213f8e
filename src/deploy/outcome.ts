/**
 * What one host's install.sh run came to, read from its machine line
 * (`nutca-install: STATUS TARGET NAME [REASON]`) or, when there is none, from
 * how ssh ended. Pure.
 */
import { SSH_FAILED, type SshRun } from "./ssh.js";

export type InstallStatus = "installed" | "unchanged" | "dry-run" | "rolled-back" | "failed" | "refused";
export type HostStatus = InstallStatus | "unreachable";

export interface InstallOutcome {
  readonly status: HostStatus;
  /** install.sh restarted the daemon: there is something new to probe. */
  readonly restarted: boolean;
  readonly reason?: string;
  /** install.sh's warnings and log lines (passwords already masked by it), or ssh's error. */
  readonly detail: readonly string[];
  /** install.sh's report before its last line: what it did, or with --dry-run what it would do and the diffs. */
  readonly output: readonly string[];
}

const STATUSES: readonly string[] = ["installed", "unchanged", "dry-run", "rolled-back", "failed", "refused"];
const MACHINE_LINE = /^nutca-install: (\S+) \S+ \S+(?: (.*))?$/;

export function installOutcome(run: SshRun): InstallOutcome {
  const lines = run.stdout.split("\n").filter((line) => line.trim() !== "");
  const machine = MACHINE_LINE.exec(lines[lines.length - 1] ?? "");
  const detail = run.stderr
    .split("\n")
    .map((line) => line.replace(/^nutca-install: /, "").trimEnd())
    .filter((line) => line !== "");
  if (machine && STATUSES.includes(machine[1]!)) {
    const status = machine[1] as InstallStatus;
    const reason = machine[2];
    const restarted = status === "installed" && !(reason ?? "").startsWith("not restarted");
    const output = lines.slice(0, -1);
    return { status, restarted, ...(reason === undefined ? {} : { reason }), detail, output };
  }
  const last = detail[detail.length - 1] ?? `ssh exited with status ${run.code}`;
  const status = run.code === SSH_FAILED ? "unreachable" : "failed";
  return { status, restarted: false, reason: last, detail, output: lines };
}
