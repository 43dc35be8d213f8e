/**
 * `npm run bench`: wall time and peak memory of nutca's commands beside
 * `node -e 0` and, where installed, openssl and easy-rsa doing the same job,
 * all in one run so the ratios hold. A script for this machine, not a test:
 * it asserts nothing. `--quick` runs fewer repetitions on smaller stores;
 * `--batch=1000,10000` chooses the batch sizes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { HAS_GNU_TIME, measure, renderTable, runOnce, type Row, type RunSpec } from "./measure.js";
import { cleanEnv, EasyRsa, hasCommand, mustRun, Nutca, OpenSsl, snapshotBuild, type KeyKind } from "./tools.js";
import { startupBreakdown } from "./startup.js";

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

function run(root: string): void {
  const env = cleanEnv(root);
  const app = snapshotBuild(root);
  const nutca = new Nutca(root, env, app);
  const openssl = hasCommand("openssl") ? new OpenSsl(root, env) : undefined;
  const easyRsa = EasyRsa.available() ? new EasyRsa(root, env) : undefined;
  const plain = nutca.init("plain", false);
  const encrypted = nutca.init("encrypted", true);
  const rows: Row[] = [];
  const node = (args: readonly string[]): RunSpec => ({ ...nutca.spec([]), args });
  let serial = 0;
  const fresh = () => `c${serial++}`;

  say("start-up");
  rows.push(measure("start-up", "node -e 0", REPS * 2, () => runOnce(node(["-e", "0"]))));
  rows.push(measure("--version", "nutca", REPS * 2, () => runOnce(nutca.spec(["--version"]))));
  rows.push(measure("--help", "nutca", REPS, () => runOnce(nutca.spec(["--help"]))));
  if (openssl) rows.push(measure("--version", "openssl version", REPS, () => runOnce(openssl.version())));

  const oneCertificate = (job: string, key: KeyKind, reps: number) => {
    say(job);
    rows.push(measure(job, "nutca", reps, () => runOnce(nutca.issue(plain, fresh(), key)), 1));
    if (key === "p256") {
      rows.push(
        measure(job, "nutca, encrypted CA key", SLOW_REPS, () => runOnce(nutca.issue(encrypted, fresh(), key)), 1),
      );
    }
    if (openssl) rows.push(measure(job, "openssl ×3", reps, () => runOnce(openssl.issue(fresh(), key)), 1));
    if (easyRsa) rows.push(measure(job, "easy-rsa", reps, () => runOnce(easyRsa.issue(fresh(), key)), 1));
  };
  oneCertificate("issue client P-256", "p256", REPS);
  oneCertificate("issue client RSA-3072", "rsa3072", SLOW_REPS);

  // Each run of a batch starts from a new store; above 1,000 certificates one run (and the shell loops) will do.
  let listStore: string | undefined;
  let listSize = LOOP_STORE_SIZE;
  for (const count of BATCH_SIZES) {
    const job = `batch ${count.toLocaleString("en")} P-256`;
    say(job);
    const manifest = join(root, `manifest-${count}.json`);
    writeManifest(manifest, "b", count);
    let store = "";
    const batch = (i: number) => {
      store = nutca.init(`batch-${count}-${i}`, false);
      return runOnce(nutca.spec(["--store", store, "issue", "--from", manifest]));
    };
    const row = measure(job, "nutca issue --from", count <= 1000 ? SLOW_REPS : 1, batch, count);
    rows.push(row);
    if (typeof row.result !== "string") [listStore, listSize] = [store, count];
    // Shell loops of 10,000 would take half an hour (easy-rsa ~150 ms a certificate): not run, and said so.
    const loops = count <= LOOP_LIMIT;
    const skipped = `not run above ${LOOP_LIMIT.toLocaleString("en")} (time grows linearly)`;
    if (openssl) {
      const loop = () => runOnce(openssl.batch(`b${count}-`, count));
      const tool = "openssl ×3 loop";
      rows.push(loops ? measure(job, tool, 1, loop, count) : { job, tool, result: skipped });
    }
    if (easyRsa) {
      const loop = () => runOnce(easyRsa.batch(`b${count}-`, count));
      const tool = "easy-rsa loop";
      rows.push(loops ? measure(job, tool, 1, loop, count) : { job, tool, result: skipped });
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
    rows.push({ job: listJob, tool: "nutca", result: `failed: ${(error as Error).message.slice(0, 110)}` });
  }

  const baseline = rows[0]!.result;
  if (typeof baseline === "string") throw new Error(`node -e 0 ${baseline}`);
  const nodeVersion = process.version;
  process.stdout.write(
    [
      `nutca bench${quick ? " (--quick)" : ""}: ${new Date().toISOString().slice(0, 10)}, ` +
        `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? "?"}), node ${nodeVersion}`,
      `peak RSS: ${HAS_GNU_TIME ? "GNU time %M (largest process of the job)" : "? (no /usr/bin/time)"}; ` +
        `median of "runs" runs; ratio = median / median of node -e 0 (${baseline.ms.toFixed(1)} ms)`,
      "",
      renderTable(rows, baseline.ms),
      "",
      startupBreakdown(app, env, SLOW_REPS),
      "",
    ].join("\n"),
  );
}

main();
