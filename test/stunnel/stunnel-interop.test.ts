// The exported stunnel pair, run by the real stunnel exactly as exported (only the
// addresses and the pid file are chosen by flags): a plaintext client -> client
// stunnel -> mutual TLS -> server stunnel -> a fake upsd, all on 127.0.0.1 high ports.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { connect as tlsConnect } from "node:tls";
import { join } from "node:path";
import { runNutca } from "../helpers/cli.js";
import {
  askLine,
  Daemons,
  fakeUpsd,
  freePort,
  hasTool,
  makeStore,
  nutcaOk,
  tempDir,
  toolGate,
  waitForFile,
  type Daemon,
} from "./support.js";

const STUNNEL = hasTool("stunnel") || !hasTool("stunnel4") ? "stunnel" : "stunnel4";
const gate = toolGate([STUNNEL]);
const QUESTION = "GET VAR ups ups.status";
const ANSWER = 'VAR ups ups.status "OL"';

describe("stunnel interop", { skip: gate.skip, timeout: 120_000 }, () => {
  let temp: ReturnType<typeof tempDir>;
  const daemons = new Daemons();
  let storeA: string;
  let upsd: Awaited<ReturnType<typeof fakeUpsd>>;
  let srvPort: number;
  let srvDaemon: Daemon;

  /** Exports with the CLI into a directory that is also the --install-dir, so the conf works in place. */
  function exportTo(store: string, name: string, args: string[]): { dir: string; pid: string } {
    const dir = join(temp.path, "exports", name);
    const pid = join(temp.path, "run", `${name}.pid`);
    nutcaOk(store, ["export", ...args, "--out", dir, "--install-dir", dir, "--pid-file", pid]);
    return { dir, pid };
  }

  async function startStunnel(exported: { dir: string; pid: string }): Promise<Daemon> {
    const daemon = daemons.start(STUNNEL, [join(exported.dir, "stunnel.conf")]);
    await waitForFile(exported.pid, daemon);
    return daemon;
  }

  async function clientStunnel(
    store: string,
    name: string,
    args: string[],
  ): Promise<{ port: number; dir: string; daemon: Daemon }> {
    const port = await freePort();
    const exported = exportTo(store, name, ["stunnel-client", ...args, "--accept", `127.0.0.1:${port}`]);
    return { port, dir: exported.dir, daemon: await startStunnel(exported) };
  }

  before(async () => {
    gate.check();
    temp = tempDir("nutca-stunnel-interop-");
    mkdirSync(join(temp.path, "run"));
    storeA = makeStore(join(temp.path, "store-a"), [
      ["server", "srv", "--dns", "nut.example.test", "--ip", "127.0.0.1"],
      ["server", "loopback", "--dns", "localhost"],
      ["client", "mon1"],
    ]);
    upsd = await fakeUpsd();
    srvPort = await freePort();
    const exported = exportTo(storeA, "srv-server", [
      "stunnel-server",
      "--server",
      "srv",
      "--accept",
      `127.0.0.1:${srvPort}`,
      "--connect",
      `127.0.0.1:${upsd.port}`,
    ]);
    srvDaemon = await startStunnel(exported);
  });

  after(async () => {
    await daemons.stopAll();
    await upsd?.close();
    temp?.remove();
  });

  test("a NUT line crosses client stunnel -> mutual TLS -> server stunnel (checkIP)", async () => {
    const client = await clientStunnel(storeA, "mon1-ip", [
      "--client",
      "mon1",
      "--server",
      "srv",
      "--connect",
      `127.0.0.1:${srvPort}`,
    ]);
    assert.match(readFileSync(join(client.dir, "stunnel.conf"), "utf8"), /^checkIP = 127\.0\.0\.1$/m);
    assert.equal(statSync(join(client.dir, "mon1.key.pem")).mode & 0o777, 0o600);
    assert.equal(await askLine(client.port, QUESTION), ANSWER, srvDaemon.output());
    assert.match(srvDaemon.output(), /Certificate accepted at depth=0: CN=mon1/);
  });

  test("checkHost with a DNS name the server certificate holds", async () => {
    const port = await freePort();
    await startStunnel(
      exportTo(storeA, "loopback-server", [
        "stunnel-server",
        "--server",
        "loopback",
        "--accept",
        `127.0.0.1:${port}`,
        "--connect",
        `127.0.0.1:${upsd.port}`,
      ]),
    );
    const client = await clientStunnel(storeA, "mon1-dns", [
      "--client",
      "mon1",
      "--server",
      "loopback",
      "--connect",
      `localhost:${port}`,
    ]);
    assert.match(readFileSync(join(client.dir, "stunnel.conf"), "utf8"), /^checkHost = localhost$/m);
    assert.equal(await askLine(client.port, QUESTION), ANSWER);
  });

  test("the client stunnel refuses a server whose certificate does not match its checkHost", async () => {
    // Exported for "loopback" (which names localhost), but srv's stunnel answers there.
    const client = await clientStunnel(storeA, "mon1-mismatch", [
      "--client",
      "mon1",
      "--server",
      "loopback",
      "--connect",
      `localhost:${srvPort}`,
    ]);
    const before = upsd.connections();
    assert.equal(await askLine(client.port, QUESTION), null);
    assert.equal(upsd.connections(), before, "nothing reached upsd");
    assert.match(client.daemon.output(), /CERT: Subject checks failed/);
  });

  test("the server stunnel refuses a client certificate from another CA", async () => {
    const storeB = makeStore(join(temp.path, "store-b"), [
      ["server", "srv", "--dns", "nut.example.test", "--ip", "127.0.0.1"],
      ["client", "intruder"],
    ]);
    const port = await freePort();
    const exported = exportTo(storeB, "intruder", [
      "stunnel-client",
      "--client",
      "intruder",
      "--server",
      "srv",
      "--connect",
      `127.0.0.1:${srvPort}`,
      "--accept",
      `127.0.0.1:${port}`,
    ]);
    // The intruder trusts the real CA, so only its own certificate can be what fails.
    copyFileSync(join(temp.path, "exports", "mon1-ip", "ca.pem"), join(exported.dir, "ca.pem"));
    await startStunnel(exported);
    const before = upsd.connections();
    assert.equal(await askLine(port, QUESTION), null);
    assert.equal(upsd.connections(), before, "nothing reached upsd");
    assert.match(srvDaemon.output(), /Rejected by CERT at depth=0: CN=intruder/);
  });

  test("the server stunnel refuses a client without a certificate", async () => {
    const ca = readFileSync(join(temp.path, "exports", "srv-server", "ca.pem"));
    const before = upsd.connections();
    const answer = await new Promise<string | null>((done) => {
      const socket = tlsConnect({ host: "127.0.0.1", port: srvPort, ca, servername: "nut.example.test" });
      const finish = (value: string | null) => {
        socket.destroy();
        done(value);
      };
      socket.setTimeout(10_000, () => finish(null));
      socket.on("secureConnect", () => socket.write(QUESTION + "\n"));
      socket.on("data", (chunk: Buffer) => finish(chunk.toString("utf8").trim()));
      socket.on("error", () => finish(null));
      socket.on("close", () => finish(null));
    });
    assert.equal(answer, null);
    assert.equal(upsd.connections(), before, "nothing reached upsd");
  });

  test("nutca probe --stunnel: the server stunnel wants a client certificate; with --client mon1 it answers", async () => {
    const args = ["--json", "probe", `127.0.0.1:${srvPort}`, "--stunnel", "--name", "nut.example.test"];
    const before = upsd.connections();
    // Async: the fake upsd runs in this process and must answer while the probe runs.
    const without = await runNutca([...args, "--timeout", "5"], { store: storeA });
    assert.equal(without.code, 4, without.stderr);
    const refused = JSON.parse(without.stdout) as { verified: boolean; findings: { code: string; message: string }[] };
    assert.equal(refused.verified, false);
    const required = refused.findings.find((finding) => finding.code === "client-certificate-required");
    assert.match(required?.message ?? JSON.stringify(refused.findings), /^the server (requires|refused)/);
    assert.equal(upsd.connections(), before, "nothing reached upsd");
    const withClient = await runNutca([...args, "--client", "mon1", "--timeout", "5"], { store: storeA });
    assert.equal(withClient.code, 0, withClient.stdout + withClient.stderr);
    const report = JSON.parse(withClient.stdout) as { verified: boolean; client: string; server: string };
    assert.equal(report.verified, true);
    assert.equal(report.client, "mon1");
    // VER reached the fake upsd through stunnel, which does not know it.
    assert.equal(report.server, "ERR UNKNOWN-COMMAND");
    assert.equal(upsd.connections(), before + 1);
  });
});
