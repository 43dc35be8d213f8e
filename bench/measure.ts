/**
 * Timing and memory of one child process, medians, and the printed table.
 * Wall time is taken here with hrtime (finer than time's 10 ms %e); peak RSS
 * comes from GNU time's %M when it is installed, because spawnSync reports no
 * resource usage of its child.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const GNU_TIME = "/usr/bin/time";
export const HAS_GNU_TIME = existsSync(GNU_TIME);

export interface Sample {
  readonly ms: number;
  /** Peak resident set size in KiB; undefined without GNU time. */
  readonly kb: number | undefined;
}

export interface RunSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Scratch directory for time's -o file. */
  readonly scratch: string;
}

/** Runs the command once; throws with its stderr when it fails, so a broken row never looks fast. */
export function runOnce(spec: RunSpec): Sample {
  const out = join(spec.scratch, "time.out");
  const [command, args] = HAS_GNU_TIME
    ? [GNU_TIME, ["-f", "%M", "-o", out, spec.command, ...spec.args]]
    : [spec.command, [...spec.args]];
  const options: SpawnSyncOptions = { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "ignore", "pipe"] };
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { ...options, maxBuffer: 16 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    const stderr = String(result.stderr ?? "").trim();
    throw new Error(`${spec.command} ${spec.args.join(" ")} exited ${result.status}: ${stderr.split("\n").pop()}`);
  }
  let kb: number | undefined;
  if (HAS_GNU_TIME) {
    // time writes "Command exited..." lines before %M only on failure; the last line is the number.
    kb = Number(readFileSync(out, "utf8").trim().split("\n").pop());
    rmSync(out, { force: true });
  }
  return { ms, kb };
}

export interface Result {
  readonly ms: number;
  readonly kb: number | undefined;
  readonly runs: number;
}

export interface Row {
  readonly job: string;
  readonly tool: string;
  /** How many certificates the job makes, for the per-certificate column. */
  readonly certificates?: number;
  /** Median wall time in ms and the highest peak RSS seen; or why there is no number. */
  readonly result: Result | string;
  /** The budget for this row, and whether it was met (undefined: it could not be judged). */
  budget?: { readonly text: string; readonly met: boolean | undefined };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summarize(samples: readonly Sample[]): Result {
  const kbs = samples.map((s) => s.kb).filter((kb): kb is number => kb !== undefined);
  return {
    ms: median(samples.map((s) => s.ms)),
    kb: kbs.length > 0 ? Math.max(...kbs) : undefined,
    runs: samples.length,
  };
}

/** The first line of a failure, shortened: the table stays readable and the cause is still named. */
function failed(error: unknown): string {
  return `failed: ${(error as Error).message.split("\n")[0]!.slice(0, 110)}`;
}

/** Runs `next(i)` `runs` times and summarizes; a failure becomes the row's text instead of a number. */
export function measure(
  job: string,
  tool: string,
  runs: number,
  next: (i: number) => Sample,
  certificates?: number,
): Row {
  const counted = certificates === undefined ? {} : { certificates };
  try {
    return { job, tool, ...counted, result: summarize(Array.from({ length: runs }, (_, i) => next(i))) };
  } catch (error) {
    return { job, tool, ...counted, result: failed(error) };
  }
}

export interface Contender {
  readonly job: string;
  readonly tool: string;
  readonly next: () => Sample;
  readonly certificates?: number;
}

/**
 * Runs the contenders in turns (a, b, c, a, b, c …) `runs` times: a load that comes and goes on the
 * machine then weighs on each alike, so their ratios hold. A contender that fails drops out.
 */
export function measureInterleaved(contenders: readonly Contender[], runs: number): Row[] {
  const samples = contenders.map((): Sample[] => []);
  const failures = contenders.map((): string | undefined => undefined);
  for (let round = 0; round < runs; round++) {
    contenders.forEach((contender, i) => {
      if (failures[i] !== undefined) return;
      try {
        samples[i]!.push(contender.next());
      } catch (error) {
        failures[i] = failed(error);
      }
    });
  }
  return contenders.map(({ job, tool, certificates }, i) => ({
    job,
    tool,
    ...(certificates === undefined ? {} : { certificates }),
    result: failures[i] ?? summarize(samples[i]!),
  }));
}

/** A Markdown table, so the output can be pasted into README.md as is. */
export function renderTable(rows: readonly Row[], baselineMs: number): string {
  const header = ["job", "tool", "median wall", "per cert", "peak RSS", "× node -e 0", "runs", "budget", ""];
  const lines = rows.map((row) => {
    const budget = row.budget === undefined ? ["", ""] : [row.budget.text, mark(row.budget.met)];
    if (typeof row.result === "string") return [row.job, row.tool, row.result, "", "", "", "", ...budget];
    const { ms, kb, runs } = row.result;
    return [
      row.job,
      row.tool,
      ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`,
      row.certificates === undefined ? "" : `${(ms / row.certificates).toFixed(2)} ms`,
      kb === undefined ? "?" : `${(kb / 1024).toFixed(1)} MiB`,
      `${(ms / baselineMs).toFixed(2)}`,
      String(runs),
      ...budget,
    ];
  });
  const all = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...all.map((line) => line[c]!.length)));
  const format = (line: readonly string[]) => `| ${line.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  return [format(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(format)].join("\n");
}

function mark(met: boolean | undefined): string {
  return met === undefined ? "?" : met ? "✔" : "✘";
}
