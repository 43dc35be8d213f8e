import type { CertificateFacts } from "../pki/leaf-certificate.js";
import type { EntryKind, IssueRecord } from "./ledger.js";

/** The ledger record that describes a certificate just made. */
export function issueRecord(input: {
  certificate: CertificateFacts;
  name: string;
  kind: EntryKind;
  keyType: string;
  files: IssueRecord["files"];
  now: Date;
}): IssueRecord {
  const { certificate } = input;
  return {
    op: "issue",
    time: input.now.toISOString(),
    serial: certificate.serial,
    name: input.name,
    kind: input.kind,
    subject: certificate.subject,
    dns: [...certificate.dns],
    ip: [...certificate.ip],
    keyType: input.keyType,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    sha256: certificate.sha256,
    files: input.files,
  };
}
