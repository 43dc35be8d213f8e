// The export plan: one `nutca export` command line per host and target, with
// options looked up on the real parser; a missing target is reported, not guessed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { exportJob, planExports } from "../../src/cli/wizard/exports.js";

const client = (name: string, servers: string[], certificate = true) => ({
  name,
  certificate,
  upsmonCertificate: false,
  servers,
});

test("native NSS + stunnel: upsd and stunnel-server per server, upsmon and stunnel-client per client", () => {
  const jobs = planExports({
    storeDir: "/s",
    out: "/o",
    deployment: { modes: ["native", "stunnel"], backend: "nss", installDir: "/etc/nut/tls" },
    servers: ["ups1"],
    clients: [client("mon1", ["ups1"])],
  });
  assert.deepEqual(
    jobs.map((job) => [job.dir, job.argv?.join(" ")]),
    [
      ["/o/ups1/upsd", "--store /s export upsd --server ups1 --backend nss --out /o/ups1/upsd"],
      ["/o/ups1/stunnel-server", "--store /s export stunnel-server --server ups1 --out /o/ups1/stunnel-server"],
      ["/o/mon1/upsmon", "--store /s export upsmon --server ups1 --backend nss --out /o/mon1/upsmon"],
      [
        "/o/mon1/stunnel-client",
        "--store /s export stunnel-client --client mon1 --server ups1 --out /o/mon1/stunnel-client",
      ],
    ],
  );
});

test("a non-default install dir, upsmon's client certificate, two servers, and --force", () => {
  const jobs = planExports({
    storeDir: "/s",
    out: "/o",
    deployment: { modes: ["native", "shims"], backend: "openssl", installDir: "/etc/nut" },
    servers: [],
    clients: [{ ...client("mon1", ["ups1", "ups2"]), upsmonCertificate: true }],
    force: true,
  });
  assert.deepEqual(
    jobs.map((job) => job.argv?.slice(3).join(" ")),
    [
      "upsmon --server ups1 --client mon1 --backend openssl --install-dir /etc/nut --out /o/mon1/upsmon-ups1 --force",
      "shim-client --server ups1 --out /o/mon1/shim-client-ups1 --force",
      "upsmon --server ups2 --client mon1 --backend openssl --install-dir /etc/nut --out /o/mon1/upsmon-ups2 --force",
      "shim-client --server ups2 --out /o/mon1/shim-client-ups2 --force",
    ],
  );
});

test("stunnel for a client without a certificate is skipped with the reason", () => {
  const [job] = planExports({
    storeDir: "/s",
    out: "/o",
    deployment: { modes: ["stunnel"] },
    servers: [],
    clients: [client("mon1", ["ups1"], false)],
  });
  assert.equal(job?.argv, undefined);
  assert.match(job?.skipped ?? "", /"mon1" has no client certificate, and stunnel needs one/);
});

test("a target or option this build lacks is reported instead of crashing", () => {
  const missing = exportJob({ storeDir: "/s", force: false }, "mon1", "no-such-target", "/o/mon1/x", []);
  assert.equal(missing.argv, undefined);
  assert.equal(missing.skipped, `this nutca has no "nutca export no-such-target"`);
  const option = exportJob({ storeDir: "/s", force: false }, "ups1", "upsd", "/o/ups1/upsd", [
    ["server", "ups1"],
    ["noSuchOption", "x"],
  ]);
  assert.match(option.skipped ?? "", /"nutca export upsd" has no option for noSuchOption/);
  const mandatory = exportJob({ storeDir: "/s", force: false }, "ups1", "upsd", "/o/ups1/upsd", [["server", "ups1"]]);
  assert.match(mandatory.skipped ?? "", /"nutca export upsd" needs --backend/);
});
