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

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  readonly mode: "starttls" | "implicit";
  /** The name to send as SNI; only DNS names are sent. */
  readonly servername?: string;
  readonly timeoutMs: number;
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
  readonly stage: "connect" | "starttls" | "handshake" | "done";
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
  /** The server hung up right after the handshake, without answering VER (e.g. it wants a client certificate). */
  readonly closedAfterHandshake?: boolean;
}

const MAX_LINE = 512;

class Deadline {
  private readonly end: number;
  constructor(ms: number) {
    this.end = Date.now() + ms;
  }
  get left(): number {
    return Math.max(1, this.end - Date.now());
  }
}

export async function probeServer(target: ProbeTarget): Promise<ProbeOutcome> {
  const deadline = new Deadline(target.timeoutMs);
  const seconds = `${Math.round(target.timeoutMs / 100) / 10} s`;
  let socket: Socket | undefined;
  let secure: TLSSocket | undefined;
  try {
    if (target.mode === "implicit") {
      const handshake = await startTls(target, deadline, undefined);
      if ("failure" in handshake) return { stage: "handshake", failure: handshake.failure };
      secure = handshake.socket;
      return await finish(secure, deadline, {});
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
    if ("failure" in handshake) return { stage: "handshake", reply, failure: handshake.failure };
    secure = handshake.socket;
    return await finish(secure, deadline, { reply });
  } finally {
    secure?.destroy();
    socket?.destroy();
  }
}

async function finish(
  secure: TLSSocket,
  deadline: Deadline,
  partial: Pick<ProbeOutcome, "reply">,
): Promise<ProbeOutcome> {
  const tls = {
    protocol: secure.getProtocol() ?? "unknown",
    cipher: secure.getCipher()?.standardName ?? secure.getCipher()?.name ?? "unknown",
    chain: peerChain(secure.getPeerCertificate(true)),
  };
  // VER proves the NUT line protocol goes on inside TLS; a short wait, and no answer is not a failure.
  secure.write("VER\n");
  const version = await readLine(secure, new Deadline(Math.min(deadline.left, 2000)));
  const line = version.bytes.toString("utf8").trim();
  const closed = !version.complete && !version.timedOut && version.bytes.length === 0;
  return {
    stage: "done",
    ...partial,
    tls,
    ...(line && version.complete ? { server: line } : {}),
    ...(closed ? { closedAfterHandshake: true } : {}),
  };
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

function startTls(
  target: ProbeTarget,
  deadline: Deadline,
  socket: Socket | undefined,
): Promise<{ socket: TLSSocket } | { failure: string }> {
  return new Promise((resolve) => {
    const servername = target.servername && isIP(target.servername) === 0 ? target.servername : undefined;
    const options = {
      rejectUnauthorized: false,
      ...(servername ? { servername } : {}),
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
      secure.on("error", () => undefined);
      resolve({ socket: secure });
    });
    secure.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ failure: handshakeFailure(error, target) });
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
  if (/certificate required|alert number 116|handshake failure/i.test(message)) {
    return `the server refused the handshake (${message}): it may require a client certificate`;
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

interface LineResult {
  readonly bytes: Buffer;
  /** A newline ended it. */
  readonly complete: boolean;
  readonly timedOut: boolean;
}

/**
 * Reads up to and including the first newline (or MAX_LINE bytes, or what came
 * before the peer closed), whatever the segmentation. The socket is paused and
 * the bytes after the line are put back, so the TLS handshake that follows
 * (tls.connect reads a socket's buffered bytes first) or the next read gets them.
 */
function readLine(socket: Socket, deadline: Deadline): Promise<LineResult> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const done = (complete: boolean, timedOut: boolean, rest?: Buffer) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      socket.off("error", onEnd);
      socket.pause();
      // Only once detached and paused: unshift on a flowing socket emits the bytes again at once.
      if (rest && rest.length > 0) socket.unshift(rest);
      resolve({ bytes: buffer, complete, timedOut });
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const newline = buffer.indexOf(0x0a);
      if (newline >= 0) {
        const rest = buffer.subarray(newline + 1);
        buffer = buffer.subarray(0, newline + 1);
        done(true, false, rest);
      } else if (buffer.length >= MAX_LINE || buffer[0] === 0x15 || buffer[0] === 0x16) done(false, false);
    };
    const onEnd = () => done(false, false);
    const timer = setTimeout(() => done(false, true), deadline.left);
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onEnd);
    socket.resume();
  });
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
