// The export plan: one export per host and target, shown as the `nutca export`
// command line written from the target's own flags.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deployCommand } from "../../src/cli/wizard/deploy.js";
import { planExports } from "../../src/cli/wizard/exports.js";

const client = (name: string, servers: string[], certificate = true) => ({
  name,
  certificate,
  upsmonCertificate: false,
  servers,
});

test("native NSS + stunnel: upsd and stunnel-server per server, upsmon, stunnel-client and nutauth per client", () => {
  const jobs = planExports({
    storeDir: "/s",
    out: "/o",
    deployment: { modes: ["native", "stunnel"], backend: "nss", installDir: "/etc/nut/tls" },
    servers: ["ups1"],
    clients: [client("mon1", ["ups1"])],
  });
  assert.deepEqual(
    jobs.map((job) => [job.dir, job.command?.argv.join(" ")]),
    [
      ["/o/ups1/upsd", "--store /s export upsd --server ups1 --backend nss --out /o/ups1/upsd"],
      ["/o/ups1/stunnel-server", "--store /s export stunnel-server --server ups1 --out /o/ups1/stunnel-server"],
      ["/o/mon1/upsmon", "--store /s export upsmon --server ups1 --backend nss --out /o/mon1/upsmon"],
      [
        "/o/mon1/stunnel-client",
        "--store /s export stunnel-client --client mon1 --server ups1 --out /o/mon1/stunnel-client",
      ],
      ["/o/mon1/nutauth", "--store /s export nutauth --server ups1 --backend nss --out /o/mon1/nutauth"],
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
    jobs.map((job) => job.command?.argv.slice(3).join(" ")),
    [
      "upsmon --server ups1 --client mon1 --backend openssl --install-dir /etc/nut --out /o/mon1/upsmon-ups1 --force",
      "shim-client --server ups1 --out /o/mon1/shim-client-ups1 --force",
      "upsmon --server ups2 --client mon1 --backend openssl --install-dir /etc/nut --out /o/mon1/upsmon-ups2 --force",
      "shim-client --server ups2 --out /o/mon1/shim-client-ups2 --force",
      "nutauth --server ups1 --server ups2 --client mon1 --backend openssl --out /o/mon1/nutauth --force",
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
  assert.equal(job?.command, undefined);
  assert.match(job?.skipped ?? "", /"mon1" has no client certificate, and stunnel needs one/);
});

test("each export with an installer has its nutca deploy line (the same target options and the host); nutauth has none", () => {
  const jobs = planExports({
    storeDir: "/s",
    out: "/o",
    deployment: { modes: ["native"], backend: "nss", installDir: "/srv/tls" },
    servers: ["ups1"],
    clients: [client("mon1", ["ups1"])],
  });
  assert.deepEqual(
    jobs.map((job) => [job.target, deployCommand("/s", job, `root@${job.host}`)?.argv.join(" ")]),
    [
      ["upsd", "--store /s deploy upsd --server ups1 --backend nss --install-dir /srv/tls --host root@ups1"],
      ["upsmon", "--store /s deploy upsmon --server ups1 --backend nss --install-dir /srv/tls --host root@mon1"],
      ["nutauth", undefined],
    ],
  );
});
