// nutca revoke and nutca crl: the CRL makes openssl verify -crl_check refuse
// the revoked certificate and accept the others; it is well-formed, numbered,
// long-lived; bad inputs change nothing; a crash mid-commit is recovered.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CaStore } from "../../src/store/store.js";
import {
  assertRefused,
  ledger,
  makeStore,
  nutca,
  nutcaJson,
  nutcaOk,
  opensslCsr,
  requireTools,
  toolOk,
  verify,
} from "./support.js";

interface Entry {
  name: string;
  serial: string;
  status: string;
  files: { cert: string; key?: string };
}

function crlText(store: string): string {
  return toolOk("openssl", ["crl", "-in", join(store, "crl", "ca.crl.pem"), "-noout", "-text"]);
}

test("revoke + CRL: openssl verify -crl_check refuses the revoked certificate and accepts the others", (t) => {
  if (!requireTools(t, "openssl")) return;
  const { dir, store } = makeStore();
  nutcaOk(store, ["issue", "server", "ups1", "--dns", "ups1.example.net"]);
  nutcaOk(store, ["issue", "client", "mon1"]);
  nutcaOk(store, ["issue", "client", "mon2"]);
  const req = opensslCsr(dir, "r", "rsa", "/CN=host.example.net", ["subjectAltName=DNS:host.example.net"]);
  nutcaOk(store, ["sign", req.csr, "--profile", "server"]);
  const cert = (name: string) => join(store, "issued", `${name}.crt.pem`);

  const out = nutcaOk(store, ["revoke", "mon1", "--reason", "keyCompromise"]);
  assert.match(out, /Revoked "mon1"/);
  const failed = verify(store, cert("mon1"), true);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stdout + failed.stderr, /certificate revoked/);
  for (const name of ["ups1", "mon2", "host.example.net"]) {
    const ok = verify(store, cert(name), true);
    assert.equal(ok.code, 0, `${name}: ${ok.stdout}${ok.stderr}`);
  }
  // A request-signed certificate is revoked by serial just the same.
  const host = nutcaJson<Entry>(store, ["show", "host.example.net"]);
  nutcaOk(store, ["revoke", host.serial.toLowerCase(), "--reason", "cessationofoperation"]);
  assert.notEqual(verify(store, cert("host.example.net"), true).code, 0);
  assert.equal(verify(store, cert("mon2"), true).code, 0);

  const statuses = nutcaJson<Entry[]>(store, ["list"]).map((entry) => [entry.name, entry.status]);
  assert.deepEqual(statuses.slice(1), [
    ["ups1", "valid"],
    ["mon1", "revoked"],
    ["mon2", "valid"],
    ["host.example.net", "revoked"],
  ]);
  assert.match(nutcaOk(store, ["list"]), /mon1 .*revoked \(keyCompromise\)/);
  // A name whose certificates are all revoked may be issued again.
  nutcaOk(store, ["issue", "client", "mon1"]);
  assert.equal(verify(store, cert("mon1"), true).code, 0);
});

test("the CRL: X509 CRL PEM and DER, AKI, increasing crlNumber, a reason on every entry, long nextUpdate", (t) => {
  if (!requireTools(t, "openssl")) return;
  const { store } = makeStore(["--key", "rsa-2048"]);
  nutcaOk(store, ["issue", "client", "a"]);
  nutcaOk(store, ["issue", "client", "b"]);
  nutcaOk(store, ["revoke", "a"]);
  nutcaOk(store, ["revoke", "b", "--reason", "superseded"]);
  const pem = readFileSync(join(store, "crl", "ca.crl.pem"), "utf8");
  assert.match(pem, /^-----BEGIN X509 CRL-----\n/);
  const der = readFileSync(join(store, "crl", "ca.crl.der"));
  const fromPem = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  assert.deepEqual(der, fromPem, "the DER and PEM files hold the same CRL");
  toolOk("openssl", ["crl", "-in", join(store, "crl", "ca.crl.pem"), "-CAfile", join(store, "ca.crt.pem"), "-noout"]);

  const text = crlText(store);
  assert.match(text, /Authority Key Identifier/);
  assert.match(text, /CRL Number: \n\s+2\n/);
  assert.equal(text.match(/CRL Reason Code/g)?.length, 2, "every entry carries a reason");
  assert.match(text, /Unspecified/);
  assert.match(text, /Superseded/);
  assert.match(text, /Next Update: Dec 31 23:59:59 9999 GMT/, "the default lasts as long as the CA");
  const ski = toolOk("openssl", ["x509", "-in", join(store, "ca.crt.pem"), "-noout", "-ext", "subjectKeyIdentifier"]);
  assert.ok(text.includes(ski.trim().split("\n").pop()!.trim()), "the AKI is the CA's SKI");
  // Whole seconds: thisUpdate and every revocationDate end in :SSZ with no fraction in the DER.
  const parsed = toolOk("openssl", ["asn1parse", "-in", join(store, "crl", "ca.crl.pem")]);
  const times = [...parsed.matchAll(/(?:UTCTIME|GENERALIZEDTIME)\s*:(\S+)/g)].map((match) => match[1]!);
  assert.equal(times.length, 4);
  for (const time of times) assert.match(time, /^\d{12}(\d{2})?Z$/);

  nutcaOk(store, ["crl", "--next-update", "2y"]);
  assert.match(crlText(store), /CRL Number: \n\s+3\n/);
  assert.doesNotMatch(crlText(store), /9999/);
  // --next-update sticks: the next revocation's CRL keeps the 2-year horizon.
  nutcaOk(store, ["issue", "client", "c"]);
  nutcaOk(store, ["revoke", "c", "--reason", "affiliationChanged"]);
  assert.match(crlText(store), /CRL Number: \n\s+4\n/);
  assert.doesNotMatch(crlText(store), /9999/);
  nutcaOk(store, ["crl", "--next-update", "never"]);
  assert.match(crlText(store), /Next Update: Dec 31 23:59:59 9999 GMT/);
  const records = ledger(store).filter((record) => record.op !== "issue");
  assert.deepEqual(
    records.map((record) => [record.op, (record.crl as { number: number }).number]),
    [
      ["revoke", 1],
      ["revoke", 2],
      ["crl", 3],
      ["revoke", 4],
      ["crl", 5],
    ],
  );
});

test("crl --out writes PEM (DER for .der) and an encrypted CA needs its passphrase", (t) => {
  if (!requireTools(t, "openssl")) return;
  const { dir, store } = makeStore([], true);
  const pass = ["--passphrase-file", join(dir, "pass")];
  nutcaOk(store, ["issue", "client", "x", ...pass]);
  assertRefused(store, ["revoke", "x"], /passphrase/);
  nutcaOk(store, ["revoke", "x", ...pass]);
  nutcaOk(store, ["crl", "--out", join(dir, "copy.pem"), ...pass]);
  nutcaOk(store, ["crl", "--out", join(dir, "copy.der"), ...pass]);
  assert.match(readFileSync(join(dir, "copy.pem"), "utf8"), /BEGIN X509 CRL/);
  toolOk("openssl", ["crl", "-inform", "DER", "-in", join(dir, "copy.der"), "-noout"]);
  assertRefused(store, ["crl", "--out", join(dir, "no", "such", "dir.pem"), ...pass], /cannot write the CRL/);
});

test("bad revocations exit 2 with one line and leave the store byte-for-byte unchanged", (t) => {
  if (!requireTools(t, "openssl")) return;
  const { store } = makeStore();
  nutcaOk(store, ["issue", "client", "m"]);
  nutcaOk(store, ["issue", "client", "n"]);
  nutcaOk(store, ["revoke", "n"]);
  assertRefused(store, ["revoke", "m", "--reason", "bored"], /unknown revocation reason "bored"/);
  assertRefused(store, ["revoke", "m", "--reason", "certificateHold"], /unknown revocation reason/);
  assertRefused(store, ["revoke", "nobody"], /no certificate named or numbered "nobody"/);
  assertRefused(store, ["revoke", "ABCDEF0123"], /no certificate named or numbered/);
  assertRefused(store, ["revoke", "n"], /already revoked/);
  assertRefused(store, ["revoke", "ca"], /the CA cannot revoke itself/);
  assertRefused(store, ["crl", "--next-update", "yesterday"], /cannot read the expiry/);
  assertRefused(store, ["renew", "n"], /revoked/);
  const json = nutca(store, ["--json", "revoke", "m", "--reason", "bored"]);
  assert.equal(json.code, 2);
  assert.equal((JSON.parse(json.stderr) as { error: { code: string } }).error.code, "BAD_REASON");
});

test("recover(): a staged CRL is moved in only when its ledger record was appended", async (t) => {
  if (!requireTools(t, "openssl")) return;
  const { store } = makeStore();
  nutcaOk(store, ["issue", "client", "k"]);
  nutcaOk(store, ["revoke", "k"]);
  const current = readFileSync(join(store, "crl", "ca.crl.pem"), "utf8");
  // A crash after staging CRL 2 but before its record: discarded.
  mkdirSync(join(store, "staging", "crl-2"), { recursive: true });
  writeFileSync(join(store, "staging", "crl-2", "crl%2Fca.crl.pem"), "uncommitted");
  // A crash after the record of CRL 1 was appended but before the move: finished.
  mkdirSync(join(store, "staging", "crl-1"), { recursive: true });
  writeFileSync(join(store, "staging", "crl-1", "crl%2Fca.crl.pem"), current);
  const caStore = new CaStore(store);
  await caStore.change("test", () => undefined);
  assert.equal(readFileSync(join(store, "crl", "ca.crl.pem"), "utf8"), current);
  assert.deepEqual(toolOk("ls", ["-A", join(store, "staging")]), "");
  assert.equal(caStore.entries().find((entry) => entry.name === "k")?.status, "revoked");
});
