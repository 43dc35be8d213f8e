/**
 * The budgets of issue 13 ("Performance after the change"), judged on the bench's rows: each row
 * that has one gets the budget's text, the measured figure beside it, and whether it was met.
 */
import type { Result, Row } from "./measure.js";

interface Check {
  readonly text: string;
  /** undefined: the figure it needs is missing (a tool not installed, a row that failed). */
  readonly met: boolean | undefined;
}

const times = (x: number) => `${x.toFixed(2)}×`;

function result(rows: readonly Row[], job: string, tool: string): Result | undefined {
  const row = rows.find((one) => one.job === job && one.tool === tool);
  return row === undefined || typeof row.result === "string" ? undefined : row.result;
}

function perCert(rows: readonly Row[], job: string, tool: string): number | undefined {
  const row = rows.find((one) => one.job === job && one.tool === tool);
  const measured = result(rows, job, tool);
  return measured === undefined ? undefined : measured.ms / (row!.certificates ?? 1);
}

/** `actual` must be at most `limit` (or, with atLeast, at least). */
function check(label: string, actual: number | undefined, limit: number, atLeast = false): Check {
  if (actual === undefined) return { text: `${label} (?)`, met: undefined };
  return { text: `${label} (${times(actual)})`, met: atLeast ? actual >= limit : actual <= limit };
}

function assign(rows: readonly Row[], job: string, tool: string, checks: readonly Check[]): void {
  const row = rows.find((one) => one.job === job && one.tool === tool);
  if (row === undefined) return;
  const met = checks.some((one) => one.met === false)
    ? false
    : checks.every((one) => one.met === true)
      ? true
      : undefined;
  row.budget = { text: checks.map((one) => one.text).join("; "), met };
}

export interface BatchJob {
  readonly job: string;
  readonly count: number;
  /** The row of the same count of store writes done alone. */
  readonly storeWritesJob: string;
}

export function judge(
  rows: readonly Row[],
  baselineMs: number,
  batches: readonly BatchJob[],
  list: { readonly job: string; readonly size: number },
): void {
  const ratio = (job: string, tool: string) => {
    const measured = result(rows, job, tool);
    return measured === undefined ? undefined : measured.ms / baselineMs;
  };
  assign(rows, "--version", "nutca", [check("≤ 1.3× node -e 0", ratio("--version", "nutca"), 1.3)]);

  const issue = "issue client P-256";
  const nutcaIssue = result(rows, issue, "nutca");
  const easyRsaIssue = result(rows, issue, "easy-rsa");
  const issueSpeedUp = nutcaIssue && easyRsaIssue && easyRsaIssue.ms / nutcaIssue.ms;
  assign(rows, issue, "nutca", [
    check("≤ 2.5× node -e 0", ratio(issue, "nutca"), 2.5),
    check("≥ 1.5× faster than easy-rsa", issueSpeedUp, 1.5, true),
  ]);

  // easy-rsa's cost per EC certificate: from its longest loop, else from its single issue.
  const easyRsaLoops = batches.map(({ job }) => perCert(rows, job, "easy-rsa loop")).filter((ms) => ms !== undefined);
  const easyRsaPerCert = easyRsaLoops.length > 0 ? easyRsaLoops[easyRsaLoops.length - 1] : easyRsaIssue?.ms;
  const first = batches[0];
  for (const batch of batches) {
    const nutca = perCert(rows, batch.job, "nutca issue --from");
    const floor = perCert(rows, batch.storeWritesJob, "store writes alone");
    const checks = [
      check("per cert ≤ 1.5× store writes alone", nutca && floor && nutca / floor, 1.5),
      check("≥ 25× faster than easy-rsa per cert", nutca && easyRsaPerCert && easyRsaPerCert / nutca, 25, true),
    ];
    if (first !== undefined && batch !== first) {
      const firstPerCert = perCert(rows, first.job, "nutca issue --from");
      const label = `per cert ≤ 1.2× ${first.count.toLocaleString("en")}'s`;
      checks.push(check(label, nutca && firstPerCert && nutca / firstPerCert, 1.2));
    }
    assign(rows, batch.job, "nutca issue --from", checks);
  }

  const listMs = result(rows, list.job, "nutca")?.ms;
  const listBudget: Check =
    list.size === 10_000 && listMs !== undefined
      ? { text: `< 400 ms at 10,000 certs`, met: listMs < 400 }
      : { text: `< 400 ms at 10,000 certs (? not a 10,000 store)`, met: undefined };
  assign(rows, list.job, "nutca", [listBudget]);
}

/** The install row: its size in MB as du counts it (MiB), against the 30 MB budget. */
export function installRow(kb: number | string): Row {
  const job = "npm install -g of the packed tarball";
  if (typeof kb === "string") return { job, tool: "du -sk", result: kb, budget: { text: "≤ 30 MB", met: undefined } };
  const mb = kb / 1024;
  return { job, tool: "du -sk", result: `${mb.toFixed(1)} MB on disk`, budget: { text: "≤ 30 MB", met: mb <= 30 } };
}
