// install.sh's preflight against the real NUT binaries (Debian's 2.8.0 NSS and the
// 2.8.5 / master builds in /opt): the version table of src/nut/directives.ts, rendered
// into the script, refuses a snippet that NUT version would reject, before anything changes.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bundle } from "../../src/exports/bundle.js";
import { withInstaller } from "../../src/exports/install-script.js";
import { parseNutVersion, rejectedDirectives } from "../../src/nut/directives.js";
import { tempDir } from "../helpers/cli.js";
import { fingerprint, runInstall, SHELLS } from "./support.js";

const BUILDS = {
  debian: "/lib/nut/upsd",
  openssl285: "/opt/nut-openssl-2.8.5/sbin/upsd",
  opensslMaster: "/opt/nut-openssl-master/sbin/upsd",
  nssMaster: "/opt/nut-nss-master/sbin/upsd",
};
const missing = Object.values(BUILDS).filter((path) => !existsSync(path));
const skip = missing.length > 0 && !process.env.CI ? `missing ${missing.join(", ")}` : false;

/** A upsd bundle holding only a snippet, with install.sh, written to `dir`. */
function snippetBundle(dir: string, backend: "nss" | "openssl", lines: string[]): string {
  const bundle: Bundle = {
    target: "upsd",
    files: [{ path: "upsd.conf.snippet", data: lines.join("\n") + "\n", mode: 0o644, purpose: "lines for upsd.conf" }],
    summary: [],
  };
  const withScript = withInstaller(bundle, {
    target: "upsd",
    name: "ups1",
    files: [],
    dirs: [],
    nut: { backend, exportCommand: "nutca export upsd --server ups1", snippet: "upsd.conf.snippet" },
  });
  mkdirSync(dir, { recursive: true });
  for (const file of withScript.files) {
    writeFileSync(join(dir, file.path), file.data);
    chmodSync(join(dir, file.path), file.mode);
  }
  return dir;
}

describe("the NUT version table", () => {
  it("reads upsd -V, a development build counting as the next release", () => {
    assert.deepEqual(parseNutVersion("Network UPS Tools upsd 2.8.0"), [2, 8, 0]);
    assert.deepEqual(parseNutVersion("Network UPS Tools upsd 2.8.5 release"), [2, 8, 5]);
    assert.deepEqual(parseNutVersion("Network UPS Tools upsd 2.8.5.941-941+g6c63f7745 (development)"), [2, 8, 6]);
    assert.equal(parseNutVersion("upsd"), undefined);
  });

  it("knows what 2.8.0 and 2.8.5 reject and 2.8.6 accepts", () => {
    const all = ["CERTFILE", "CERTPATH", "CERTIDENT", "CERTREQUEST", "DISABLE_WEAK_SSL"];
    assert.deepEqual(rejectedDirectives([2, 8, 0], "upsd.conf", "nss", all), ["CERTREQUEST"]);
    assert.deepEqual(rejectedDirectives([2, 8, 5], "upsd.conf", "openssl", all), [
      "CERTREQUEST",
      "CERTIDENT",
      "CERTPATH",
    ]);
    assert.deepEqual(rejectedDirectives([2, 8, 5], "upsmon.conf", "openssl", ["CERTFILE", "CERTHOST", "CERTPATH"]), [
      "CERTFILE",
      "CERTHOST",
    ]);
    assert.deepEqual(rejectedDirectives([2, 8, 6], "upsd.conf", "openssl", all), []);
  });
});

describe("install.sh preflight with real NUT builds", { skip }, () => {
  let base: string;
  let root: string;

  before(() => {
    if (missing.length > 0) throw new Error(`missing NUT builds: ${missing.join(", ")} (nut-builds/unpack.sh)`);
    base = tempDir("nutca-install-preflight-");
    root = join(base, "root");
    mkdirSync(join(root, "etc/nut"), { recursive: true });
    writeFileSync(join(root, "etc/nut/upsd.conf"), "LISTEN 127.0.0.1 3493\n");
  });

  const cases: [string, string, "nss" | "openssl", string[], RegExp | undefined][] = [
    [
      "Debian 2.8.0 NSS, CERTREQUEST",
      BUILDS.debian,
      "nss",
      ["CERTPATH /x", "CERTREQUEST 2"],
      /NUT 2\.8\.0, which rejects CERTREQUEST/,
    ],
    ["master NSS, CERTREQUEST", BUILDS.nssMaster, "nss", ["CERTPATH /x", "CERTREQUEST 2"], undefined],
    [
      "2.8.5 OpenSSL, CERTIDENT",
      BUILDS.openssl285,
      "openssl",
      ["CERTFILE /x", 'CERTIDENT "a" "b"'],
      /NUT 2\.8\.5, which rejects CERTIDENT/,
    ],
    [
      "2.8.5 OpenSSL, what nutca exports today",
      BUILDS.openssl285,
      "openssl",
      ["CERTFILE /x", "DISABLE_WEAK_SSL true"],
      undefined,
    ],
    ["master OpenSSL, CERTIDENT", BUILDS.opensslMaster, "openssl", ["CERTFILE /x", 'CERTIDENT "a" "b"'], undefined],
  ];
  for (const [title, binary, backend, lines, refusal] of cases) {
    it(`${title}: ${refusal ? "refused, nothing touched" : "passes"}`, async () => {
      const bundle = snippetBundle(join(base, title.replace(/\W+/g, "-")), backend, lines);
      const before = fingerprint(root);
      const run = await runInstall(SHELLS[0]!, bundle, ["--root", root, "--upsd", binary, "--dry-run"]);
      if (refusal) {
        assert.equal(run.code, 2, run.stdout + run.stderr);
        assert.match(run.stderr, refusal);
        assert.match(run.last, /^nutca-install: refused upsd ups1 /);
      } else {
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.last, /^nutca-install: dry-run upsd ups1 1 change\(s\)$/);
      }
      assert.deepEqual(fingerprint(root), before);
    });
  }

  it("refuses bad usage with exit 2 and the machine line, under both shells", async () => {
    const bundle = snippetBundle(join(base, "usage"), "nss", ["CERTPATH /x"]);
    for (const shell of SHELLS) {
      const run = await runInstall(shell, bundle, ["--bogus"]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^nutca-install: unknown option --bogus — see sh install.sh --help$/m);
      assert.equal(run.last, "nutca-install: refused upsd ups1 unknown option --bogus — see sh install.sh --help");
      const wrong = await runInstall(shell, bundle, ["--upsmon", "/x"]);
      assert.equal(wrong.code, 2);
      assert.match(wrong.last, /--upsmon does not apply to this bundle/);
      const noTls = await runInstall(shell, bundle, ["--root", root, "--upsd", "/bin/true"]);
      assert.equal(noTls.code, 2);
      assert.match(noTls.last, /\/bin\/true links neither libnss3 nor libssl: this NUT has no TLS/);
    }
  });
});
