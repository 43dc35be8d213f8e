import type { x509 } from "../pki/x509.js";
import { subjectAltNames } from "../pki/profiles.js";
import type { EntryKind, IssueRecord } from "./ledger.js";

/** The ledger record that describes a certificate just made. */
export async function issueRecord(input: {
  certificate: x509.X509Certificate;
  name: string;
  kind: EntryKind;
  keyType: string;
  files: IssueRecord["files"];
  now: Date;
}): Promise<IssueRecord> {
  const { certificate } = input;
  const sans = subjectAltNames(certificate);
  const thumbprint = await certificate.getThumbprint("SHA-256");
  return {
    op: "issue",
    time: input.now.toISOString(),
    serial: certificate.serialNumber.toUpperCase(),
    name: input.name,
    kind: input.kind,
    subject: certificate.subject,
    dns: sans.dns,
    ip: sans.ip,
    keyType: input.keyType,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    sha256: Buffer.from(thumbprint).toString("hex").toUpperCase(),
    files: input.files,
  };
}
