/**
 * `nutca issue --from MANIFEST`: many certificates in one process, one lock,
 * one passphrase prompt. The whole manifest is checked first (one bad row:
 * nothing issued); names that already have a valid certificate are skipped,
 * so re-running a manifest (after a crash, say) completes it.
 */
import { NutcaError, type Problem } from "../../errors.js";
import { INPUT_CAPS, readInputFile } from "../../input-file.js";
import { issueSetting, liveEntries, signLeaf, type LeafPlan, type SignedLeaf } from "../../store/issuance.js";
import { loadSigner } from "../../store/signer.js";
import type { IssueRecord } from "../../store/ledger.js";
import { CaStore, type Entry } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { manifestFormat, parseManifest, type Manifest, type ManifestRow } from "../manifest.js";
import { table } from "../output.js";
import { existingPassphrase } from "../passphrase.js";
import { exportBatch, exportRowProblems, planBatchExport, type BatchExportOptions } from "./issue-batch-export.js";
import { progressBar } from "../progress.js";
import { planIssue } from "./issue.js";

export interface IssueBatchOptions extends BatchExportOptions {
  from: string;
  passphraseFile?: string | undefined;
}

interface Skipped {
  readonly name: string;
  readonly serial: string;
}

export async function issueBatch(options: IssueBatchOptions, context: Context): Promise<CommandResult> {
  const exportPlan = planBatchExport(options, context.storeDir);
  const manifest = readManifest(options.from, context.now);
  const store = new CaStore(context.storeDir);
  const setting = issueSetting(store, context.now);
  const current = store.entries(context.now);
  const servers = [...liveEntries(current).values()].filter((entry) => entry.kind === "server");
  const exportProblems = exportPlan
    ? exportRowProblems(exportPlan, manifest.rows, new Set(servers.map((entry) => entry.name)))
    : [];
  const leaves = prepareAll(
    options.from,
    manifest,
    (row) => planIssue(row.kind, row.name, { dns: row.dns, ip: row.ip, key: row.key, notAfter: row.notAfter }, setting),
    exportProblems,
  );

  const skipped: Skipped[] = [];
  const indexes = new WeakMap<readonly Entry[], Map<string, Entry>>();
  const keep = (name: string, entries: readonly Entry[]): boolean => {
    let index = indexes.get(entries);
    if (!index) indexes.set(entries, (index = liveEntries(entries)));
    const live = index.get(name);
    if (live) skipped.push({ name, serial: live.serial });
    return !live;
  };
  const todo = leaves.filter((leaf) => keep(leaf.name, current));
  let issued: IssueRecord[] = [];
  if (todo.length > 0) {
    const signer = await loadSigner(store, setting, () => existingPassphrase(options, context));
    const progress = progressBar(todo.length * 2, Boolean(process.stderr.isTTY) && !context.json);
    try {
      const signed: SignedLeaf[] = [];
      for (const leaf of todo) {
        signed.push(await signLeaf(leaf, signer, setting));
        progress.step(`signed ${leaf.name}`);
      }
      issued = await store.commitIssuances(
        `nutca issue --from ${options.from}`,
        signed,
        (record, entries) => keep(record.name, entries),
        (record) => progress.step(`wrote ${record.name}`),
      );
    } finally {
      progress.done();
    }
  } else {
    // Nothing left to issue, but a killed earlier run may have left a lock or a committed issuance in
    // staging: taking the lock runs the same recovery every change does, so the re-run completes the store.
    await store.change(`nutca issue --from ${options.from}`, () => undefined);
  }

  const exported = exportPlan ? await exportBatch(exportPlan, manifest.rows, store, context) : [];

  const human = [
    `Issued ${issued.length} certificate(s), skipped ${skipped.length} already issued (${options.from})`,
    ...(issued.length > 0
      ? [
          "",
          table(
            ["KIND", "NAME", "SERIAL"],
            issued.map((r) => [r.kind, r.name, r.serial]),
          ),
        ]
      : []),
    ...(skipped.length > 0
      ? [
          "",
          table(
            ["SKIPPED", "SERIAL"],
            skipped.map((s) => [s.name, s.serial]),
          ),
        ]
      : []),
    ...(exported.length > 0
      ? [
          "",
          table(
            ["EXPORTED", "TARGET", "DIRECTORY"],
            exported.map((e) => [e.name, e.target, e.status === "kept" ? `${e.out} (kept: exists)` : e.out]),
          ),
          "Each directory's README.txt has the install steps and config lines.",
        ]
      : []),
  ].join("\n");
  return { data: { store: store.root, issued, skipped, ...(exportPlan ? { exported } : {}) }, human };
}

export function readManifest(path: string, now: Date): Manifest {
  const text = readInputFile(path, {
    what: "manifest",
    maxBytes: INPUT_CAPS.manifest,
    hint: "check the path given to --from",
  }).toString("utf8");
  return parseManifest(text, manifestFormat(path, text), now);
}

/** Checks the rows against the CA too (expiry cap, name constraints) and reports every bad row at once. */
function prepareAll(
  path: string,
  manifest: Manifest,
  prepare: (row: ManifestRow) => LeafPlan,
  otherProblems: readonly Problem[],
) {
  const problems: Problem[] = [...manifest.problems, ...otherProblems];
  const leaves: LeafPlan[] = [];
  for (const row of manifest.rows) {
    try {
      leaves.push(prepare(row));
    } catch (error) {
      if (!(error instanceof NutcaError)) throw error;
      problems.push({ line: row.line, message: error.message });
    }
  }
  if (problems.length > 0)
    throw badManifest(
      path,
      problems.sort((a, b) => a.line - b.line),
    );
  return leaves;
}

function badManifest(path: string, problems: readonly Problem[]): NutcaError {
  const rows = problems.length === 1 ? "1 bad row" : `${problems.length} bad rows`;
  return new NutcaError("BAD_FILE", `the manifest ${path} has ${rows}; nothing was issued`, "fix them and run again", {
    problems,
  });
}
