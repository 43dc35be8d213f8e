/** What `nutca deploy` prints: a line per host (with what shows a problem), and the summary with the exit status. */
import { EXIT } from "../../errors.js";
import type { CommandResult } from "../context.js";
import type { DeployResult } from "./deploy.js";

const STATUS_TEXT: Readonly<Record<DeployResult["status"], string>> = {
  installed: "installed",
  unchanged: "unchanged",
  "dry-run": "dry run",
  "rolled-back": "rolled back",
  failed: "failed",
  refused: "refused",
  unreachable: "unreachable",
  "not exported": "not exported",
};

/** The host's line, and under a problem the lines that show it. */
export function hostLines(result: DeployResult): string[] {
  const parts = [STATUS_TEXT[result.status]];
  if (result.probe === "verified") parts.push("probe verified");
  if (result.probe === "not verified") {
    const finding = result.probeReport?.findings[0];
    parts.push(`probe NOT VERIFIED${finding ? `: ${finding.message}` : ""}`);
  }
  // install.sh's reason of a success ("not restarted — run: …") is part of the status, not an error.
  const reason = result.reason === undefined ? "" : `${result.exitCode === EXIT.ok ? ", " : ": "}${result.reason}`;
  const line = `${result.host} ${result.target} ${result.name}: ${parts.join(", ")}${reason}`;
  // A dry run's report (the diffs) is what was asked for; otherwise only what shows a problem.
  const shown =
    result.status === "dry-run"
      ? result.output
      : result.exitCode === EXIT.ok
        ? []
        : result.detail.filter((detail) => detail !== result.reason);
  return [line, ...shown.map((detail) => `    ${detail}`)];
}

/** The summary, and the exit status: a failure wins over a problem found, which wins over success. */
export function report(results: readonly DeployResult[]): CommandResult {
  const ok = results.filter((result) => result.exitCode === EXIT.ok).length;
  const exitCode = results.some((result) => result.exitCode === EXIT.failure || result.exitCode === EXIT.badInput)
    ? EXIT.failure
    : results.some((result) => result.exitCode === EXIT.problemFound)
      ? EXIT.problemFound
      : EXIT.ok;
  const counts = Object.entries(
    results.reduce<Record<string, number>>((all, result) => {
      const key = STATUS_TEXT[result.status] + (result.probe === "not verified" ? ", probe not verified" : "");
      all[key] = (all[key] ?? 0) + 1;
      return all;
    }, {}),
  ).map(([status, count]) => `${count} ${status}`);
  const human = `Deployed ${ok} of ${results.length} bundle(s) successfully (${counts.join("; ")})`;
  return { data: { hosts: results, summary: { bundles: results.length, ok, exitCode } }, human, exitCode };
}
