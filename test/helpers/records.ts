import type { IssueRecord } from "../../src/store/ledger.js";

/** A well-formed ledger issue record for store tests (no real certificate behind it). */
export function fakeRecord(serial: string, name = `n-${serial.toLowerCase()}`): IssueRecord {
  return {
    op: "issue",
    time: "2026-11-26T12:00:00.000Z",
    serial,
    name,
    kind: "client",
    subject: `CN=${name}`,
    dns: [],
    ip: [],
    keyType: "ec-p256",
    notBefore: "2026-11-26T11:00:00.000Z",
    notAfter: "9999-12-31T23:59:59.000Z",
    sha256: "00".repeat(32),
    files: { cert: `issued/${name}.crt.pem`, key: `private/${name}.key.pem` },
  };
}
