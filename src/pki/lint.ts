/**
 * Certificate lint: the RFC 5280 rules strict verifiers enforce (nut-tls.md,
 * "RFC 5280 rules that bite") and the NUT-specific traps (Ed25519 keys NSS
 * cannot load, server certificates clients cannot match by name). Pure: takes
 * a parsed certificate, returns findings, each with the fix.
 */
import { isIP } from "node:net";
import { isSelfSigned } from "./chain.js";
import { rawCertificateFields, timeEncodingProblem } from "./der.js";
import { certificateKeyFacts, extendedKeyUsages, sanEntries, signatureAlgorithmOf, type KeyFacts } from "./describe.js";
import { MAX_COMMON_NAME } from "./names.js";
import { expiryFindings, lintOrUnreadable, type Finding, type Severity } from "./findings.js";
import { x509 } from "./x509.js";

export type { Finding, Severity } from "./findings.js";

export interface LintOptions {
  readonly now: Date;
  /** The certificate's issuer when known: enables the "must not outlive its issuer" rule. */
  readonly issuer?: x509.X509Certificate;
}

const REISSUE_SERVER = "reissue it: nutca issue server <name> --dns <host> --ip <address>";

/** NUT-relevant key rules, shared by certificates, requests and key files. */
export function keyFindings(key: KeyFacts, what: string): Finding[] {
  if (key.type === "ed25519" || key.type === "ed448") {
    return [
      {
        severity: "error",
        code: "ed25519-key",
        message: `${what} has an ${key.description} key: NSS (Debian's NUT) cannot even import it`,
        fix: "use an ECDSA P-256/P-384 or RSA >= 2048 key (nutca --key ec-p256)",
      },
    ];
  }
  if ((key.type === "rsa" || key.type === "rsa-pss") && (key.bits ?? 0) < 2048) {
    return [
      {
        severity: "error",
        code: "rsa-too-small",
        message: `${what} has a ${key.description}-bit key: the TLS shims and modern OpenSSL reject RSA under 2048 bits`,
        fix: "use RSA 2048 or larger, or ECDSA P-256",
      },
    ];
  }
  return [];
}

/** A dNSName SAN that holds an IP address, with no iPAddress entry for it: clients never match it. */
export function ipAsDnsFindings(dns: readonly string[], ip: readonly string[], what: string): Finding[] {
  return dns
    .filter((name) => isIP(name) !== 0 && !ip.includes(name))
    .map((name) => ({
      severity: "error" as const,
      code: "ip-as-dns-san",
      message: `${what} lists the address ${name} as a DNS name: clients match an IP only against an IP entry`,
      fix: `reissue it with --ip ${name}`,
    }));
}

export function weakSignatureFindings(der: Uint8Array, what: string): Finding[] {
  const { name } = signatureAlgorithmOf(der);
  if (!/sha1|md5/i.test(name)) return [];
  return [
    {
      severity: "error",
      code: "weak-signature",
      message: `${what} is signed with ${name}: OpenSSL 3 and NSS refuse it`,
      fix: "reissue it (nutca signs with SHA-256 or SHA-384)",
    },
  ];
}

export function lintCertificate(certificate: x509.X509Certificate, options: LintOptions): Finding[] {
  return lintOrUnreadable("the certificate", () => lintCertificateFields(certificate, options));
}

function lintCertificateFields(certificate: x509.X509Certificate, options: LintOptions): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: Severity, code: string, message: string, fix: string) =>
    findings.push({ severity, code, message, fix });
  const der = new Uint8Array(certificate.rawData);
  const raw = rawCertificateFields(der);
  const basic = certificate.getExtension(x509.BasicConstraintsExtension);
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  const selfSigned = isSelfSigned(certificate);
  const ca = basic?.ca === true || (usage !== null && (usage.usages & x509.KeyUsageFlags.keyCertSign) !== 0);
  const what = ca ? "the CA certificate" : "the certificate";

  if (raw.version !== 3) {
    add("error", "not-v3", `${what} is X.509 v${raw.version}`, "reissue it as v3 with the usual extensions");
  }
  if ((raw.serial[0] ?? 0) & 0x80) add("error", "serial-negative", "the serial number is negative", "reissue it");
  const serialLength = raw.serial[0] === 0 ? raw.serial.length - 1 : raw.serial.length;
  if (raw.serial.length > 20) add("error", "serial-too-long", "the serial is longer than 20 octets", "reissue it");
  else if (serialLength < 8) {
    add(
      "warning",
      "serial-low-entropy",
      `the serial has only ${serialLength * 8} bits: RFC 5280 CAs should use >= 64 random bits`,
      "reissue it with nutca (127-bit random serials)",
    );
  }
  for (const time of [raw.notBefore, raw.notAfter]) {
    const problem = time && timeEncodingProblem(time);
    if (problem) add("error", "time-encoding", problem, "reissue it: strict verifiers reject the encoding");
  }
  const oids = certificate.extensions.map((extension) => extension.type);
  const duplicate = oids.find((oid, i) => oids.indexOf(oid) !== i);
  if (duplicate) add("error", "duplicate-extension", `the extension ${duplicate} appears twice`, "reissue it");

  if (ca) {
    if (!basic || !basic.ca || !basic.critical) {
      add(
        "error",
        "ca-basic-constraints",
        `${what} lacks a critical basicConstraints CA:TRUE`,
        "recreate the CA with nutca init",
      );
    }
    if (!usage || !(usage.usages & x509.KeyUsageFlags.keyCertSign)) {
      add("error", "ca-key-usage", `${what} lacks keyUsage keyCertSign`, "recreate the CA with nutca init");
    } else {
      if (!usage.critical) add("warning", "key-usage-not-critical", "keyUsage is not critical", "recreate the CA");
      if (!(usage.usages & x509.KeyUsageFlags.cRLSign)) {
        add("warning", "ca-no-crl-sign", `${what} lacks keyUsage cRLSign: its CRLs are refused`, "recreate the CA");
      }
    }
    if (!certificate.getExtension(x509.SubjectKeyIdentifierExtension)) {
      add("error", "ca-no-ski", `${what} has no subjectKeyIdentifier`, "recreate the CA with nutca init");
    }
    const constraints = certificate.extensions.find((extension) => extension.type === "2.5.29.30");
    if (constraints && !constraints.critical) {
      add("warning", "name-constraints-not-critical", "nameConstraints is not critical", "recreate the CA");
    }
  } else if (basic?.pathLength !== undefined) {
    add("warning", "leaf-path-length", "a non-CA certificate carries a pathLen", "reissue it");
  }
  if (!selfSigned && !certificate.getExtension(x509.AuthorityKeyIdentifierExtension)) {
    add(
      "error",
      "no-aki",
      `${what} has no authorityKeyIdentifier: strict verifiers (Python 3.13) reject it`,
      "reissue it with nutca",
    );
  }

  const sanExtension = certificate.extensions.find((extension) => extension.type === "2.5.29.17");
  const sans = sanEntries(certificate.extensions);
  const cn = certificate.subjectName.getField("CN");
  if (sans && sans.dns.length + sans.ip.length + sans.other.length === 0) {
    add("error", "san-empty", "the subjectAltName extension is empty", "reissue it with names, or without a SAN");
  }
  if (certificate.subjectName.toJSON().length === 0 && !sanExtension?.critical) {
    add("error", "empty-subject", "the subject is empty and the SAN is not critical", "reissue it with a CN");
  }
  for (const value of cn) {
    if (value.length > MAX_COMMON_NAME) {
      add("error", "cn-too-long", `the CN has ${value.length} characters (max ${MAX_COMMON_NAME})`, "shorten it");
    }
  }
  findings.push(...weakSignatureFindings(der, what));
  findings.push(...keyFindings(certificateKeyFacts(certificate), what));

  const eku = extendedKeyUsages(certificate);
  const server = !ca && eku?.includes("serverAuth") === true;
  if (server && (!sans || sans.dns.length + sans.ip.length === 0)) {
    add(
      "error",
      "server-without-san",
      "a server certificate without SAN names: upsmon (NSS) and the shims match names only against the SAN",
      REISSUE_SERVER,
    );
  }
  if (sans) findings.push(...ipAsDnsFindings(sans.dns, sans.ip, what));
  if (!ca && eku && !eku.includes("serverAuth") && !eku.includes("clientAuth")) {
    add("warning", "no-tls-usage", "the extendedKeyUsage allows neither serverAuth nor clientAuth", REISSUE_SERVER);
  }

  if (options.issuer && certificate.notAfter.getTime() > options.issuer.notAfter.getTime()) {
    add(
      "error",
      "outlives-issuer",
      `${what} expires after its issuer (${options.issuer.notAfter.toISOString()})`,
      "reissue it with an expiry within the CA's",
    );
  }
  findings.push(...expiryFindings(certificate.notBefore, certificate.notAfter, options.now, what));
  return findings;
}
