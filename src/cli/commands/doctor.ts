/**
 * `nutca doctor [--export DIR]`: checks the store and, optionally, an export
 * bundle; prints each finding with its fix. Never changes anything. Exit 0
 * when healthy, 1 when it found a problem (a result, not an error).
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { lookupUser } from "../../doctor/access.js";
import { doctorExport } from "../../doctor/export.js";
import { doctorStore } from "../../doctor/store.js";
import { CheckBuilder, report, type DoctorCheck, type DoctorReport } from "../../doctor/types.js";
import { EXIT, NutcaError } from "../../errors.js";
import { findOnPath } from "../../nut/backend.js";
import type { x509 } from "../../pki/x509.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { existingPassphrase } from "../passphrase.js";
import { findingLines } from "./findings-text.js";

export interface DoctorOptions {
  export?: string | undefined;
  passphraseFile?: string | undefined;
  /** The user NUT's daemons run as (Debian: nut). */
  nutUser?: string | undefined;
  /** 2.8.0, 2.8.5, 2.8.6 or auto: check the export's directives against that NUT. */
  nutVersion?: string | undefined;
}

export async function doctor(options: DoctorOptions, context: Context): Promise<CommandResult> {
  const store = new CaStore(context.storeDir);
  const exportDir = options.export === undefined ? undefined : resolve(options.export);
  if (exportDir !== undefined && (!existsSync(exportDir) || !statSync(exportDir).isDirectory())) {
    throw new NutcaError(
      "BAD_FILE",
      `${options.export} is not a directory`,
      "pass --export the directory an export wrote",
    );
  }
  if (!store.hasCa() && exportDir === undefined) {
    throw new NutcaError(
      "NO_CA",
      `there is no CA in ${store.root}`,
      "pass --store DIR (or --export DIR to check a bundle alone)",
    );
  }
  const checks: DoctorCheck[] = [];
  let anchors: x509.X509Certificate[] = [];
  let intermediates: x509.X509Certificate[] = [];
  if (store.hasCa()) {
    const result = await doctorStore(store, { now: context.now, passphrase: () => passphrase(options, context) });
    checks.push(...result.checks);
    if (result.ca) anchors = [result.ca];
    intermediates = result.intermediates ?? [];
  } else {
    const note = new CheckBuilder("store", "store (not checked)");
    note.add(
      "info",
      "skipped",
      `no store at ${store.root}: the bundle is checked on its own`,
      "pass --store DIR to check it against its CA",
    );
    checks.push(note.done());
  }
  if (exportDir !== undefined) {
    const userName = options.nutUser ?? "nut";
    const nut =
      options.nutVersion === undefined
        ? undefined
        : await (await import("../../nut/version.js")).chooseNutVersion(options.nutVersion, "upsd");
    checks.push(
      ...(await doctorExport(exportDir, {
        now: context.now,
        anchors,
        intermediates,
        userName,
        user: lookupUser(userName),
        certutil: findOnPath("certutil", context.env.PATH ?? process.env.PATH),
        nutVersion: nut?.version,
      })),
    );
  }
  const result = report(checks);
  const data = { store: store.hasCa() ? store.root : null, export: exportDir ?? null, ...result };
  return { data, human: render(result, store.root, exportDir), exitCode: result.healthy ? EXIT.ok : EXIT.problemFound };
}

/** The passphrase when one can be had without failing: a missing one skips the CA-key check. */
async function passphrase(options: DoctorOptions, context: Context): Promise<string | undefined> {
  try {
    return await existingPassphrase(options, context);
  } catch (error) {
    if (error instanceof NutcaError && error.code === "PASSPHRASE_REQUIRED") return undefined;
    throw error;
  }
}

function render(result: DoctorReport, storeRoot: string, exportDir: string | undefined): string {
  const lines = [`nutca doctor: store ${storeRoot}${exportDir ? `, export ${exportDir}` : ""}`, ""];
  for (const check of result.checks) {
    const problems = check.findings.filter((finding) => finding.severity !== "info").length;
    lines.push(`${problems > 0 ? "FAIL" : "ok  "}  ${check.title}`);
    for (const finding of check.findings) lines.push(...findingLines(finding, "      "));
  }
  const count = result.checks.reduce(
    (sum, check) => sum + check.findings.filter((f) => f.severity !== "info").length,
    0,
  );
  lines.push("", result.healthy ? "Healthy: no problems found." : `${count} problem(s) found.`);
  return lines.join("\n");
}
