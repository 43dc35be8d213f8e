// Stand-in servers on 127.0.0.1 ephemeral ports, in the test process: a NUT
// STARTTLS server with a chosen answer, silent and banner servers, and an
// implicit-TLS (stunnel-like) server. Each answers VER inside TLS like upsd.
import { X509Certificate } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { createSecureContext, createServer as createTlsServer, TLSSocket } from "node:tls";

export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

export interface Credentials {
  readonly key: string;
  /** Leaf first, then the chain to send. */
  readonly cert: string;
}

export const VERSION_LINE = "Network UPS Tools upsd 2.8.0 - fake for tests";

function listen(server: Server, sockets: Set<Socket>): Promise<Running> {
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function answerVer(secure: TLSSocket): void {
  secure.on("error", () => undefined);
  secure.on("data", (data: Buffer) => {
    if (data.toString().startsWith("VER")) secure.write(`${VERSION_LINE}\n`);
  });
}

/** A server that asks for a client certificate from `ca`, like upsd with CERTREQUEST 2. */
export interface ClientAuth {
  readonly ca: string;
  /** No alert for a missing certificate: complete the handshake, then drop the client, as stunnel can. */
  readonly hangUp?: boolean;
}

export type Behaviour =
  | { readonly reply: string; readonly tls?: Credentials; readonly clientAuth?: ClientAuth; readonly mute?: true }
  | { readonly silent: true }
  | { readonly close: true }
  | { readonly banner: string };

/** A line-protocol server that answers STARTTLS as told, then (for an OK with credentials) speaks TLS. */
export function startNutServer(behaviour: Behaviour): Promise<Running> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    if ("close" in behaviour) {
      socket.destroy();
      return;
    }
    if ("banner" in behaviour) socket.write(`${behaviour.banner}\r\n`);
    if (!("reply" in behaviour)) return;
    let buffer = "";
    const onData = (data: Buffer) => {
      buffer += data.toString("latin1");
      if (!buffer.includes("\n")) return;
      socket.off("data", onData);
      socket.write(`${behaviour.reply}\n`);
      if (behaviour.tls && behaviour.reply.startsWith("OK")) {
        const auth = behaviour.clientAuth;
        const secure = new TLSSocket(socket, {
          isServer: true,
          secureContext: createSecureContext({ key: behaviour.tls.key, cert: behaviour.tls.cert, ca: auth?.ca }),
          // rejectUnauthorized makes OpenSSL answer a missing certificate with an alert (116 under TLS 1.3).
          ...(auth ? { requestCert: true, rejectUnauthorized: auth.hangUp !== true } : {}),
        });
        // A TLSSocket made outside tls.Server leaves the chain check to its user: drop a client the CA did not issue.
        if (auth) secure.once("secure", () => issuedBy(secure.getPeerX509Certificate(), auth.ca) || secure.destroy());
        if (behaviour.mute) secure.on("error", () => undefined);
        else answerVer(secure);
      }
    };
    socket.on("data", onData);
  });
  return listen(server, sockets);
}

function issuedBy(peer: X509Certificate | undefined, caPem: string): boolean {
  const ca = new X509Certificate(caPem);
  return peer !== undefined && peer.checkIssued(ca) && peer.verify(ca.publicKey);
}

/** TLS from the first byte, like a stunnel server port. */
export function startImplicitTlsServer(credentials: Credentials): Promise<Running> {
  const sockets = new Set<Socket>();
  const server = createTlsServer({ key: credentials.key, cert: credentials.cert }, answerVer);
  server.on("tlsClientError", () => undefined);
  return listen(server, sockets);
}

/** A port with nothing listening: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const running = await listen(createServer(), new Set());
  await running.close();
  return running.port;
}

/** A server whose every connection is handed to `handle` as is: for answers split or joined in odd ways. */
export function startScriptedServer(handle: (socket: Socket) => void): Promise<Running> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    handle(socket);
  });
  return listen(server, sockets);
}

/** Writes `data` one byte per write, a timer tick apart, so each byte travels in a segment of its own. */
export async function trickle(stream: { write(data: Buffer): unknown }, data: string | Buffer): Promise<void> {
  const bytes = Buffer.from(data);
  for (let index = 0; index < bytes.length; index++) {
    stream.write(bytes.subarray(index, index + 1));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The first line the client sends, then `then` with the socket (its later bytes still unread). */
export function afterFirstLine(socket: Socket, then: () => void): void {
  let buffer = "";
  const onData = (data: Buffer) => {
    buffer += data.toString("latin1");
    if (!buffer.includes("\n")) return;
    socket.off("data", onData);
    then();
  };
  socket.on("data", onData);
}

/** TLS as the server on an accepted socket, with `credentials`. */
export function serverTls(socket: Socket, credentials: Credentials): TLSSocket {
  const secure = new TLSSocket(socket, {
    isServer: true,
    secureContext: createSecureContext({ key: credentials.key, cert: credentials.cert }),
  });
  secure.on("error", () => undefined);
  return secure;
}
