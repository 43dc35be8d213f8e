import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { NutcaError } from "../../errors.js";
import { parseRevocationReason } from "../../pki/revocation-reasons.js";
import { describeNotAfter, parseNotAfter } from "../../pki/validity.js";
import { commitCrl, revocable, type CrlResult } from "../../store/crl.js";
import { writeFileDurable } from "../../store/durable.js";
import { loadIssuer } from "../../store/issuer.js";
import { readCa } from "../../store/signer.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { existingPassphrase } from "../passphrase.js";

export interface RevokeOptions {
  reason?: string | undefined;
  passphraseFile?: string | undefined;
}

export interface CrlOptions {
  nextUpdate?: string | undefined;
  out?: string | undefined;
  passphraseFile?: string | undefined;
}

/**
 * Revokes a certificate (by name: its current one; or by serial) and
 * regenerates the CRL in the same commit. The default reason is
 * `unspecified`, written out: every CRL entry carries a reasonCode.
 */
export async function revoke(nameOrSerial: string, options: RevokeOptions, context: Context): Promise<CommandResult> {
  const reason = parseRevocationReason(options.reason ?? "unspecified");
  const store = new CaStore(context.storeDir);
  store.readMeta();
  const found = store.findEntry(nameOrSerial, context.now);
  const entries = store.entries(context.now);
  const entry = revocable(entries, found.serial);
  const others = entries.filter((other) => other.name === entry.name && other !== entry && other.status === "valid");
  const issuer = await loadIssuer(store, () => existingPassphrase(options, context));
  const result = await commitCrl(store, {
    issuer,
    now: context.now,
    caNotAfter: issuer.certificate.notAfter,
    revoke: { serial: entry.serial, reason },
  });
  const human = [
    `Revoked "${entry.name}" (${entry.kind}, serial ${entry.serial}): ${reason}`,
    ...describeCrl(store, result, context),
    "Give the new CRL to every host that checks it (stunnel CRLfile: export the stunnel targets again).",
    ...others.map((other) => `Still valid under this name: serial ${other.serial} (nutca revoke ${other.serial})`),
    ...(entry.renewedBy || others.length > 0
      ? []
      : [`The name "${entry.name}" may be issued again: nutca issue ${entry.kind} ${entry.name}`]),
  ].join("\n");
  return { data: { store: store.root, revoked: entry.serial, name: entry.name, ...result.record }, human };
}

/** Signs a new CRL (a higher crlNumber, the same revocations), optionally with a new --next-update. */
export async function crl(options: CrlOptions, context: Context): Promise<CommandResult> {
  const store = new CaStore(context.storeDir);
  store.readMeta();
  if (options.nextUpdate !== undefined) parseNotAfter(options.nextUpdate, context.now);
  const out = outPath(options.out);
  const issuer = await loadIssuer(store, () => existingPassphrase(options, context));
  const result = await commitCrl(store, {
    issuer,
    now: context.now,
    caNotAfter: issuer.certificate.notAfter,
    policy: options.nextUpdate,
  });
  const written = out === undefined ? undefined : copyCrl(store, out);
  const human = [...describeCrl(store, result, context), ...(written ? [`  copied to:   ${written}`] : [])].join("\n");
  return { data: { store: store.root, ...result.record, ...(written ? { out: written } : {}) }, human };
}

function describeCrl(store: CaStore, result: CrlResult, context: Context): string[] {
  const { crl } = result.record;
  const nextUpdate = new Date(crl.nextUpdate);
  if (result.reset) context.warn(`the CRL's --next-update "${result.reset}" has passed: the CA's expiry is used`);
  if (nextUpdate.getTime() < readCa(store).notAfter.getTime()) {
    context.warn(
      `this CRL lapses ${describeNotAfter(nextUpdate)}: run nutca crl before then, or every client that checks it refuses all certificates`,
    );
  }
  return [
    `CRL number ${crl.number}: ${store.layout.crlPem} (and .der)`,
    `  next update: ${describeNotAfter(nextUpdate)}`,
  ];
}

/** --out: the CRL in PEM (what stunnel's CRLfile reads), or DER when the file name ends in .der. */
function copyCrl(store: CaStore, path: string): string {
  const der = /\.der$/i.test(path);
  writeFileDurable(path, readFileSync(der ? store.layout.crlDer : store.layout.crlPem), 0o644);
  return path;
}

/** Checked before anything changes: a missing directory must not fail after the CRL was committed. */
function outPath(out: string | undefined): string | undefined {
  if (out === undefined) return undefined;
  const path = resolve(out);
  if (!existsSync(dirname(path)) || (existsSync(path) && statSync(path).isDirectory())) {
    throw new NutcaError("BAD_FILE", `cannot write the CRL to ${out}`, "name a file in an existing directory");
  }
  return path;
}
