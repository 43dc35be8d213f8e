/**
 * What a probe means: the STARTTLS answer in words, the chain checked against
 * the trusted CA, the expected name matched against the SAN the way upsmon
 * (NSS) and the shims do, and expiry. `verified` is the one verdict.
 */
import { X509Certificate as NodeCertificate } from "node:crypto";
import { isIP } from "node:net";
import { checkServerIdentity } from "node:tls";
import { certificatesFromDer, verifyChain } from "../pki/chain.js";
import { certificateFacts, sanEntries, type CertificateFacts } from "../pki/describe.js";
import type { Finding } from "../pki/findings.js";
import { lintCertificate } from "../pki/lint.js";
import type { x509 } from "../pki/x509.js";
import type { ProbeOutcome, ProbeTarget, ReplyKind } from "./starttls.js";

export interface ProbeReport {
  readonly target: string;
  readonly mode: ProbeTarget["mode"];
  readonly verified: boolean;
  readonly reply?: { readonly line: string; readonly kind: ReplyKind; readonly meaning: string };
  readonly failure?: string;
  readonly tls?: { readonly protocol: string; readonly cipher: string };
  readonly server?: string;
  /** The client certificate presented (--client). */
  readonly client?: string;
  readonly chain: CertificateFacts[];
  readonly trust: { readonly source: string; readonly chainVerified: boolean; readonly anchor?: string };
  readonly name?: { readonly expected: string; readonly matched: boolean };
  readonly notAfter?: string;
  readonly findings: Finding[];
}

export const REPLY_MEANING: Record<ReplyKind, string> = {
  ok: "upsd accepted STARTTLS",
  "ok-bare": "a bare OK: a TLS shim (upsdTLS.py), not upsd itself",
  "not-configured":
    "upsd has TLS compiled in but its certificate set-up failed and it is serving plaintext " +
    "(NSS upsd up to 2.8.5 fails open; 2.8.6 would have exited instead)",
  "not-supported": "this upsd has no TLS support compiled in",
  "already-ssl": "the connection is already in TLS mode",
  "other-error": "upsd refused STARTTLS",
  tls: "the port speaks TLS from the first byte (implicit TLS, e.g. stunnel)",
  "not-nut": "the answer is not NUT's",
};

const REPLY_FIX: Record<ReplyKind, string> = {
  ok: "",
  "ok-bare": "",
  "not-configured":
    "read upsd's log (Can not find server certificate / private key, nss_error -8174/-8177): check CERTPATH is " +
    "readable by nut (root:nut 0750/0640), the CERTIDENT nickname and DB password; nutca doctor --export DIR checks a bundle",
  "not-supported":
    "install a NUT built with TLS (NSS or OpenSSL), or put stunnel in front (nutca export stunnel-server)",
  "already-ssl": "probe a fresh connection",
  "other-error": "check upsd's log",
  tls: "probe it with --stunnel",
  "not-nut": "check the host and port: NUT's port is 3493",
};

export interface EvaluateInput {
  readonly target: ProbeTarget;
  readonly outcome: ProbeOutcome;
  readonly anchors: readonly x509.X509Certificate[];
  /** Where the anchors came from, e.g. "the store's CA (CN=...)" or "--ca ca.pem". */
  readonly trustSource: string;
  /** The name a client would check; defaults to the host. */
  readonly expectedName: string;
  readonly now: Date;
}

export function evaluateProbe(input: EvaluateInput): ProbeReport {
  const { target, outcome } = input;
  const findings: Finding[] = [];
  const base = {
    target: isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`,
    mode: target.mode,
    ...(outcome.reply ? { reply: { ...outcome.reply, meaning: REPLY_MEANING[outcome.reply.kind] } } : {}),
    ...(outcome.failure ? { failure: outcome.failure } : {}),
    ...(outcome.server ? { server: outcome.server } : {}),
    ...(target.client ? { client: target.client.name } : {}),
  };
  const reply = outcome.reply;
  if (reply && reply.kind !== "ok" && reply.kind !== "ok-bare") {
    findings.push({
      severity: "error",
      code: `starttls-${reply.kind}`,
      message: `${reply.line}: ${REPLY_MEANING[reply.kind]}`,
      fix: REPLY_FIX[reply.kind],
    });
  }
  if (outcome.refusal) findings.push(refusalFinding(target, outcome));
  else if (outcome.failure) {
    findings.push({
      severity: "error",
      code: `${outcome.stage}-failed`,
      message: outcome.failure,
      fix: fixFor(outcome),
    });
  }
  const trust = { source: input.trustSource, chainVerified: false };
  if (!outcome.tls || outcome.tls.chain.length === 0) {
    if (outcome.tls) {
      findings.push({
        severity: "error",
        code: "no-certificate",
        message: "the server sent no certificate",
        fix: "check the server's certificate set-up",
      });
    }
    return { ...base, verified: false, chain: [], trust, findings };
  }
  const tls = { protocol: outcome.tls.protocol, cipher: outcome.tls.cipher };
  if (tls.protocol === "TLSv1" || tls.protocol === "TLSv1.1") {
    findings.push({
      severity: "warning",
      code: "weak-tls",
      message: `the server negotiated ${tls.protocol}`,
      fix: "add DISABLE_WEAK_SSL true to upsd.conf (sslVersionMin = TLSv1.2 for stunnel)",
    });
  }
  const certificates = certificatesFromDer(outcome.tls.chain);
  const leaf = certificates[0]!;
  const chain = verifyChain(leaf, certificates.slice(1), input.anchors, input.now);
  const name = matchName(leaf, input.expectedName);
  const impostor = chain.findings.find((finding) => finding.code === "untrusted-root");
  if (impostor) {
    // Renewing, reissuing or trusting what a server that is not ours presents would help an impostor.
    findings.push(notOurs(leaf, chain.path[chain.path.length - 1]!, base.target, input.trustSource));
  } else {
    findings.push(...chain.findings);
    findings.push(...lintCertificate(leaf, { now: input.now }).filter((finding) => !isExpiry(finding)));
    if (!name.matched) findings.push(name.finding!);
  }
  // A completed handshake is not enough: the server must answer inside TLS (stage "done").
  const verified =
    outcome.stage === "done" &&
    chain.verified &&
    name.matched &&
    (reply === undefined || reply.kind === "ok" || reply.kind === "ok-bare");
  return {
    ...base,
    verified,
    tls,
    chain: certificates.map(certificateFacts),
    trust: { ...trust, chainVerified: chain.verified, ...(chain.anchor ? { anchor: chain.anchor.subject } : {}) },
    name: { expected: input.expectedName, matched: name.matched },
    notAfter: certificateFacts(leaf).notAfter,
    findings,
  };
}

/** The chain ends at a self-signed certificate that is not the trusted CA: the leaf itself, or a foreign CA. */
function notOurs(leaf: x509.X509Certificate, top: x509.X509Certificate, target: string, trustSource: string): Finding {
  const origin = top === leaf ? "is self-signed" : `was issued by "${top.subject}"`;
  return {
    severity: "error",
    code: "untrusted-root",
    message: `the server's certificate ${origin}, not by ${trustSource}: this server is not ours`,
    fix: `make sure ${target} is your server; if it is, install a certificate from this CA on it (nutca export upsd <name>)`,
  };
}

function isExpiry(finding: Finding): boolean {
  return finding.code === "expired" || finding.code === "not-yet-valid" || finding.code === "expires-soon";
}

function fixFor(outcome: ProbeOutcome): string {
  if (outcome.stage === "connect") return "check the host, the port (NUT: 3493) and upsd's LISTEN lines";
  if (outcome.stage === "starttls") return "check that this is a NUT server (upsd), and its log";
  if (outcome.stage === "command") return "check the server's log: it accepted TLS but does not answer inside it";
  return "check the server's TLS set-up and its log";
}

/**
 * The server turned the client away for its certificate. Seen in an alert, it
 * is certain; seen as a hang-up at the first read after the handshake, it is
 * the likely reason (upsd's log says for sure).
 */
function refusalFinding(target: ProbeTarget, outcome: ProbeOutcome): Finding {
  const server = target.mode === "implicit" ? "the server" : "upsd";
  const certain = outcome.command?.kind !== "closed";
  const detail = outcome.failure ? `: ${outcome.failure}` : "";
  if (outcome.refusal === "rejected") {
    const name = target.client?.name ?? "";
    return {
      severity: "error",
      code: "client-certificate-refused",
      message: `${server} ${certain ? "does not accept" : "probably does not accept"} the client certificate "${name}"${detail}`,
      fix:
        `${server} trusts another CA for clients: give it this CA (upsd with OpenSSL: CERTPATH with the hashed CA ` +
        "dir from nutca export ca; with NSS: the CA in its db, certutil -M -t CT,,; stunnel: CAfile), or pass " +
        "--client with a certificate of the CA it trusts",
    };
  }
  return {
    severity: "error",
    code: "client-certificate-required",
    message: certain
      ? `${server} requires a client certificate${detail}`
      : `${server} refused the connection after the handshake: it probably requires a client certificate${detail}`,
    fix: "pass --client <name> (a client certificate of this store: nutca issue client <name>)",
  };
}

/**
 * The name check of upsmon's CERTHOST (NSS) and of the shims (Python): the SAN
 * decides, an IP matches only an iPAddress entry, the CN counts only without a
 * SAN. node's checkServerIdentity implements the same RFC 6125 rules.
 */
function matchName(leaf: x509.X509Certificate, expected: string): { matched: boolean; finding?: Finding } {
  const legacy = new NodeCertificate(Buffer.from(leaf.rawData)).toLegacyObject();
  const error = checkServerIdentity(expected, legacy);
  if (!error) return { matched: true };
  const sans = sanEntries(leaf.extensions) ?? { dns: [], ip: [], other: [] };
  const listed = [...sans.dns.map((dns) => `DNS:${dns}`), ...sans.ip.map((ip) => `IP:${ip}`)].join(", ") || "none";
  const ipAsDns = isIP(expected) !== 0 && sans.dns.includes(expected);
  return {
    matched: false,
    finding: {
      severity: "error",
      code: "name-mismatch",
      message: ipAsDns
        ? `${expected} is in the certificate only as a DNS name: clients match an IP only against an IP entry`
        : `"${expected}" is not among the certificate's names (${listed})`,
      fix: ipAsDns
        ? `reissue the server certificate with --ip ${expected}`
        : "probe with --name <one of its names>, or reissue the certificate with --dns/--ip for this name",
    },
  };
}
