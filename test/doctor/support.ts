// Doctor test helpers: exact copies of a store (modes kept), and doctor runs
// that return the codes of the problems it found.
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { doctor, type DoctorOptions } from "../../src/cli/commands/doctor.js";
import type { DoctorReport } from "../../src/doctor/types.js";
import { snapshotDir } from "../helpers/cli.js";
import { dataOf, testContext } from "../inspect/support.js";

/** `cp -a`: modes and owners as they are, which the mode checks look at. */
export function copyTree(from: string, to: string): string {
  const result = spawnSync("cp", ["-a", from, to], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return to;
}

export interface DoctorRun {
  readonly healthy: boolean;
  readonly exitCode: number | undefined;
  /** Codes of the errors and warnings. */
  readonly problems: string[];
  readonly notes: string[];
  readonly report: DoctorReport;
  readonly human: string;
}

/** Runs doctor in-process and checks it left the store (and the export) exactly as they were. */
export async function runDoctor(
  store: string,
  options: DoctorOptions = {},
  env: NodeJS.ProcessEnv = {},
): Promise<DoctorRun> {
  const before = snapshotDir(store);
  const exportBefore = options.export ? snapshotDir(options.export) : undefined;
  const result = await doctor(options, testContext(store, env));
  assert.deepEqual(snapshotDir(store), before, "doctor changed the store");
  if (options.export) assert.deepEqual(snapshotDir(options.export), exportBefore, "doctor changed the export");
  const report = dataOf<DoctorReport>(result);
  const findings = report.checks.flatMap((check) => check.findings);
  return {
    healthy: report.healthy,
    exitCode: result.exitCode,
    problems: findings.filter((finding) => finding.severity !== "info").map((finding) => finding.code),
    notes: findings.filter((finding) => finding.severity === "info").map((finding) => finding.code),
    report,
    human: result.human,
  };
}
