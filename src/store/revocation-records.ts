/**
 * The ledger records of revocation: `revoke` (a certificate is revoked and the
 * CRL regenerated, in one record so one append commits both) and `crl` (the
 * CRL was regenerated on its own). The ledger numbers the CRLs, so the
 * crlNumber only ever grows.
 */
import { isRevocationReason, type RevocationReason } from "../pki/revocation-reasons.js";
import type { LedgerRecord } from "./ledger.js";

/** One CRL as issued: its number, validity, and the --next-update it was asked for (absent: the default). */
export interface CrlInfo {
  readonly number: number;
  readonly thisUpdate: string;
  readonly nextUpdate: string;
  readonly policy?: string;
}

export interface RevokeRecord {
  readonly op: "revoke";
  readonly time: string;
  readonly serial: string;
  readonly reason: RevocationReason;
  /** The CRL regenerated with this revocation. */
  readonly crl: CrlInfo;
}

export interface CrlRecord {
  readonly op: "crl";
  readonly time: string;
  readonly crl: CrlInfo;
}

export function isRevocationRecord(value: object): value is RevokeRecord | CrlRecord {
  const record = value as Partial<RevokeRecord> & Partial<CrlRecord> & { op?: unknown };
  const crl = record.crl as Partial<CrlInfo> | undefined;
  const crlValid =
    typeof crl === "object" &&
    crl !== null &&
    Number.isInteger(crl.number) &&
    typeof crl.thisUpdate === "string" &&
    typeof crl.nextUpdate === "string";
  if (record.op === "crl") return crlValid && typeof record.time === "string";
  return (
    record.op === "revoke" &&
    crlValid &&
    typeof record.time === "string" &&
    typeof record.serial === "string" &&
    typeof record.reason === "string" &&
    isRevocationReason(record.reason)
  );
}

/**
 * The staging directory a record's files wait in: an issuance stages under its
 * serial, a CRL under `crl-<number>`. recover() moves a staging directory into
 * place only when a ledger record names it.
 */
export function stagingKey(record: LedgerRecord): string {
  return record.op === "issue" ? record.serial : `crl-${record.crl.number}`;
}
