// The probe's line reader against any segmentation: answers a byte per segment,
// several lines in one segment, and the first TLS bytes glued to "OK STARTTLS".
// Each probe reaches a verdict (no RangeError from re-reading its own bytes).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probe } from "../../src/cli/commands/probe.js";
import type { ProbeReport } from "../../src/nut/probe-report.js";
import { runNutca, tempDir } from "../helpers/cli.js";
import { dataOf, makeStore, testContext } from "../inspect/support.js";
import {
  afterFirstLine,
  serverTls,
  startScriptedServer,
  trickle,
  VERSION_LINE,
  type Credentials,
  type Running,
} from "./fake-servers.js";

let store: string;
let good: Credentials;
const running: Running[] = [];

before(async () => {
  store = join(tempDir("nutca-probe-segments-"), "store");
  await makeStore(store, { servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }] });
  good = {
    key: readFileSync(join(store, "private/ups1.key.pem"), "utf8"),
    cert: readFileSync(join(store, "issued/ups1.crt.pem"), "utf8") + readFileSync(join(store, "ca.crt.pem"), "utf8"),
  };
});

after(async () => {
  for (const server of running) await server.close();
});

async function serve(handle: Parameters<typeof startScriptedServer>[0]): Promise<number> {
  const server = await startScriptedServer(handle);
  running.push(server);
  return server.port;
}

async function run(port: number): Promise<ProbeReport> {
  return dataOf<ProbeReport>(await probe(`127.0.0.1:${port}`, { timeout: "5" }, testContext(store)));
}

/** Answers VER inside TLS with `answer(line)`, written by `write`. */
function answerVer(secure: ReturnType<typeof serverTls>, write: (data: string) => unknown): void {
  secure.on("data", (data: Buffer) => {
    if (data.toString().startsWith("VER")) void write(`${VERSION_LINE}\n`);
  });
}

test("an upsd that writes every answer a byte per segment is verified, its VER line whole", async () => {
  const port = await serve((socket) =>
    afterFirstLine(socket, async () => {
      await trickle(socket, "OK STARTTLS\n");
      const secure = serverTls(socket, good);
      answerVer(secure, (line) => trickle(secure, line));
    }),
  );
  const report = await run(port);
  assert.equal(report.verified, true, JSON.stringify(report.findings));
  assert.equal(report.reply?.kind, "ok");
  assert.equal(report.server, VERSION_LINE);
});

test("two lines in one segment, inside TLS: the first is the VER answer, the probe is verified", async () => {
  const port = await serve((socket) =>
    afterFirstLine(socket, () => {
      socket.write("OK STARTTLS\n");
      const secure = serverTls(socket, good);
      secure.on("data", (data: Buffer) => {
        if (data.toString().startsWith("VER")) secure.write(`${VERSION_LINE}\nOK\nERR UNKNOWN-COMMAND\n`);
      });
    }),
  );
  const report = await run(port);
  assert.equal(report.verified, true, JSON.stringify(report.findings));
  assert.equal(report.server, VERSION_LINE);
});

test("two answer lines to STARTTLS in one segment: the first one decides", async () => {
  const port = await serve((socket) => afterFirstLine(socket, () => socket.write("ERR FEATURE-NOT-CONFIGURED\nOK\n")));
  const report = await run(port);
  assert.equal(report.verified, false);
  assert.equal(report.reply?.kind, "not-configured");
  assert.deepEqual(
    report.findings.map((finding) => finding.code),
    ["starttls-not-configured"],
  );
});

test("OK STARTTLS glued to TLS bytes: the bytes go to the handshake, which fails with a verdict", async () => {
  const port = await serve((socket) =>
    afterFirstLine(socket, () =>
      socket.write(Buffer.concat([Buffer.from("OK STARTTLS\n"), Buffer.from("1603030002020a", "hex")])),
    ),
  );
  const report = await run(port);
  assert.equal(report.verified, false);
  assert.equal(report.reply?.kind, "ok");
  assert.ok(
    report.findings.some((finding) => finding.code === "handshake-failed"),
    JSON.stringify(report),
  );
  assert.match(report.failure!, /TLS|handshake|alert/i);
  const cli = await runNutca(["probe", `127.0.0.1:${port}`, "--timeout", "5"], { store });
  assert.ok(cli.code !== 0 && cli.code !== 2, `exit ${cli.code}: ${cli.stderr}`);
  assert.doesNotMatch(cli.stderr, /RangeError|stack|unexpected error/);
  assert.match(cli.stdout, /NOT VERIFIED|handshake/i);
});
