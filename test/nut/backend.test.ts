// Backend detection: what `ldd upsd` shows, where upsd is looked for, and the errors.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendFromLdd, chooseBackend, detectBackend } from "../../src/nut/backend.js";
import { NutcaError } from "../../src/errors.js";
import { hasTool } from "../helpers/tools.js";

// Debian 12's /lib/nut/upsd: NSS, whose TLS library is (confusingly) libssl3.so.
const DEBIAN_LDD = `
	linux-vdso.so.1 (0x00007ffd5d1f5000)
	libupsclient.so.6 => /lib/x86_64-linux-gnu/libupsclient.so.6 (0x00007f318d6a1000)
	libnss3.so => /lib/x86_64-linux-gnu/libnss3.so (0x00007f318d4fa000)
	libssl3.so => /lib/x86_64-linux-gnu/libssl3.so (0x00007f318d493000)
	libnssutil3.so => /lib/x86_64-linux-gnu/libnssutil3.so (0x00007f318d214000)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f318d033000)`;
const FEDORA_LDD = `
	libssl.so.3 => /lib64/libssl.so.3 (0x00007f0c1a2f1000)
	libcrypto.so.3 => /lib64/libcrypto.so.3 (0x00007f0c19e00000)`;

const dir = mkdtempSync(join(tmpdir(), "nutca-backend-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function executable(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, 0o755);
  return path;
}

describe("backendFromLdd", () => {
  it("looks for libnss3 before libssl", () => {
    assert.equal(backendFromLdd(DEBIAN_LDD), "nss");
    assert.equal(backendFromLdd(FEDORA_LDD), "openssl");
    assert.equal(backendFromLdd("\tlibssl.so.1.1 => /usr/lib/libssl.so.1.1 (0x1)"), "openssl");
    assert.equal(backendFromLdd("\tlibc.so.6 => /lib/libc.so.6 (0x1)"), undefined);
  });
});

describe("detectBackend", () => {
  it("skips a shell wrapper (ldd fails) and decides on the real binary", async () => {
    const wrapper = executable("wrapper-upsd");
    const real = executable("real-upsd");
    const seen: string[] = [];
    const result = await detectBackend("upsd", {
      path: "",
      candidates: [join(dir, "missing-upsd"), wrapper, real],
      ldd: async (file) => {
        seen.push(file);
        return file === real ? DEBIAN_LDD : undefined;
      },
    });
    assert.deepEqual(result, { backend: "nss", binary: real });
    assert.deepEqual(seen, [wrapper, real]);
  });

  it("fails clearly when no upsd is installed, or when it has no TLS", async () => {
    await assert.rejects(
      detectBackend("upsd", { path: "", candidates: [join(dir, "nothing")], ldd: async () => "" }),
      (error: unknown) =>
        error instanceof NutcaError &&
        /no NUT upsd found on this host/.test(error.message) &&
        /--backend/.test(error.line),
    );
    const plain = executable("plain-upsd");
    await assert.rejects(
      detectBackend("upsd", { path: "", candidates: [plain], ldd: async () => "\tlibc.so.6 => /lib/libc.so.6" }),
      /links neither libnss3 nor libssl/,
    );
  });

  it("detects this host's Debian NUT as NSS through the real ldd", async (t) => {
    if (!hasTool("ldd") || !existsSync("/lib/nut/upsd")) {
      if (process.env.CI) throw new Error("ldd and Debian's /lib/nut/upsd are required on CI");
      return t.skip("no ldd or Debian NUT here");
    }
    assert.equal((await detectBackend("upsd")).backend, "nss");
  });
});

describe("chooseBackend", () => {
  it("takes openssl and nss as given and refuses anything else with exit 2", async () => {
    assert.equal((await chooseBackend("openssl", "upsd")).backend, "openssl");
    assert.equal((await chooseBackend("nss", "upsmon")).backend, "nss");
    await assert.rejects(
      chooseBackend("gnutls", "upsd"),
      (error: unknown) => error instanceof NutcaError && error.exitCode === 2,
    );
  });
});
