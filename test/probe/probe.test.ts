// `nutca probe` against stand-in servers: every STARTTLS answer, TLS and chain
// verification, name matching, --stunnel, and bad input.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probe } from "../../src/cli/commands/probe.js";
import type { ProbeReport } from "../../src/nut/probe-report.js";
import { runNutca, tempDir } from "../helpers/cli.js";
import { dataOf, makeStore, testContext } from "../inspect/support.js";
import {
  closedPort,
  startImplicitTlsServer,
  startNutServer,
  VERSION_LINE,
  type Credentials,
  type Running,
} from "./fake-servers.js";

let dir: string;
let store: string;
let good: Credentials;
let foreign: Credentials;
let ipAsDns: Credentials;
const running: Running[] = [];

const read = (path: string) => readFileSync(path, "utf8");

before(async () => {
  dir = tempDir("nutca-probe-");
  store = join(dir, "store");
  const other = join(dir, "other");
  await makeStore(store, { servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }] });
  await makeStore(other, { name: "Other CA", servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }] });
  const credentials = (root: string, name: string) => ({
    key: read(join(root, `private/${name}.key.pem`)),
    cert: read(join(root, `issued/${name}.crt.pem`)) + read(join(root, "ca.crt.pem")),
  });
  good = credentials(store, "ups1");
  foreign = credentials(other, "ups1");
  // A certificate whose only entry for 127.0.0.1 is a DNS name: what mkNUTcert.py writes.
  const { makeCertificate } = await import("../inspect/fixtures.js");
  const { loadIssuer } = await import("../../src/store/issuer.js");
  const { CaStore } = await import("../../src/store/store.js");
  const issuer = await loadIssuer(new CaStore(store), async () => "");
  const leaf = await makeCertificate(issuer, { cn: "127.0.0.1", dns: ["127.0.0.1"] });
  ipAsDns = { key: leaf.keyPem, cert: leaf.certificate.toString("pem") + "\n" };
});

after(async () => {
  for (const server of running) await server.close();
});

async function serve(start: Promise<Running>): Promise<number> {
  const server = await start;
  running.push(server);
  return server.port;
}

async function run(address: string, options: Parameters<typeof probe>[1] = {}) {
  const result = await probe(address, { timeout: "5", ...options }, testContext(store));
  return { report: dataOf<ProbeReport>(result), exitCode: result.exitCode, human: result.human };
}

const codes = (report: ProbeReport) => report.findings.map((finding) => finding.code);

test("OK STARTTLS with the store's certificate: verified, through the CLI too (exit 0)", async () => {
  const port = await serve(startNutServer({ reply: "OK STARTTLS", tls: good }));
  const { report, exitCode } = await run(`127.0.0.1:${port}`);
  assert.equal(report.verified, true, JSON.stringify(report.findings));
  assert.equal(exitCode, 0);
  assert.equal(report.reply?.kind, "ok");
  assert.equal(report.server, VERSION_LINE);
  assert.match(report.tls!.protocol, /^TLSv1\.[23]$/);
  assert.equal(report.chain.length, 2);
  assert.deepEqual(report.name, { expected: "127.0.0.1", matched: true });
  const cli = await runNutca(["probe", `localhost:${port}`], { store });
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /STARTTLS: +OK STARTTLS/);
  assert.match(cli.stdout, /trust: +verified against this store's CA/);
  assert.match(cli.stdout, /\nVERIFIED$/m);
});

test("ERR FEATURE-NOT-CONFIGURED: upsd has TLS but its certificate set-up failed; exit 4", async () => {
  const port = await serve(startNutServer({ reply: "ERR FEATURE-NOT-CONFIGURED" }));
  const { report, exitCode, human } = await run(`127.0.0.1:${port}`);
  assert.equal(report.verified, false);
  assert.equal(exitCode, 4);
  assert.equal(report.reply?.kind, "not-configured");
  assert.deepEqual(codes(report), ["starttls-not-configured"]);
  assert.match(human, /TLS compiled in but its certificate set-up failed and it is serving plaintext/);
});

test("ERR FEATURE-NOT-SUPPORTED, a non-NUT banner, silence and a hang-up each get their own report", async () => {
  const unsupported = await serve(startNutServer({ reply: "ERR FEATURE-NOT-SUPPORTED" }));
  assert.equal((await run(`127.0.0.1:${unsupported}`)).report.reply?.kind, "not-supported");
  const ssh = await serve(startNutServer({ banner: "SSH-2.0-OpenSSH_9.2" }));
  const banner = (await run(`127.0.0.1:${ssh}`)).report;
  assert.equal(banner.reply?.kind, "not-nut");
  assert.equal(banner.reply?.line, "SSH-2.0-OpenSSH_9.2");
  const silent = await serve(startNutServer({ silent: true }));
  const quiet = (await run(`127.0.0.1:${silent}`, { timeout: "0.5" })).report;
  assert.match(quiet.failure!, /no answer to STARTTLS within 0\.5 s/);
  const closing = await serve(startNutServer({ close: true }));
  assert.match((await run(`127.0.0.1:${closing}`)).report.failure!, /closed the connection without answering/);
  const nothing = await closedPort();
  const refused = await run(`127.0.0.1:${nothing}`);
  assert.match(refused.report.failure!, /connection refused/);
  assert.equal(refused.exitCode, 1, "nothing answered: a failure, not a checked server's problem");
});

test("a certificate from another CA does not verify; --ca with that CA does", async () => {
  const port = await serve(startNutServer({ reply: "OK STARTTLS", tls: foreign }));
  const { report, exitCode } = await run(`127.0.0.1:${port}`);
  assert.equal(report.verified, false);
  assert.equal(exitCode, 4);
  assert.equal(report.trust.chainVerified, false);
  assert.ok(codes(report).includes("untrusted-root"), JSON.stringify(codes(report)));
  const withCa = await run(`127.0.0.1:${port}`, { ca: join(dir, "other/ca.crt.pem") });
  assert.equal(withCa.report.verified, true);
});

test("the expected name must be in the SAN; an IP only as a DNS entry is called out", async () => {
  const port = await serve(startNutServer({ reply: "OK STARTTLS", tls: good }));
  const wrong = await run(`127.0.0.1:${port}`, { name: "ups9.example.net" });
  assert.equal(wrong.report.verified, false);
  assert.deepEqual(codes(wrong.report), ["name-mismatch"]);
  const dnsOnly = await serve(startNutServer({ reply: "OK STARTTLS", tls: ipAsDns }));
  const { report } = await run(`127.0.0.1:${dnsOnly}`);
  assert.equal(report.verified, false);
  const mismatch = report.findings.find((finding) => finding.code === "name-mismatch")!;
  assert.match(mismatch.message, /only as a DNS name/);
  assert.match(mismatch.fix, /--ip 127\.0\.0\.1/);
});

test("a server that completes the handshake but never answers VER is not verified", async () => {
  const port = await serve(startNutServer({ reply: "OK STARTTLS", tls: good, mute: true }));
  const started = Date.now();
  const { report, exitCode } = await run(`127.0.0.1:${port}`);
  assert.ok(Date.now() - started < 4000, "the wait for VER's answer stays short (upsd blocks on handshakes)");
  assert.equal(report.verified, false);
  assert.equal(exitCode, 4);
  assert.equal(report.trust.chainVerified, true);
  assert.deepEqual(codes(report), ["command-failed"]);
  assert.match(report.failure!, /did not answer VER within 2 s after the TLS handshake/);
});

test("a bare OK (the upsdTLS.py shim) then TLS verifies and says it is a shim", async () => {
  const port = await serve(startNutServer({ reply: "OK", tls: good }));
  const { report } = await run(`127.0.0.1:${port}`);
  assert.equal(report.verified, true);
  assert.equal(report.reply?.kind, "ok-bare");
});

test("--stunnel: TLS from the first byte; a plain NUT port is told apart", async () => {
  const tlsPort = await serve(startImplicitTlsServer(good));
  const { report, exitCode } = await run(`127.0.0.1:${tlsPort}`, { stunnel: true });
  assert.equal(report.verified, true, JSON.stringify(report.findings));
  assert.equal(exitCode, 0);
  assert.equal(report.reply, undefined);
  const plain = await serve(startNutServer({ reply: "ERR UNKNOWN-COMMAND" }));
  const wrong = await run(`127.0.0.1:${plain}`, { stunnel: true, timeout: "2" });
  assert.equal(wrong.report.verified, false);
  assert.match(wrong.report.failure!, /TLS|closed|handshake/);
  const implicitWithoutFlag = await run(`127.0.0.1:${tlsPort}`, { timeout: "2" });
  assert.equal(implicitWithoutFlag.report.verified, false);
  assert.match(implicitWithoutFlag.report.failure!, /try --stunnel/);
});

test("bad input is one line and exit 2: a bad address, an unreadable --ca, no store", async () => {
  const bad = await runNutca(["probe", "ups1:99999"], { store });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^nutca: "ups1:99999" is not a host or host:port — /);
  await assert.rejects(run("127.0.0.1", { ca: join(dir, "missing.pem") }), { code: "BAD_FILE" });
  await assert.rejects(probe("127.0.0.1", {}, testContext(join(dir, "no-store"))), { code: "NO_CA" });
  await assert.rejects(run("127.0.0.1", { timeout: "soon" }), { code: "USAGE" });
});
