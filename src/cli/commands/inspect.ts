/**
 * `nutca inspect <file>`: any certificate, chain, CSR, CRL, key or PKCS#12, PEM
 * or DER: a readable summary, whether this store's CA issued it, and the lint.
 * Keys are described by type and public-key hash only; nothing secret is shown.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NutcaError } from "../../errors.js";
import { INPUT_CAPS, readInputFile } from "../../input-file.js";
import { certificateKeyFacts } from "../../pki/describe.js";
import { decodeObjects, type PkiObject } from "../../pki/objects.js";
import { isPem } from "../../pki/pem.js";
import { x509 } from "../../pki/x509.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { readPassphraseFile } from "../passphrase.js";
import { findingsBlock } from "./findings-text.js";
import { inspectItems, type InspectItem, type Labelled, type StoreView } from "./inspect-report.js";
import { readCaCertificate, readCertificate } from "../../store/certificates.js";

export interface InspectOptions {
  p12PasswordFile?: string | undefined;
}

export async function inspect(file: string, options: InspectOptions, context: Context): Promise<CommandResult> {
  const bytes = readInputFile(file, { what: "file", maxBytes: INPUT_CAPS.certificates });
  const decoded = decodeObjects(new Uint8Array(bytes));
  if (decoded.length === 0) {
    throw new NutcaError(
      "BAD_FILE",
      `${file} is not a certificate, chain, CSR, CRL, key or PKCS#12 file`,
      "give a PEM or DER file (nutca show <name> --pem for the store's own)",
    );
  }
  const objects: Labelled<PkiObject>[] = [];
  const protection: string[] = [];
  for (const object of decoded) {
    if (object.kind !== "pkcs12") {
      objects.push({ object });
      continue;
    }
    const contents = await openPkcs12(object.der, options, context);
    protection.push(...contents.protection);
    for (const item of contents.certificates)
      objects.push(labelled({ kind: "certificate", certificate: item.value }, item.friendlyName));
    for (const item of contents.keys)
      objects.push(labelled({ kind: "private-key", key: item.value, format: "PKCS#12" }, item.friendlyName));
  }
  const view = storeView(context);
  const { items, findings } = await inspectItems(objects, view, context.now);
  const format = decoded.some((object) => object.kind === "pkcs12") ? "PKCS#12" : isPem(bytes) ? "PEM" : "DER";
  const data = {
    file,
    format,
    store: view?.root ?? null,
    ...(protection.length ? { protection } : {}),
    items,
    findings,
  };
  return { data, human: render(file, format, view, protection, items, findings) };
}

function labelled(object: PkiObject, friendlyName: string | undefined): Labelled<PkiObject> {
  return friendlyName === undefined ? { object } : { object, friendlyName };
}

async function openPkcs12(der: Uint8Array, options: InspectOptions, context: Context) {
  const { readPkcs12 } = await import("../../pki/p12-read.js");
  const given =
    options.p12PasswordFile !== undefined
      ? readPassphraseFile(options.p12PasswordFile)
      : context.env.NUTCA_P12_PASSWORD || undefined;
  if (given !== undefined) return readPkcs12(der, given);
  if (context.interactive) {
    const { askPassphrase } = await import("../prompts.js");
    return readPkcs12(der, await askPassphrase("PKCS#12 password:"));
  }
  try {
    return await readPkcs12(der, "");
  } catch (error) {
    if (!(error instanceof NutcaError) || error.code !== "BAD_PASSPHRASE") throw error;
    throw new NutcaError(
      "PASSPHRASE_REQUIRED",
      "the PKCS#12 file is password-protected and no password was given",
      "pass --p12-password-file FILE or set NUTCA_P12_PASSWORD",
    );
  }
}

/** The store's CA and ledger, when --store (or the default) holds a readable one; inspect works without. */
function storeView(context: Context): StoreView | undefined {
  const store = new CaStore(context.storeDir);
  if (!store.hasCa()) return undefined;
  try {
    const meta = store.readMeta();
    const ca = readCaCertificate(store);
    const rootCa = meta.ca.intermediate === true ? readCertificate(store, store.layout.rootCert) : undefined;
    const entries = store.entries(context.now);
    const keyOwners = new Map<string, string>();
    for (const name of safeList(store.layout.issuedDir)) {
      try {
        const certificate = new x509.X509Certificate(readFileSync(join(store.layout.issuedDir, name), "utf8"));
        keyOwners.set(certificateKeyFacts(certificate).spkiSha256, name.replace(/\.crt\.pem$/, ""));
      } catch {
        // doctor reports unreadable store files; inspect only names keys it can match
      }
    }
    return { root: store.root, ca, ...(rootCa ? { rootCa } : {}), entries, keyOwners };
  } catch (error) {
    if (!(error instanceof NutcaError)) throw error;
    context.warn(`the store cannot be read (${error.message}): inspecting without it`);
    return undefined;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith(".crt.pem"));
  } catch {
    return [];
  }
}

function render(
  file: string,
  format: string,
  view: StoreView | undefined,
  protection: readonly string[],
  items: readonly InspectItem[],
  findings: Parameters<typeof findingsBlock>[0],
): string {
  const lines = [`${file}: ${format}, ${items.length} object${items.length === 1 ? "" : "s"}`];
  if (!view) lines.push("  (no store here to compare with: pass --store DIR)");
  for (const line of protection) lines.push(`  protection: ${line}`);
  items.forEach((item, i) => {
    lines.push("", `${i + 1}. ${title(item)}`);
    lines.push(...details(item).map((line) => `   ${line}`));
    lines.push(...findingsBlock(item.findings, "   "));
  });
  if (findings.length > 0) lines.push("", "File:", ...findingsBlock(findings));
  const all = [...items.flatMap((item) => item.findings), ...findings];
  const errors = all.filter((finding) => finding.severity === "error").length;
  const warnings = all.filter((finding) => finding.severity === "warning").length;
  lines.push("", errors + warnings === 0 ? "No problems found." : `${errors} error(s), ${warnings} warning(s).`);
  return lines.join("\n");
}

function title(item: InspectItem): string {
  switch (item.type) {
    case "certificate":
      return `Certificate${item.facts.ca ? " (CA)" : ""}: ${item.facts.subject}`;
    case "csr":
      return `Certificate request: ${item.subject}`;
    case "crl":
      return `CRL of ${item.issuer}`;
    case "private-key":
      return `Private key: ${item.key} (not shown)`;
    case "encrypted-key":
      return "Encrypted private key (not opened)";
    case "public-key":
      return `Public key: ${item.key}`;
    case "unknown":
      return `Unread block "${item.label}": ${item.reason}`;
  }
}

function details(item: InspectItem): string[] {
  switch (item.type) {
    case "certificate": {
      const f = item.facts;
      return [
        `issuer:      ${f.issuer}`,
        `serial:      ${f.serial}`,
        `valid:       ${f.notBefore} to ${f.notAfter}`,
        `key:         ${f.key}, signed with ${f.signatureAlgorithm}`,
        ...(f.dns.length + f.ip.length + f.otherNames.length > 0
          ? [`names:       ${[...f.dns, ...f.ip.map((ip) => `IP:${ip}`), ...f.otherNames].join(", ")}`]
          : []),
        `usage:       ${[...f.keyUsage, ...f.extendedKeyUsage].join(", ") || "-"}${f.ca ? `; CA${f.pathLength !== undefined ? `, pathLen ${f.pathLength}` : ""}` : ""}`,
        ...(item.friendlyName ? [`friendlyName: ${item.friendlyName} (the NSS nickname on pk12util -i)`] : []),
        `sha256:      ${f.sha256}`,
        `hash:        ${f.subjectHash} (OpenSSL CApath name ${f.subjectHash}.0)`,
        `store:       ${item.store}`,
      ];
    }
    case "csr":
      return [
        `key:         ${item.key}`,
        `names:       ${[...item.dns, ...item.ip.map((ip) => `IP:${ip}`)].join(", ") || "-"}`,
      ];
    case "crl":
      return [
        `number:      ${item.number ?? "none"}`,
        `updated:     ${item.thisUpdate}, next update ${item.nextUpdate}`,
        `revoked:     ${item.revoked.length === 0 ? "none" : ""}`,
        ...item.revoked.map(
          (entry) => `  ${entry.serial} ${entry.date} ${entry.reason}${entry.name ? ` (${entry.name})` : ""}`,
        ),
        `store:       ${item.store}`,
      ];
    case "private-key":
    case "public-key":
      return [
        `public key sha256: ${item.publicKeySha256}`,
        `belongs to:  ${item.matches}`,
        ...(item.type === "private-key" && item.friendlyName ? [`friendlyName: ${item.friendlyName}`] : []),
      ];
    case "encrypted-key":
      return [`protection:  ${item.protection}`];
    case "unknown":
      return [];
  }
}
