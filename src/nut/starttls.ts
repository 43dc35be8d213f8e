/**
 * NUT's in-band TLS upgrade, as a client: connect, send `STARTTLS`, read one
 * line, then run the TLS handshake on the same socket (nut-tls.md, "The
 * protocol"). With `implicit`, TLS starts at the first byte (a stunnel port).
 * Certificates are NOT checked here (rejectUnauthorized: false): the caller
 * verifies the chain against its own CA and reports why it fails, which a
 * handshake error could not say. One deadline covers the whole probe.
 */
import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect, type DetailedPeerCertificate, type TLSSocket } from "node:tls";
import { Deadline, readLine } from "./line-reader.js";
import { clientRefusal, describeError, firstCommand, type ClientRefusal, type CommandAnswer } from "./probe-command.js";

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  readonly mode: "starttls" | "implicit";
  /** The name to send as SNI; only DNS names are sent. */
  readonly servername?: string;
  readonly timeoutMs: number;
  /** The client certificate to present (PEM, leaf then chain) and its key. */
  readonly client?: { readonly name: string; readonly certPem: string; readonly keyPem: string };
}

/** What the server answered to STARTTLS. */
export type ReplyKind =
  | "ok" // OK STARTTLS
  | "ok-bare" // a bare OK: Roger Price's upsdTLS.py shim
  | "not-configured" // ERR FEATURE-NOT-CONFIGURED
  | "not-supported" // ERR FEATURE-NOT-SUPPORTED
  | "already-ssl" // ERR ALREADY-SSL-MODE
  | "other-error" // another ERR line
  | "tls" // TLS bytes instead of a line: an implicit-TLS port
  | "not-nut"; // anything else

export interface ProbeOutcome {
  /** "command": the handshake completed, the first command inside TLS got no answer. */
  readonly stage: "connect" | "starttls" | "handshake" | "command" | "done";
  /** Set when the probe stopped before the end, at `stage`. */
  readonly failure?: string;
  readonly reply?: { readonly line: string; readonly kind: ReplyKind };
  readonly tls?: {
    readonly protocol: string;
    readonly cipher: string;
    /** The certificates the server sent, leaf first, DER. */
    readonly chain: Uint8Array[];
  };
  /** The server's answer to VER inside TLS (upsd's version line), when it gave one. */
  readonly server?: string;
  /** What VER inside TLS got, once the handshake completed. */
  readonly command?: CommandAnswer;
  /** The server turned the client away for its certificate (in the handshake, or at the first read). */
  readonly refusal?: ClientRefusal;
}

export async function probeServer(target: ProbeTarget): Promise<ProbeOutcome> {
  const deadline = new Deadline(target.timeoutMs);
  const seconds = `${Math.round(target.timeoutMs / 100) / 10} s`;
  let socket: Socket | undefined;
  let secure: TLSSocket | undefined;
  try {
    if (target.mode === "implicit") {
      const handshake = await startTls(target, deadline, undefined);
      if ("failure" in handshake) return { stage: "handshake", ...handshake };
      secure = handshake.socket;
      return await finish(handshake, target, deadline, {});
    }
    const connected = await connectPlain(target, deadline);
    if ("failure" in connected) return { stage: "connect", failure: connected.failure };
    socket = connected.socket;
    socket.write("STARTTLS\n");
    const answer = await readLine(socket, deadline);
    if (answer.timedOut && answer.bytes.length === 0) {
      return { stage: "starttls", failure: `no answer to STARTTLS within ${seconds} (not a NUT server?)` };
    }
    if (answer.bytes.length === 0) {
      return {
        stage: "starttls",
        failure: "the server closed the connection without answering STARTTLS (a TLS-only port? try --stunnel)",
      };
    }
    const reply = classify(answer.bytes);
    if (reply.kind !== "ok" && reply.kind !== "ok-bare") return { stage: "starttls", reply };
    const handshake = await startTls(target, deadline, socket);
    if ("failure" in handshake) return { stage: "handshake", reply, ...handshake };
    secure = handshake.socket;
    return await finish(handshake, target, deadline, { reply });
  } finally {
    secure?.destroy();
    socket?.destroy();
  }
}

async function finish(
  handshake: Handshake,
  target: ProbeTarget,
  deadline: Deadline,
  partial: Pick<ProbeOutcome, "reply">,
): Promise<ProbeOutcome> {
  const secure = handshake.socket;
  const tls = {
    protocol: secure.getProtocol() ?? "unknown",
    cipher: secure.getCipher()?.standardName ?? secure.getCipher()?.name ?? "unknown",
    chain: peerChain(secure.getPeerCertificate(true)),
  };
  const presented = target.client !== undefined;
  const command = await firstCommand(secure, deadline, presented, handshake.lateError);
  const common = { ...partial, tls, command };
  if (command.kind === "answered") return { stage: "done", ...common, server: command.line };
  // A completed handshake, then no answer: under TLS 1.3 that is how a refused client certificate shows.
  const refusal =
    command.kind === "refused" ? command.refusal : command.kind === "closed" ? guessRefusal(presented) : undefined;
  return { stage: "command", ...common, failure: commandFailure(command), ...(refusal ? { refusal } : {}) };
}

function guessRefusal(presented: boolean): ClientRefusal {
  return presented ? "rejected" : "required";
}

function commandFailure(command: Exclude<CommandAnswer, { kind: "answered" }>): string {
  switch (command.kind) {
    case "refused":
      return `the server refused the connection after the TLS handshake (${command.message})`;
    case "closed":
      return "the server closed the connection after the TLS handshake, without answering VER";
    case "silent":
      return `the server did not answer VER within ${command.waitedMs / 1000} s after the TLS handshake`;
  }
}

function connectPlain(target: ProbeTarget, deadline: Deadline): Promise<{ socket: Socket } | { failure: string }> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ failure: `no connection to ${where(target)} within the time limit (a firewall dropping packets?)` });
    }, deadline.left);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      socket.on("error", () => undefined);
      resolve({ socket });
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ failure: connectFailure(error, target) });
    });
  });
}

function connectFailure(error: NodeJS.ErrnoException, target: ProbeTarget): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return `connection refused: nothing listens on ${where(target)} (is upsd running, and its LISTEN line right?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve the host name "${target.host}"`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${target.host} is unreachable (${error.code})`;
    default:
      return `cannot connect to ${where(target)}: ${error.message}`;
  }
}

function where(target: ProbeTarget): string {
  return isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

interface Handshake {
  readonly socket: TLSSocket;
  /** An error the socket had between the handshake and the first read (a TLS 1.3 alert can come that soon). */
  readonly lateError: () => NodeJS.ErrnoException | undefined;
}

function startTls(
  target: ProbeTarget,
  deadline: Deadline,
  socket: Socket | undefined,
): Promise<Handshake | { failure: string; refusal?: ClientRefusal }> {
  return new Promise((resolve) => {
    const servername = target.servername && isIP(target.servername) === 0 ? target.servername : undefined;
    const options = {
      rejectUnauthorized: false,
      ...(servername ? { servername } : {}),
      ...(target.client ? { cert: target.client.certPem, key: target.client.keyPem } : {}),
      ...(socket ? { socket } : { host: target.host, port: target.port }),
    };
    const secure = tlsConnect(options);
    const timer = setTimeout(() => {
      secure.destroy();
      resolve({ failure: "the TLS handshake did not finish within the time limit" });
    }, deadline.left);
    secure.once("secureConnect", () => {
      clearTimeout(timer);
      secure.removeAllListeners("error");
      let lateError: NodeJS.ErrnoException | undefined;
      secure.on("error", (error: NodeJS.ErrnoException) => (lateError ??= error));
      resolve({ socket: secure, lateError: () => lateError });
    });
    secure.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const refusal = clientRefusal(error, target.client !== undefined);
      resolve({ failure: handshakeFailure(error, target), ...(refusal ? { refusal } : {}) });
    });
  });
}

function handshakeFailure(error: NodeJS.ErrnoException, target: ProbeTarget): string {
  const message = error.message.split("\n")[0] ?? String(error);
  if (error.code === "ECONNREFUSED") return connectFailure(error, target);
  if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return target.mode === "implicit"
      ? "the server does not speak TLS on this port (a plain NUT port? probe it without --stunnel)"
      : `the server answered OK but did not start TLS (${message})`;
  }
  if (clientRefusal(error, target.client !== undefined)) {
    return `the server refused the handshake (${describeError(error)})`;
  }
  if (/ECONNRESET|socket hang up|disconnected/i.test(message) || error.code === "ECONNRESET") {
    return "the server closed the connection during the TLS handshake";
  }
  return `the TLS handshake failed: ${message}`;
}

function classify(bytes: Buffer): { line: string; kind: ReplyKind } {
  if (bytes[0] === 0x15 || bytes[0] === 0x16) {
    return { line: `<binary: ${bytes.subarray(0, 8).toString("hex")}>`, kind: "tls" };
  }
  const text = bytes.toString("utf8");
  const line = text.split(/\r?\n/)[0]!.trim();
  const printable = line.replace(/[^\x20-\x7e]/g, "?").slice(0, 120);
  if (line === "OK STARTTLS") return { line: printable, kind: "ok" };
  if (line === "OK" || line.startsWith("OK ")) return { line: printable, kind: "ok-bare" };
  if (line === "ERR FEATURE-NOT-CONFIGURED") return { line: printable, kind: "not-configured" };
  if (line === "ERR FEATURE-NOT-SUPPORTED") return { line: printable, kind: "not-supported" };
  if (line === "ERR ALREADY-SSL-MODE") return { line: printable, kind: "already-ssl" };
  if (/^ERR [A-Z-]+/.test(line)) return { line: printable, kind: "other-error" };
  return { line: printable, kind: "not-nut" };
}

/** node's peer chain is a linked list whose root points at itself. */
function peerChain(leaf: DetailedPeerCertificate): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  let current: DetailedPeerCertificate | undefined = leaf;
  while (current && current.raw && !seen.has(current)) {
    seen.add(current);
    chain.push(new Uint8Array(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}
