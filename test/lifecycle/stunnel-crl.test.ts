// A real stunnel server, configured by `nutca export stunnel-server`, checks
// client certificates against the store's CRL (CRLfile): it refuses the
// revoked client and lets a valid one through to the service behind it.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { connect as tlsConnect } from "node:tls";
import { makeStore, nutcaOk, requireTools } from "./support.js";

const GREETING = "upsd behind stunnel\n";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** The service behind stunnel: greets whoever stunnel lets through, and counts them. */
async function upstream(port: number): Promise<{ server: Server; count: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.on("error", () => undefined);
    socket.end(GREETING);
  });
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  return { server, count: () => count };
}

async function waitForPort(port: number, daemon: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (daemon.exitCode !== null) throw new Error(`stunnel exited ${daemon.exitCode}:\n${log()}`);
    const open = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        done(true);
      });
      socket.on("error", () => done(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`stunnel did not listen on ${port}:\n${log()}`);
}

/** Connects with a client certificate; resolves with what came back through the tunnel ("" when refused). */
function tryClient(port: number, pemDir: string, name: string): Promise<string> {
  return new Promise((done) => {
    let received = "";
    const socket = tlsConnect({
      host: "127.0.0.1",
      port,
      servername: "localhost",
      ca: readFileSync(join(pemDir, "ca.crt.pem")),
      cert: readFileSync(join(pemDir, `${name}.crt.pem`)),
      key: readFileSync(join(pemDir, `${name}.key.pem`)),
    });
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      done(received);
    });
  });
}

async function withStunnel<T>(conf: string, port: number, work: () => Promise<T>): Promise<T> {
  let log = "";
  const daemon = spawn("stunnel", [conf], { stdio: ["ignore", "pipe", "pipe"] });
  daemon.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  daemon.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  try {
    await waitForPort(port, daemon, () => log);
    return await work();
  } finally {
    if (daemon.exitCode === null && daemon.pid !== undefined) {
      const exited = new Promise((done) => daemon.once("exit", done));
      process.kill(daemon.pid, "SIGTERM");
      await exited;
    }
  }
}

test("stunnel with the exported CRLfile refuses the revoked client certificate", async (t) => {
  if (!requireTools(t, "stunnel", "openssl")) return;
  const { dir, store } = makeStore();
  nutcaOk(store, ["issue", "server", "srv", "--dns", "localhost", "--ip", "127.0.0.1"]);
  nutcaOk(store, ["issue", "client", "good"]);
  nutcaOk(store, ["issue", "client", "bad"]);
  nutcaOk(store, ["revoke", "bad", "--reason", "keyCompromise"]);
  const [tlsPort, plainPort] = [await freePort(), await freePort()];
  const out = join(dir, "stunnel-server");
  nutcaOk(store, [
    ...["export", "stunnel-server", "--server", "srv", "--out", out, "--install-dir", out],
    ...["--accept", `127.0.0.1:${tlsPort}`, "--connect", `127.0.0.1:${plainPort}`],
    ...["--pid-file", join(dir, "stunnel.pid")],
  ]);
  const conf = join(out, "stunnel.conf");
  assert.equal(readFileSync(join(out, "crl.pem"), "utf8"), readFileSync(join(store, "crl", "ca.crl.pem"), "utf8"));
  assert.match(readFileSync(conf, "utf8"), new RegExp(`^CRLfile = ${out}/crl.pem$`, "m"));
  const pems = join(dir, "pem");
  nutcaOk(store, ["export", "pem", "good", "--out", join(pems, "good")]);
  nutcaOk(store, ["export", "pem", "bad", "--out", join(pems, "bad")]);

  const service = await upstream(plainPort);
  try {
    await withStunnel(conf, tlsPort, async () => {
      assert.equal(await tryClient(tlsPort, join(pems, "good"), "good"), GREETING);
      assert.equal(await tryClient(tlsPort, join(pems, "bad"), "bad"), "", "the revoked client got through");
      assert.equal(service.count(), 1, "only the valid client reached the service");
    });
    // The same stunnel without the CRL lets the revoked client in: the CRL is what refused it.
    const noCrl = join(out, "no-crl.conf");
    writeFileSync(noCrl, readFileSync(conf, "utf8").replace(/^CRLfile = .*$/m, ""));
    await withStunnel(noCrl, tlsPort, async () => {
      assert.equal(await tryClient(tlsPort, join(pems, "bad"), "bad"), GREETING);
    });
  } finally {
    await new Promise((done) => service.server.close(done));
  }
});

test("the stunnel client export carries the CRL too (it checks the server's certificate)", (t) => {
  if (!requireTools(t, "openssl")) return;
  const { dir, store } = makeStore();
  nutcaOk(store, ["issue", "server", "srv", "--dns", "ups.example.net"]);
  nutcaOk(store, ["issue", "client", "mon"]);
  const before = join(dir, "before");
  nutcaOk(store, ["export", "stunnel-client", "--client", "mon", "--server", "srv", "--out", before]);
  assert.equal(existsSync(join(before, "crl.pem")), false, "no CRL yet, no CRLfile");
  assert.doesNotMatch(readFileSync(join(before, "stunnel.conf"), "utf8"), /CRLfile/);
  nutcaOk(store, ["crl"]);
  const after = join(dir, "after");
  nutcaOk(store, ["export", "stunnel-client", "--client", "mon", "--server", "srv", "--out", after]);
  assert.match(readFileSync(join(after, "crl.pem"), "utf8"), /BEGIN X509 CRL/);
  assert.match(readFileSync(join(after, "stunnel.conf"), "utf8"), /^CRLfile = .*crl\.pem$/m);
});
