// A store whose CA key is not the key of its CA certificate (another store's private/ca.key.pem or ca.crt.pem
// copied in) signs nothing: every signing command exits 1 with one line and leaves the store byte-identical,
// and doctor names the problem. Before this check, `issue` committed certificates openssl could not verify and
// `revoke` a CRL that made every stunnel with CRLfile refuse its clients.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, cpSync } from "node:fs";
import { join } from "node:path";
import { passphraseEnv, runNutca, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";
import { runOk } from "../helpers/tools.js";

const work = tempDir("nutca-mismatch-");
const env = passphraseEnv();
const mine = join(work, "mine");
const other = join(work, "other");
const csr = join(work, "host1.csr.pem");

before(async () => {
  await runNutcaOk(["init", "--name", "Mine"], { store: mine, env });
  await runNutcaOk(["issue", "server", "ups1", "--dns", "ups1.example.net"], { store: mine, env });
  await runNutcaOk(["init", "--name", "Other"], { store: other, env });
  runOk("openssl", [
    "req",
    "-new",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    join(work, "host1.key.pem"),
    "-subj",
    "/CN=host1",
    "-out",
    csr,
  ]);
});

const SIGNING_COMMANDS: readonly (readonly string[])[] = [
  ["issue", "client", "x"],
  ["issue", "server", "ups2", "--dns", "ups2.example.net"],
  ["sign", csr, "--profile", "client", "--name", "host1"],
  ["renew", "ups1"],
  ["renew", "ups1", "--rekey"],
  ["revoke", "ups1"],
  ["crl"],
];

/** A copy of `mine` with one file of `other` copied over it. */
function mixedStore(file: string, name: string): string {
  const root = join(work, name);
  cpSync(mine, root, { recursive: true });
  copyFileSync(join(other, file), join(root, file));
  return root;
}

for (const file of ["private/ca.key.pem", "ca.crt.pem"]) {
  describe(`another store's ${file} copied into a store`, () => {
    let root: string;
    before(() => {
      root = mixedStore(file, file.replace(/\W/g, "-"));
    });

    for (const args of SIGNING_COMMANDS) {
      test(`nutca ${args[0]} ${args[1] === csr ? "<csr>" : (args[1] ?? "")}: exit 1, one line, store unchanged`, async () => {
        const before = snapshotDir(root);
        const result = await runNutca(args, { store: root, env });
        assert.equal(result.code, 1, result.stderr);
        assert.match(
          result.stderr,
          /^nutca: the CA key private\/ca\.key\.pem in .* is not the key of ca\.crt\.pem: nothing was signed — restore both files from the same backup/,
        );
        assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
        assert.deepEqual(snapshotDir(root), before);
      });
    }

    test("--json names the error CA_KEY_MISMATCH", async () => {
      const result = await runNutca(["--json", "issue", "client", "x"], { store: root, env });
      assert.equal(result.code, 1);
      assert.equal((JSON.parse(result.stderr) as { error: { code: string } }).error.code, "CA_KEY_MISMATCH");
    });

    test("nutca doctor names the mismatch", async () => {
      const result = await runNutca(["doctor"], { store: root, env });
      assert.notEqual(result.code, 0);
      assert.match(result.stdout + result.stderr, /the CA key is not the key of ca\.crt\.pem/);
    });
  });
}

test("an intermediate store whose ca.key.pem is another intermediate's signs nothing", async () => {
  const first = join(work, "int-first");
  const second = join(work, "int-second");
  await runNutcaOk(["init", "--intermediate"], { store: first, env });
  await runNutcaOk(["init", "--intermediate"], { store: second, env });
  copyFileSync(join(second, "private/ca.key.pem"), join(first, "private/ca.key.pem"));
  const before = snapshotDir(first);
  const result = await runNutca(["issue", "client", "x"], { store: first, env });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /is not the key of ca\.crt\.pem: nothing was signed/);
  assert.deepEqual(snapshotDir(first), before);
});

test("doctor names a root key that is not the key of root.crt.pem in an intermediate store", async () => {
  const first = join(work, "root-first");
  const second = join(work, "root-second");
  await runNutcaOk(["init", "--intermediate"], { store: first, env });
  await runNutcaOk(["init", "--intermediate"], { store: second, env });
  const healthy = await runNutca(["doctor"], { store: first, env });
  assert.doesNotMatch(healthy.stdout + healthy.stderr, /root key is not/);
  copyFileSync(join(second, "private/root.key.pem"), join(first, "private/root.key.pem"));
  const result = await runNutca(["doctor"], { store: first, env });
  assert.notEqual(result.code, 0);
  assert.match(result.stdout + result.stderr, /the root key is not the key of root\.crt\.pem/);
});
