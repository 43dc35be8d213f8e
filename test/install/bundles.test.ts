// Every host bundle carries install.sh (0755, valid sh for dash and busybox, holding
// no secret) and a README paragraph on how to run it.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { Bundle } from "../../src/exports/bundle.js";
import { upsdNssBundle, upsdOpensslBundle } from "../../src/exports/upsd.js";
import { upsmonNssBundle, upsmonOpensslBundle } from "../../src/exports/upsmon.js";
import { stunnelClientBundle, stunnelServerBundle } from "../../src/exports/stunnel.js";
import { shimClientBundle, shimServerBundle } from "../../src/exports/shims.js";
import type { NssMaterial } from "../../src/exports/nut-common.js";
import type { Identity } from "../../src/pki/identity.js";
import { makeCa, makeLeaf, type TestCa } from "../nut/fixtures.js";
import { SHELLS } from "./support.js";

const PASSWORD = "db-password-never-in-install-sh";
const DB: NssMaterial = {
  kind: "database",
  files: { "cert9.db": new Uint8Array([1]), "key4.db": new Uint8Array([2]), "pkcs11.txt": new Uint8Array([3]) },
};

let ca: TestCa;
let server: Identity;
let client: Identity;

before(async () => {
  ca = await makeCa("Test CA", true);
  server = await makeLeaf(ca, "server", "ups1", { dns: ["ups1.example.net"], ip: ["192.0.2.10"] });
  client = await makeLeaf(ca, "client", "mon1");
});

function bundles(): Bundle[] {
  const upsd = { identity: server, authority: ca.authority, installDir: "/etc/nut/tls", backendNote: "" };
  const upsmon = { server, client, authority: ca.authority, installDir: "/etc/nut/tls", backendNote: "" };
  return [
    upsdOpensslBundle(upsd),
    upsdNssBundle({ ...upsd, nickname: "nut-server", password: PASSWORD, nss: DB }),
    upsmonOpensslBundle(upsmon),
    upsmonNssBundle({ ...upsmon, nickname: "nut-client", password: PASSWORD, nss: DB }),
    stunnelServerBundle(server, ca.authority),
    stunnelClientBundle(client, server.certificate, ca.authority),
    shimServerBundle(server, ca.authority),
    shimClientBundle(server.certificate, "ups1", ca.authority),
  ];
}

describe("install.sh in every host bundle", () => {
  it("is 0755 POSIX sh that dash and busybox parse, without any key or password, and the README tells how to run it", () => {
    const all = bundles();
    assert.deepEqual(
      all.map((bundle) => bundle.target),
      ["upsd", "upsd", "upsmon", "upsmon", "stunnel-server", "stunnel-client", "shim-server", "shim-client"],
    );
    for (const bundle of all) {
      const script = bundle.files.find((file) => file.path === "install.sh");
      assert.ok(script, `${bundle.target} has install.sh`);
      assert.equal(script.mode, 0o755);
      const text = String(script.data);
      assert.match(text, /^#!\/bin\/sh\n/);
      assert.match(text, new RegExp(`^TARGET=${bundle.target}$`, "m"));
      assert.ok(!text.includes(PASSWORD) && !/PRIVATE KEY/.test(text), `${bundle.target}: install.sh holds no secret`);
      for (const shell of SHELLS) {
        const parsed = spawnSync(shell[0]!, [...shell.slice(1), "-n"], { input: text, encoding: "utf8" });
        assert.equal(parsed.status, 0, `${shell.join(" ")} -n (${bundle.target}): ${parsed.stderr}`);
      }
      const readme = String(bundle.files.find((file) => file.path === "README.txt")!.data);
      assert.match(readme, /\nOr run: sh install\.sh \(as root, from this directory\)/);
      assert.match(readme, /--dry-run, --uninstall, --restart auto\|none\|'COMMAND'/);
    }
  });

  it("renders the version rules only for directives the snippet uses", () => {
    const [upsdOpenssl, upsdNss] = bundles();
    const rules = (bundle: Bundle) =>
      /version_rules\(\) \{\n:\n([^}]*)\}/.exec(String(bundle.files.find((f) => f.path === "install.sh")!.data))![1];
    const weak = "  printf '%s\\n' '20800 DISABLE_WEAK_SSL'\n";
    assert.equal(rules(upsdOpenssl!), weak, "only DISABLE_WEAK_SSL needs a NUT version (2.8.0)");
    assert.equal(rules(upsdNss!), weak, "CERTPATH and CERTIDENT pass on every NSS build");
  });
});
