// A server that is not ours (a self-signed certificate, or one from another CA)
// is called that, and nothing in the report advises renewing, reissuing or
// trusting what it presented.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probe } from "../../src/cli/commands/probe.js";
import type { ProbeReport } from "../../src/nut/probe-report.js";
import { runNutca, tempDir } from "../helpers/cli.js";
import { dataOf, makeStore, testContext } from "../inspect/support.js";
import { startNutServer, type Credentials, type Running } from "./fake-servers.js";

let dir: string;
let store: string;
let impostor: Credentials;
let foreign: Credentials;
const running: Running[] = [];
const DAY = 86_400_000;

before(async () => {
  dir = tempDir("nutca-probe-impostor-");
  store = join(dir, "store");
  await makeStore(store, { servers: [{ name: "ups1", dns: ["localhost"], ip: ["127.0.0.1"] }] });
  const other = join(dir, "other");
  await makeStore(other, { name: "Other CA", servers: [{ name: "ups1", dns: ["ups.example"] }] });
  foreign = {
    key: readFileSync(join(other, "private/ups1.key.pem"), "utf8"),
    cert: readFileSync(join(other, "issued/ups1.crt.pem"), "utf8") + readFileSync(join(other, "ca.crt.pem"), "utf8"),
  };
  // Self-signed, valid one day, a v1 certificate with a short serial: much a linter would advise reissuing.
  const key = join(dir, "impostor.key");
  const cert = join(dir, "impostor.crt");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=ups1",
      "-set_serial",
      "7",
    ],
    { stdio: "ignore" },
  );
  impostor = { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
});

after(async () => {
  for (const server of running) await server.close();
});

async function report(tls: Credentials, now: Date): Promise<ProbeReport> {
  const server = await startNutServer({ reply: "OK STARTTLS", tls });
  running.push(server);
  return dataOf<ProbeReport>(await probe(`127.0.0.1:${server.port}`, { timeout: "5" }, testContext(store, {}, now)));
}

const TRUSTING = /renew|reissue|--ca|trust the/i;

test("a self-signed impostor, expired: not ours, and no advice to renew or trust it", async () => {
  const result = await report(impostor, new Date(Date.now() + 10 * DAY));
  assert.equal(result.verified, false);
  assert.deepEqual(
    result.findings.map((finding) => finding.code),
    ["untrusted-root"],
  );
  const [finding] = result.findings;
  assert.match(finding!.message, /is self-signed, not by this store's CA .*: this server is not ours/);
  for (const each of result.findings) assert.doesNotMatch(`${each.message} ${each.fix}`, TRUSTING);
});

test("a certificate from another CA, expiring soon, with another name: not ours, no renew advice", async () => {
  const result = await report(foreign, new Date(Date.now() + 360 * DAY));
  assert.equal(result.verified, false);
  assert.deepEqual(
    result.findings.map((finding) => finding.code),
    ["untrusted-root"],
  );
  assert.match(result.findings[0]!.message, /was issued by "CN=Other CA", not by this store's CA/);
  for (const each of result.findings) assert.doesNotMatch(`${each.message} ${each.fix}`, TRUSTING);
});

test("through the CLI: the impostor is named not ours, exit non-zero and not 2", async () => {
  const server = await startNutServer({ reply: "OK STARTTLS", tls: impostor });
  running.push(server);
  const cli = await runNutca(["probe", `127.0.0.1:${server.port}`, "--timeout", "5"], { store });
  assert.ok(cli.code !== 0 && cli.code !== 2, `exit ${cli.code}`);
  assert.match(cli.stdout, /this server is not ours/);
  assert.doesNotMatch(cli.stdout, TRUSTING);
  assert.match(cli.stdout, /NOT VERIFIED/);
});
