/**
 * `npm run bench`: wall time and peak memory of nutca's commands beside
 * `node -e 0` and, where installed, openssl and easy-rsa doing the same job,
 * a batch beside its store writes done alone, and the install size, all in
 * one run so the ratios hold; each row with a budget of issue 13 says whether
 * it was met. A script for this machine, not a test: it asserts nothing.
 * `--quick` runs fewer repetitions on smaller stores; `--batch=1000,10000`
 * chooses the batch sizes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { judge, installRow, type BatchJob } from "./budgets.js";
import {
  HAS_GNU_TIME,
  measure,
  measureInterleaved,
  renderTable,
  runOnce,
  type Contender,
  type Row,
  type RunSpec,
} from "./measure.js";
import { startupBreakdown } from "./startup.js";
import {
  cleanEnv,
  EASYRSA,
  EasyRsa,
  hasCommand,
  installedKb,
  mustRun,
  Nutca,
  OpenSsl,
  snapshotBuild,
  type KeyKind,
} from "./tools.js";

const quick = process.argv.includes("--quick");
const REPS = quick ? 3 : 15;
const SLOW_REPS = quick ? 3 : 7;
/** --batch=1000 runs only those sizes: at 10,000 a busy machine needs many minutes. */
const batchOption = process.argv.find((arg) => arg.startsWith("--batch="));
const BATCH_SIZES = batchOption
  ? batchOption.slice("--batch=".length).split(",").map(Number)
  : quick
    ? [100, 300]
    : [1000, 10000];
const LOOP_STORE_SIZE = quick ? 20 : 300;
/** The largest batch also done by openssl and easy-rsa shell loops. */
const LOOP_LIMIT = quick ? 300 : 1000;

const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

/**
 * The batch manifest: a JSON array, one object per client certificate, key
 * type from the CA (P-256). If the format changes, the row says "failed".
 */
function writeManifest(path: string, prefix: string, count: number): void {
  writeFileSync(
    path,
    JSON.stringify(Array.from({ length: count }, (_, i) => ({ kind: "client", name: `${prefix}${i}` }))),
  );
}

function main(): void {
  const root = mkdtempSync(join(tmpdir(), "nutca-bench-"));
  try {
    run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A row for a tool the machine lacks: the table says so instead of leaving the comparison out. */
function absent(job: string, tool: string, why: string): Row {
  return { job, tool, result: why };
}

function run(root: string): void {
  const env = cleanEnv(root);
  const app = snapshotBuild(root);
  say("install size: npm pack, then npm install -g of the tarball into a scratch prefix");
  let installed: number | string;
  try {
    installed = installedKb(root);
  } catch (error) {
    installed = `failed: ${(error as Error).message.split("\n")[0]!.slice(0, 110)}`;
  }
  const nutca = new Nutca(root, env, app);
  const openssl = hasCommand("openssl") ? new OpenSsl(root, env) : undefined;
  const easyRsa = EasyRsa.available() ? new EasyRsa(root, env) : undefined;
  const noEasyRsa = `not installed (no ${EASYRSA}): apt-get install easy-rsa`;
  if (!easyRsa) say(`easy-rsa is ${noEasyRsa}; its rows say so and the budgets against it are "?"`);
  const plain = nutca.init("plain", false);
  const encrypted = nutca.init("encrypted", true);
  const rows: Row[] = [];
  const node = (args: readonly string[]): RunSpec => ({ ...nutca.spec([]), args });
  let serial = 0;
  const fresh = () => `c${serial++}`;

  const issueRows = (job: string, key: KeyKind, runs: number, extra: Contender[] = []): Row[] => {
    const contenders: Contender[] = [
      ...extra,
      { job, tool: "nutca", next: () => runOnce(nutca.issue(plain, fresh(), key)), certificates: 1 },
    ];
    if (openssl) {
      contenders.push({ job, tool: "openssl ×3", next: () => runOnce(openssl.issue(fresh(), key)), certificates: 1 });
    }
    if (easyRsa) {
      contenders.push({ job, tool: "easy-rsa", next: () => runOnce(easyRsa.issue(fresh(), key)), certificates: 1 });
    }
    const measured = measureInterleaved(contenders, runs);
    return easyRsa ? measured : [...measured, absent(job, "easy-rsa", noEasyRsa)];
  };

  say("start-up and issue client P-256, in turns");
  const startUp: Contender[] = [
    { job: "start-up", tool: "node -e 0", next: () => runOnce(node(["-e", "0"])) },
    { job: "--version", tool: "nutca", next: () => runOnce(nutca.spec(["--version"])) },
    { job: "--help", tool: "nutca", next: () => runOnce(nutca.spec(["--help"])) },
  ];
  if (openssl) startUp.push({ job: "--version", tool: "openssl version", next: () => runOnce(openssl.version()) });
  rows.push(...issueRows("issue client P-256", "p256", REPS * 2, startUp));
  rows.push(
    measure("issue client P-256", "nutca, encrypted CA key", SLOW_REPS, () =>
      runOnce(nutca.issue(encrypted, fresh(), "p256")),
    ),
  );
  say("issue client RSA-3072, in turns");
  rows.push(...issueRows("issue client RSA-3072", "rsa3072", SLOW_REPS));

  // Each run of a batch, and of its store writes alone, starts from a new store.
  let listStore: string | undefined;
  let listSize = LOOP_STORE_SIZE;
  const batches: BatchJob[] = [];
  let stores = 0;
  for (const count of BATCH_SIZES) {
    const job = `batch ${count.toLocaleString("en")} P-256`;
    const storeWritesJob = `store writes of ${count.toLocaleString("en")} certs`;
    batches.push({ job, count, storeWritesJob });
    say(`${job}, and its store writes alone, in turns`);
    const manifest = join(root, `manifest-${count}.json`);
    writeManifest(manifest, "b", count);
    let store = "";
    const batch = () => {
      store = nutca.init(`store-${stores++}`, false);
      return runOnce(nutca.spec(["--store", store, "issue", "--from", manifest]));
    };
    const writes = () => runOnce(nutca.storeWrites(nutca.init(`store-${stores++}`, false), count));
    const [batchRow, writesRow] = measureInterleaved(
      [
        { job, tool: "nutca issue --from", next: batch, certificates: count },
        { job: storeWritesJob, tool: "store writes alone", next: writes, certificates: count },
      ],
      count <= 1000 ? SLOW_REPS : 1,
    );
    rows.push(batchRow!, writesRow!);
    if (typeof batchRow!.result !== "string") [listStore, listSize] = [store, count];
    // Shell loops of 10,000 would take half an hour (easy-rsa ~150 ms a certificate): not run, and said so.
    const loops = count <= LOOP_LIMIT;
    const skipped = `not run above ${LOOP_LIMIT.toLocaleString("en")} (time grows linearly)`;
    if (openssl) {
      const loop = () => runOnce(openssl.batch(`b${count}-`, count));
      const tool = "openssl ×3 loop";
      rows.push(loops ? measure(job, tool, 1, loop, count) : absent(job, tool, skipped));
    }
    if (!easyRsa) rows.push(absent(job, "easy-rsa loop", noEasyRsa));
    else {
      const loop = () => runOnce(easyRsa.batch(`b${count}-`, count));
      rows.push(loops ? measure(job, "easy-rsa loop", 1, loop, count) : absent(job, "easy-rsa loop", skipped));
    }
  }

  const listJob = `list --json, ${listSize.toLocaleString("en")} certs`;
  try {
    if (listStore === undefined) {
      say(`a store of ${listSize} certificates, one issue client each`);
      listStore = nutca.init("list", false);
      for (let i = 0; i < listSize; i++) {
        mustRun(process.execPath, nutca.issue(listStore, `l${i}`, "p256").args, root, env);
      }
    }
    say(listJob);
    const args = ["--store", listStore, "--json", "list"];
    rows.push(measure(listJob, "nutca", SLOW_REPS, () => runOnce(nutca.spec(args))));
  } catch (error) {
    rows.push(absent(listJob, "nutca", `failed: ${(error as Error).message.slice(0, 110)}`));
  }

  const baseline = rows[0]!.result;
  if (typeof baseline === "string") throw new Error(`node -e 0 ${baseline}`);
  judge(rows, baseline.ms, batches, { job: listJob, size: listSize });
  rows.push(installRow(installed));
  process.stdout.write(
    [
      `nutca bench${quick ? " (--quick)" : ""}: ${new Date().toISOString().slice(0, 10)}, ` +
        `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? "?"}), node ${process.version}, ` +
        `easy-rsa ${easyRsa ? "installed" : noEasyRsa}`,
      `peak RSS: ${HAS_GNU_TIME ? "GNU time %M (largest process of the job)" : "? (no /usr/bin/time)"}; ` +
        `median of "runs" runs, rows of one job run in turns; ratio = median / median of node -e 0 ` +
        `(${baseline.ms.toFixed(1)} ms); budgets from issue 13 (✔ met, ✘ missed, ? not measured)`,
      "",
      renderTable(rows, baseline.ms),
      "",
      startupBreakdown(app, env, SLOW_REPS),
      "",
    ].join("\n"),
  );
}

main();
