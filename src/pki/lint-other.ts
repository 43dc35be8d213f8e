/** Lint for the other objects inspect reads: CRLs, certificate requests and keys. */
import type { KeyObject } from "node:crypto";
import { NutcaError } from "../errors.js";
import { checkSigningRequest } from "./csr.js";
import { rawCrlTimes, timeEncodingProblem } from "./der.js";
import { keyFacts, sanEntries } from "./describe.js";
import { expiryFindings, lintOrUnreadable, SOON_MS, type Finding } from "./findings.js";
import { ipAsDnsFindings, keyFindings, weakSignatureFindings } from "./lint.js";
import { x509 } from "./x509.js";

export interface CrlLintOptions {
  readonly now: Date;
  /** The PEM label it was read with, when it came from PEM. */
  readonly label?: string;
}

export function lintCrl(crl: x509.X509Crl, options: CrlLintOptions): Finding[] {
  return lintOrUnreadable("the CRL", () => lintCrlFields(crl, options));
}

function lintCrlFields(crl: x509.X509Crl, options: CrlLintOptions): Finding[] {
  const findings: Finding[] = [];
  const der = new Uint8Array(crl.rawData);
  if (options.label !== undefined && options.label !== "X509 CRL") {
    findings.push({
      severity: "error",
      code: "crl-pem-label",
      message: `the PEM label is "${options.label}": OpenSSL, GnuTLS and stunnel accept only "X509 CRL"`,
      fix: "change the BEGIN/END lines to X509 CRL (nutca crl writes it that way)",
    });
  }
  const times = rawCrlTimes(der);
  for (const time of [times.thisUpdate, times.nextUpdate]) {
    const problem = time && timeEncodingProblem(time);
    if (problem) findings.push({ severity: "error", code: "time-encoding", message: problem, fix: "regenerate it" });
  }
  if (crl.nextUpdate === undefined) {
    findings.push({
      severity: "warning",
      code: "crl-no-next-update",
      message: "the CRL has no nextUpdate (RFC 5280 requires one)",
      fix: "regenerate it with nutca crl",
    });
  } else {
    findings.push(...crlExpiryFindings(crl.thisUpdate, crl.nextUpdate, options.now));
  }
  if (!crl.getExtension("2.5.29.35")) {
    findings.push({
      severity: "warning",
      code: "crl-no-aki",
      message: "the CRL has no authorityKeyIdentifier",
      fix: "regenerate it with nutca crl",
    });
  }
  if (!crl.getExtension("2.5.29.20")) {
    findings.push({
      severity: "warning",
      code: "crl-no-number",
      message: "the CRL has no cRLNumber",
      fix: "regenerate it with nutca crl",
    });
  }
  findings.push(...weakSignatureFindings(der, "the CRL"));
  return findings;
}

/** A lapsed CRL locks every client out when CRL checking is on: warn well before. */
export function crlExpiryFindings(thisUpdate: Date, nextUpdate: Date, now: Date): Finding[] {
  const left = nextUpdate.getTime() - now.getTime();
  const regenerate = "regenerate it (nutca crl) and install it wherever a CRLfile/CRLpath uses it";
  if (left < 0) {
    return [
      {
        severity: "error",
        code: "crl-expired",
        message: `the CRL's nextUpdate (${nextUpdate.toISOString()}) has passed: verifiers checking it refuse every certificate`,
        fix: regenerate,
      },
    ];
  }
  if (left < SOON_MS) {
    return [
      {
        severity: "warning",
        code: "crl-expires-soon",
        message: `the CRL lapses in ${Math.ceil(left / 86_400_000)} days (${nextUpdate.toISOString()})`,
        fix: regenerate,
      },
    ];
  }
  return expiryFindings(thisUpdate, nextUpdate, now, "the CRL").filter((finding) => finding.code === "not-yet-valid");
}

export function lintCsr(csr: x509.Pkcs10CertificateRequest, key: KeyObject): Promise<Finding[]> {
  return lintOrUnreadable("the request", () => lintCsrFields(csr, key));
}

async function lintCsrFields(csr: x509.Pkcs10CertificateRequest, key: KeyObject): Promise<Finding[]> {
  const findings: Finding[] = [];
  let valid = false;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid) {
    findings.push({
      severity: "error",
      code: "csr-signature",
      message: "the request's signature does not verify (corrupt, or an algorithm nutca cannot check)",
      fix: "create the request again",
    });
  }
  findings.push(...keyFindings(keyFacts(key), "the request"));
  const sans = sanEntries(csr.extensions);
  if (sans) findings.push(...ipAsDnsFindings(sans.dns, sans.ip, "the request"));
  findings.push(...weakSignatureFindings(new Uint8Array(csr.rawData), "the request"));
  // An error already found (a bad signature, an Ed25519 key) is what sign refuses too: said once.
  if (!findings.some((finding) => finding.severity === "error")) findings.push(...(await signRefusals(csr)));
  return findings;
}

/** What `nutca sign` would refuse in this request, with sign's own words (csr.ts holds the rule). */
async function signRefusals(csr: x509.Pkcs10CertificateRequest): Promise<Finding[]> {
  try {
    await checkSigningRequest(csr);
    return [];
  } catch (error) {
    if (!(error instanceof NutcaError)) throw error;
    return [
      {
        severity: "error",
        code: "sign-refuses",
        message: `nutca sign refuses it: ${error.message}`,
        fix: error.hint ?? "",
      },
    ];
  }
}

export function lintKey(key: KeyObject): Finding[] {
  return keyFindings(keyFacts(key), "the key");
}
