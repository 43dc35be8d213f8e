import { readFileSync } from "node:fs";
import { describeNotAfter } from "../../pki/validity.js";
import { CaStore } from "../../store/store.js";
import type { CommandResult, Context } from "../context.js";
import { readCertificate } from "../../store/certificates.js";

export interface ShowOptions {
  pem?: boolean | undefined;
}

export async function show(nameOrSerial: string, options: ShowOptions, context: Context): Promise<CommandResult> {
  const store = new CaStore(context.storeDir);
  store.readMeta();
  const entry = store.findEntry(nameOrSerial, context.now);
  const certPath = entry.kind === "ca" ? store.layout.resolve(entry.files.cert) : store.layout.serialCert(entry.serial);
  const certificate = readCertificate(store, certPath);
  const sha1 = Buffer.from(await certificate.getThumbprint("SHA-1"))
    .toString("hex")
    .toUpperCase();
  const pem = readFileSync(certPath, "utf8");
  const files = {
    cert: store.layout.resolve(entry.files.cert),
    ...(entry.files.key ? { key: store.layout.resolve(entry.files.key) } : {}),
  };
  const data = { ...entry, issuer: certificate.issuer, sha1, files, pem };
  if (options.pem) return { data, human: pem.trimEnd() };
  const human = [
    `${entry.name} (${entry.kind}, ${entry.status})`,
    `  subject:     ${entry.subject}`,
    `  issuer:      ${certificate.issuer}`,
    `  serial:      ${entry.serial}`,
    `  dns names:   ${entry.dns.join(", ") || "-"}`,
    `  ip addresses: ${entry.ip.join(", ") || "-"}`,
    `  not before:  ${entry.notBefore.replace(".000Z", "Z")}`,
    `  not after:   ${describeNotAfter(new Date(entry.notAfter))}`,
    `  key:         ${entry.keyType}`,
    `  sha256:      ${entry.sha256}`,
    `  sha1:        ${sha1}`,
    `  cert file:   ${files.cert}`,
    ...(files.key ? [`  key file:    ${files.key}`] : []),
  ].join("\n");
  return { data, human };
}
