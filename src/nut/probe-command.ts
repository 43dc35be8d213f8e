/**
 * The first command inside TLS, and what a refused client certificate looks
 * like. Under TLS 1.3 the client's side of the handshake completes before the
 * server has judged the client's certificate, so a server that wants one
 * (upsd with CERTREQUEST 2, stunnel with verifyChain) refuses only at the first
 * read: with an alert, or by closing. Under TLS 1.2 the refusal is a handshake
 * alert. Only an answer to VER shows the connection is usable.
 */
import type { TLSSocket } from "node:tls";
import { Deadline, readLine } from "./line-reader.js";

/** Why the server turned the client away: no certificate, or not one it accepts. */
export type ClientRefusal = "required" | "rejected";

export type CommandAnswer =
  | { readonly kind: "answered"; readonly line: string }
  | { readonly kind: "refused"; readonly refusal?: ClientRefusal; readonly message: string }
  | { readonly kind: "closed" }
  | { readonly kind: "silent"; readonly waitedMs: number };

/** upsd blocks while it serves one client's handshake: the wait for the answer stays short. */
const ANSWER_WAIT_MS = 2000;

export async function firstCommand(
  secure: TLSSocket,
  deadline: Deadline,
  presented: boolean,
  earlyError: () => NodeJS.ErrnoException | undefined,
): Promise<CommandAnswer> {
  if (!secure.destroyed) secure.write("VER\n");
  const waitedMs = Math.min(deadline.left, ANSWER_WAIT_MS);
  const answer = await readLine(secure, new Deadline(waitedMs));
  const line = answer.bytes.toString("utf8").trim();
  if (answer.complete && line) return { kind: "answered", line: line.replace(/[^\x20-\x7e]/g, "?").slice(0, 200) };
  const error = answer.error ?? earlyError();
  if (error && !isReset(error)) {
    const refusal = clientRefusal(error, presented);
    return { kind: "refused", message: describeError(error), ...(refusal ? { refusal } : {}) };
  }
  if (answer.timedOut) return { kind: "silent", waitedMs };
  return { kind: "closed" };
}

const CERTIFICATE_REQUIRED = "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"; // 116, TLS 1.3
/** 40: OpenSSL's answer to no certificate under TLS 1.2. */
const HANDSHAKE_FAILURE = "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE";

const REJECTED_ALERTS = new Set([
  "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE", // 42
  "ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE", // 43
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED", // 44
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED", // 45
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN", // 46
  "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", // 48
  "ERR_SSL_TLSV1_ALERT_ACCESS_DENIED", // 49
  "ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR", // 51: the client's CertificateVerify did not check out
]);

/** A TLS alert that says the client certificate is missing or refused; undefined for any other error. */
export function clientRefusal(error: NodeJS.ErrnoException, presented: boolean): ClientRefusal | undefined {
  const code = error.code ?? "";
  if (code === CERTIFICATE_REQUIRED || /certificate required|alert number 116/i.test(error.message)) {
    return presented ? "rejected" : "required";
  }
  // A handshake failure with a certificate presented may be anything else (no shared cipher): not called a refusal.
  if (code === HANDSHAKE_FAILURE) return presented ? undefined : "required";
  if (REJECTED_ALERTS.has(code)) return presented ? "rejected" : "required";
  return undefined;
}

function isReset(error: NodeJS.ErrnoException): boolean {
  return error.code === "ECONNRESET" || error.code === "EPIPE" || /socket hang up/i.test(error.message);
}

/** "TLS alert: certificate required" from ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED; else the message's first line. */
export function describeError(error: NodeJS.ErrnoException): string {
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(error.code ?? "");
  if (alert) return `TLS alert: ${alert[1]!.toLowerCase().replace(/_/g, " ")}`;
  return error.message.split("\n")[0] ?? String(error);
}
