/**
 * Chain checks without a trust store: is a certificate signed by a given CA,
 * are a file's certificates in leaf-to-root order, and does a presented chain
 * lead to one of our trust anchors. OpenSSL (inside node:crypto) does the
 * name/key-identifier matching and the signature check.
 */
import type { X509Certificate as NodeCertificate } from "node:crypto";
import { nodeCertificate } from "./describe.js";
import { expiryFindings, type Finding } from "./findings.js";
import { x509 } from "./x509.js";

/** True when `issuer` names and signed `certificate`. */
export function issuedBy(certificate: x509.X509Certificate, issuer: x509.X509Certificate): boolean {
  try {
    return nodeIssuedBy(nodeCertificate(certificate), nodeCertificate(issuer));
  } catch {
    // OpenSSL cannot read one of them (damage @peculiar/x509 let through): it issued nothing
    return false;
  }
}

function nodeIssuedBy(certificate: NodeCertificate, issuer: NodeCertificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Signed by its own key, whatever its extensions say (OpenSSL's checkIssued also demands keyCertSign). */
export function isSelfSigned(certificate: x509.X509Certificate): boolean {
  if (certificate.subject !== certificate.issuer) return false;
  try {
    const node = nodeCertificate(certificate);
    return node.verify(node.publicKey);
  } catch {
    return false;
  }
}

export function sameCertificate(a: x509.X509Certificate, b: x509.X509Certificate): boolean {
  return Buffer.from(a.rawData).equals(Buffer.from(b.rawData));
}

export function isCa(certificate: x509.X509Certificate): boolean {
  return certificate.getExtension(x509.BasicConstraintsExtension)?.ca === true;
}

/**
 * Where a list of certificates breaks leaf-to-root order: the index i where
 * certificates[i] is not issued by certificates[i + 1]; -1 when in order.
 */
export function orderBreak(certificates: readonly x509.X509Certificate[]): number {
  for (let i = 0; i + 1 < certificates.length; i++) {
    if (!issuedBy(certificates[i]!, certificates[i + 1]!)) return i;
  }
  return -1;
}

export interface ChainResult {
  /** True when a path from the leaf reaches an anchor and every certificate on it is in its validity period. */
  readonly verified: boolean;
  /** Leaf first, the anchor last when one was reached. */
  readonly path: x509.X509Certificate[];
  readonly anchor?: x509.X509Certificate;
  readonly findings: Finding[];
}

/**
 * Builds a path from `leaf` through `others` (what the peer or file presented)
 * to one of `anchors`, checking signatures, CA flags and validity dates.
 */
export function verifyChain(
  leaf: x509.X509Certificate,
  others: readonly x509.X509Certificate[],
  anchors: readonly x509.X509Certificate[],
  now: Date,
): ChainResult {
  const path = [leaf];
  const findings: Finding[] = [];
  let anchor: x509.X509Certificate | undefined = anchors.find((candidate) => sameCertificate(candidate, leaf));
  let current = leaf;
  while (!anchor && path.length <= 8) {
    anchor = anchors.find((candidate) => issuedBy(current, candidate));
    if (anchor) {
      path.push(anchor);
      break;
    }
    const next = others.find((candidate) => !path.includes(candidate) && issuedBy(current, candidate));
    if (!next) break;
    if (!isCa(next)) {
      findings.push({
        severity: "error",
        code: "issuer-not-ca",
        message: `"${next.subject}" signed "${current.subject}" but is not a CA certificate`,
        fix: "issue the certificate from the CA",
      });
    }
    path.push(next);
    current = next;
  }
  if (!anchor) {
    const last = path[path.length - 1]!;
    const selfSigned = isSelfSigned(last);
    findings.push({
      severity: "error",
      code: selfSigned ? "untrusted-root" : "missing-issuer",
      message: selfSigned
        ? `the chain ends at "${last.subject}", a CA that is not the trusted one`
        : `no trusted CA or presented intermediate signed "${last.subject}" (its issuer is "${last.issuer}")`,
      fix: selfSigned
        ? "issue the certificate from this store's CA, or trust the right CA (--ca FILE)"
        : "add the missing intermediate certificate after the leaf, or issue the certificate from this store's CA",
    });
  }
  for (const certificate of path) {
    const what = `"${certificate.subject}"`;
    findings.push(...expiryFindings(certificate.notBefore, certificate.notAfter, now, what));
  }
  return {
    verified: findings.every((finding) => finding.severity !== "error"),
    path,
    ...(anchor ? { anchor } : {}),
    findings,
  };
}

/** Certificates of a legacy peer-certificate chain (node's getPeerCertificate(true)), leaf first, deduplicated. */
export function certificatesFromDer(ders: readonly Uint8Array[]): x509.X509Certificate[] {
  const seen = new Set<string>();
  const result: x509.X509Certificate[] = [];
  for (const der of ders) {
    const key = Buffer.from(der).toString("base64");
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(new x509.X509Certificate(new Uint8Array(der)));
  }
  return result;
}
