// install.sh of the 2.8.6 bundles nutca writes (--client-certs, --encrypt-key,
// upsmon --client) against the real builds: its preflight refuses them on NUT
// 2.8.5 (the version table names what it would reject) and passes on master.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutcaOk, tempDir } from "../helpers/cli.js";
import { fingerprint, runInstall, SHELLS } from "../install/support.js";
import { BUILDS, buildGate } from "./builds.js";

describe(
  "install.sh preflight of 2.8.6 bundles",
  { skip: buildGate([BUILDS.openssl285, BUILDS.opensslMaster]) },
  () => {
    let base: string;
    let store: string;
    let root: string;

    before(async () => {
      base = tempDir("nutca-nut286-preflight-");
      store = join(base, "store");
      await runNutcaOk(["init", "--no-passphrase", "--name", "Preflight CA"], { store });
      await runNutcaOk(["issue", "server", "ups1", "--dns", "localhost", "--ip", "127.0.0.1"], { store });
      await runNutcaOk(["issue", "client", "mon1"], { store });
      root = join(base, "root");
      mkdirSync(join(root, "etc/nut"), { recursive: true });
      writeFileSync(join(root, "etc/nut/upsd.conf"), "LISTEN 127.0.0.1 3493\n");
      writeFileSync(join(root, "etc/nut/upsmon.conf"), "MONITOR testups@127.0.0.1 1 u p secondary\n");
    });

    const cases = [
      {
        title: "upsd --client-certs require --encrypt-key",
        program: "upsd",
        args: ["upsd", "--server", "ups1", "--client-certs", "require", "--encrypt-key"],
        rejects: /NUT 2\.8\.5, which rejects CERTREQUEST CERTIDENT CERTPATH /,
      },
      {
        title: "upsmon --client",
        program: "upsmon",
        args: ["upsmon", "--server", "ups1", "--client", "mon1", "--monitor-host", "127.0.0.1"],
        rejects: /NUT 2\.8\.5, which rejects CERTFILE CERTHOST /,
      },
    ] as const;

    for (const { title, program, args, rejects } of cases) {
      it(`${title}: refused on 2.8.5 with nothing touched, passes on master`, async () => {
        const out = join(base, title.replace(/\W+/g, "-"));
        await runNutcaOk(["export", ...args, "--backend", "openssl", "--nut-version", "2.8.6", "--out", out], {
          store,
        });
        const before = fingerprint(root);
        const old = await runInstall(SHELLS[0]!, out, [
          "--root",
          root,
          `--${program}`,
          BUILDS.openssl285[program],
          "--dry-run",
        ]);
        assert.equal(old.code, 2, old.stdout + old.stderr);
        assert.match(old.stderr, rejects);
        assert.match(old.last, new RegExp(`^nutca-install: refused ${program} ups1 `));
        assert.deepEqual(fingerprint(root), before);
        const master = await runInstall(SHELLS[0]!, out, [
          "--root",
          root,
          `--${program}`,
          BUILDS.opensslMaster[program],
          "--dry-run",
        ]);
        assert.equal(master.code, 0, master.stdout + master.stderr);
        assert.match(master.stdout, /NUT: \S+, openssl, version 2\.8\.6/);
        assert.deepEqual(fingerprint(root), before);
      });
    }
  },
);
