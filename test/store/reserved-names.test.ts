// The names of the CA's own files ("ca", and "root" in a store made with
// init --intermediate) are refused by every command that files a leaf under
// a name: the rule lives once, in store/issuance.ts. sign used to refuse
// "ca" but not "root" while issue refused both.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runNutca, runNutcaOk, snapshotDir, tempDir } from "../helpers/cli.js";
import { requireTool, runOk } from "../helpers/tools.js";

const ROOT_REFUSED = `nutca: "root" is the root CA's name in this store — choose another name\n`;
const CA_REFUSED = `nutca: "ca" is the CA's own name — choose another name\n`;

async function intermediateStore(): Promise<{ dir: string; store: string }> {
  const dir = tempDir();
  const store = join(dir, "store");
  await runNutcaOk(["init", "--intermediate", "--no-passphrase"], { store });
  return { dir, store };
}

function clientRequest(dir: string, commonName: string): string {
  const key = join(dir, `${commonName}.key.pem`);
  const csr = join(dir, `${commonName}.csr.pem`);
  writeFileSync(key, runOk("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]).stdout);
  runOk("openssl", ["req", "-new", "-key", key, "-subj", `/CN=${commonName}`, "-out", csr]);
  return csr;
}

async function assertRefused(store: string, args: string[], stderr: string): Promise<void> {
  const before = snapshotDir(store);
  const result = await runNutca(args, { store });
  assert.equal(result.stderr, stderr, args.join(" "));
  assert.equal(result.code, 2, args.join(" "));
  assert.equal(result.stdout, "");
  assert.deepEqual(snapshotDir(store), before, `${args.join(" ")} left the store unchanged`);
}

test("sign --name root in an intermediate store is refused like issue client root", async (t) => {
  if (!requireTool(t, "openssl")) return;
  const { dir, store } = await intermediateStore();
  await assertRefused(store, ["issue", "client", "root"], ROOT_REFUSED);
  const csr = clientRequest(dir, "monitor1");
  await assertRefused(store, ["sign", csr, "--profile", "client", "--name", "root"], ROOT_REFUSED);
  // A request whose common name is "root" is filed under it by default: refused the same way.
  await assertRefused(store, ["sign", clientRequest(dir, "root"), "--profile", "client"], ROOT_REFUSED);
  await assertRefused(store, ["sign", csr, "--profile", "client", "--name", "ca"], CA_REFUSED);
  await assertRefused(store, ["issue", "client", "ca"], CA_REFUSED);

  const manifest = join(dir, "manifest.csv");
  writeFileSync(manifest, "kind,name\nclient,root\n");
  await assertRefused(
    store,
    ["issue", "--from", manifest],
    `nutca: the manifest ${manifest} has 1 bad row; nothing was issued — fix them and run again\n` +
      `  line 2: "root" is the root CA's name in this store\n`,
  );

  // The name is the CA's only in a store with a root above it.
  const plain = join(dir, "plain");
  await runNutcaOk(["init", "--no-passphrase"], { store: plain });
  await runNutcaOk(["sign", csr, "--profile", "client", "--name", "root"], { store: plain });
});
