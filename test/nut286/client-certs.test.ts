// upsd --client-certs require on both NUT master builds (2.8.6): upsmon with
// its client certificate (upsmon --client) logs in over SSL; without one, or
// with one from another CA, upsd refuses it.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import { nutDir, sleep } from "../nut/daemons.js";
import {
  BUILDS,
  buildGate,
  exportAndInstall,
  runUpsmon,
  snippetOf,
  startServer,
  startUpsmon,
  UPS,
  waitForAfter,
  type NutServer,
} from "./builds.js";

const LOGGED_IN = new RegExp(`User \\S+ logged into UPS \\[${UPS}\\] \\(SSL\\)`, "g");

async function makeStore(store: string, caName: string): Promise<void> {
  await runNutcaOk(["init", "--no-passphrase", "--name", caName], { store });
  await runNutcaOk(["issue", "server", "ups1", "--dns", "localhost", "--ip", "127.0.0.1"], { store });
  await runNutcaOk(["issue", "client", "mon1"], { store });
}

for (const build of [BUILDS.opensslMaster, BUILDS.nssMaster]) {
  describe(
    `upsd --client-certs require on ${build.label}`,
    { skip: buildGate([build], ["certutil", "pk12util"]) },
    () => {
      let base: string;
      let store: string;
      let otherStore: string;
      let server: NutServer;

      before(async () => {
        base = nutDir(tempDir("nutca-nut286-mtls-"));
        store = join(base, "store");
        otherStore = join(base, "other-store");
        await makeStore(store, "Client cert CA");
        await makeStore(otherStore, "Another CA");
        const upsd = await exportAndInstall(store, base, "upsd", [
          "upsd",
          "--server",
          "ups1",
          "--backend",
          build.backend,
          "--nut-version",
          "2.8.6",
          "--client-certs",
          "require",
        ]);
        const snippet = snippetOf(upsd.exportDir, "upsd.conf.snippet");
        assert.match(snippet, /^CERTREQUEST 2$/m);
        if (build.backend === "openssl") assert.match(snippet, new RegExp(`^CERTPATH ${upsd.tls}/client-ca$`, "m"));
        server = await startServer(build, base, "upsd", snippet, { debug: build.backend === "openssl" });
      });

      after(async () => server && (await server.stop()));

      const upsmonArgs = (withClient: boolean) => [
        "upsmon",
        "--server",
        "ups1",
        "--backend",
        build.backend,
        "--nut-version",
        "2.8.6",
        "--monitor-host",
        "127.0.0.1",
        "--port",
        String(server.port),
        ...(withClient ? ["--client", "mon1"] : []),
      ];

      /** While upsmon `name` runs, upsd prints its refusal and logs no one in. */
      async function assertRefused(name: string, snippet: string, refusal: RegExp): Promise<void> {
        const logins = server.upsd.output.match(LOGGED_IN)?.length ?? 0;
        const from = server.upsd.output.length;
        const upsmon = startUpsmon(build, base, name, server.port, snippet);
        try {
          await waitForAfter(server.upsd, from, refusal);
          await sleep(3_000);
        } finally {
          await upsmon.stop();
        }
        assert.equal(
          server.upsd.output.match(LOGGED_IN)?.length ?? 0,
          logins,
          `no login for ${name}:\n${upsmon.output}`,
        );
        // Under TLS 1.3 upsmon may see a finished handshake first: the refusal shows at its login.
        assert.match(upsmon.output, /failed/i);
      }

      it("upsmon with its client certificate logs in over SSL", async () => {
        const upsmon = await exportAndInstall(store, base, "mon-ok", upsmonArgs(true));
        const snippet = snippetOf(upsmon.exportDir, "upsmon.conf.snippet");
        assert.match(snippet, new RegExp(`^CERTHOST 127\\.0\\.0\\.1:${server.port} "127\\.0\\.0\\.1" 1 1$`, "m"));
        if (build.backend === "openssl")
          assert.match(snippet, new RegExp(`^CERTFILE ${upsmon.tls}/upsmon\\.pem$`, "m"));
        else assert.match(snippet, /^CERTIDENT "nut-client" "[^"]+"$/m);
        const output = await runUpsmon(
          build,
          base,
          "mon-ok",
          server.port,
          snippet,
          /Connected to NUT server .* in SSL/,
        );
        assert.doesNotMatch(output, /invalid directive/);
        await server.upsd.waitFor(LOGGED_IN);
      });

      it("upsmon without a client certificate is refused", async () => {
        const upsmon = await exportAndInstall(store, base, "mon-none", upsmonArgs(false));
        const snippet = snippetOf(upsmon.exportDir, "upsmon.conf.snippet");
        assert.doesNotMatch(snippet, /^CERT(FILE|IDENT)/m);
        const refusal =
          build.backend === "nss"
            ? /did not provide any certificate while we require one/
            : /peer did not return a certificate/;
        await assertRefused("mon-none", snippet, refusal);
      });

      it("upsmon with a client certificate from another CA is refused", async () => {
        // It trusts the server (this store's CA) but presents the other store's mon1.
        const other = await exportAndInstall(otherStore, base, "mon-other", upsmonArgs(true));
        let snippet = snippetOf(other.exportDir, "upsmon.conf.snippet");
        if (build.backend === "openssl") {
          const own = await exportAndInstall(store, base, "mon-other-trust", upsmonArgs(false));
          snippet = snippetOf(own.exportDir, "upsmon.conf.snippet") + `CERTFILE ${other.tls}/upsmon.pem\n`;
        } else {
          const password = /^CERTIDENT "[^"]+" "([^"]+)"$/m.exec(snippet)![1]!;
          const passwordFile = join(base, "other-db.password");
          writeFileSync(passwordFile, password + "\n", { mode: 0o600 });
          const added = spawnSync("certutil", [
            "-A",
            "-d",
            `sql:${other.tls}/upsmon-nssdb`,
            "-n",
            "server CA",
            "-t",
            "CT,,",
            "-i",
            join(store, "ca.crt.pem"),
            "-f",
            passwordFile,
          ]);
          assert.equal(added.status, 0, String(added.stderr));
          assert.ok(readFileSync(join(store, "ca.crt.pem"), "utf8").includes("BEGIN CERTIFICATE"));
        }
        const refusal =
          build.backend === "nss"
            ? /Intend to authenticate client 127\.0\.0\.1 : FAILED/
            : /certificate verify failed|unknown ca/i;
        await assertRefused("mon-other", snippet, refusal);
      });
    },
  );
}
