// nutca renew: a new serial for the same names, with the same key unless
// --rekey; the old certificate stays valid; --expiring renews what is due.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  assertRefused,
  makeStore,
  nutcaJson,
  nutcaOk,
  opensslCsr,
  publicKeyOf,
  requireTools,
  toolOk,
  verify,
} from "./support.js";

interface Record_ {
  name: string;
  serial: string;
  dns: string[];
  ip: string[];
  notAfter: string;
  status: string;
  keyType: string;
  files: { cert: string; key?: string };
  renewedBy?: string;
}

test("renew keeps the key, --rekey replaces it (the old key is kept for the old certificate)", (t) => {
  if (!requireTools(t, "openssl")) return;
  const { store } = makeStore();
  const first = nutcaJson<Record_>(store, ["issue", "server", "ups1", "--dns", "ups1.example.net", "--ip", "10.1.1.1"]);
  const cert = join(store, "issued", "ups1.crt.pem");
  const key = join(store, "private", "ups1.key.pem");
  const oldCert = join(store, "by-serial", `${first.serial}.crt.pem`);
  const firstKey = readFileSync(key, "utf8");

  const out = nutcaOk(store, ["renew", "ups1"]);
  assert.match(out, /stays valid until it is revoked or expires/);
  assert.match(out, /nutca export pem ups1/);
  const second = nutcaJson<Record_>(store, ["show", "ups1"]);
  assert.notEqual(second.serial, first.serial);
  assert.deepEqual([second.dns, second.ip], [first.dns, first.ip]);
  assert.equal(readFileSync(key, "utf8"), firstKey, "same key");
  assert.equal(publicKeyOf(cert, "cert"), publicKeyOf(oldCert, "cert"));
  assert.equal(publicKeyOf(cert, "cert"), publicKeyOf(key, "key"));
  assert.equal(verify(store, cert).code, 0);
  assert.equal(verify(store, oldCert).code, 0, "the old certificate stays valid");
  const listed = nutcaJson<Record_[]>(store, ["list"]).filter((entry) => entry.name === "ups1");
  assert.deepEqual(
    listed.map((entry) => [entry.serial, entry.status, entry.renewedBy]),
    [
      [first.serial, "valid", second.serial],
      [second.serial, "valid", undefined],
    ],
  );
  assert.match(nutcaOk(store, ["list"]), /valid \(renewed\)/);

  nutcaOk(store, ["renew", "ups1", "--rekey", "--key", "rsa-2048"]);
  const third = nutcaJson<Record_>(store, ["show", "ups1"]);
  assert.equal(third.keyType, "rsa-2048");
  assert.notEqual(publicKeyOf(cert, "cert"), publicKeyOf(oldCert, "cert"), "a new key");
  assert.equal(publicKeyOf(cert, "cert"), publicKeyOf(key, "key"), "the new key is in place");
  const archived = join(store, "private", `ups1.${second.serial}.key.pem`);
  assert.equal(readFileSync(archived, "utf8"), firstKey, "the replaced key is kept");
  // Every older certificate now finds its key in the archive (the first shared it with the second).
  for (const serial of [first.serial, second.serial]) {
    const entry = nutcaJson<Record_ & { files: { key: string } }>(store, ["show", serial]);
    assert.equal(entry.files.key, archived);
    assert.match(entry.files.cert, new RegExp(`by-serial/${serial}\\.crt\\.pem$`));
  }
  assert.equal(verify(store, cert).code, 0);
  assert.equal(toolOk("stat", ["-c", "%a", archived]).trim(), "600");
});

test("a request-signed certificate renews with its key (held by the host); --rekey is refused", (t) => {
  if (!requireTools(t, "openssl")) return;
  const { dir, store } = makeStore();
  const req = opensslCsr(dir, "h", "ec", "/CN=h.example.net", ["subjectAltName=DNS:h.example.net"]);
  nutcaOk(store, ["sign", req.csr, "--profile", "server", "--not-after", "30d"]);
  const before = nutcaJson<Record_>(store, ["show", "h.example.net"]);
  const out = nutcaOk(store, ["renew", "h.example.net"]);
  assert.match(out, /nutca show h\.example\.net --pem/);
  const cert = join(store, "issued", "h.example.net.crt.pem");
  assert.equal(publicKeyOf(cert, "cert"), publicKeyOf(req.key, "key"));
  const after = nutcaJson<Record_>(store, ["show", "h.example.net"]);
  assert.equal(after.files.key, undefined);
  // The same lifetime again (30 days), counted from now.
  const lifetime = (entry: Record_) => new Date(entry.notAfter).getTime();
  assert.ok(lifetime(after) >= lifetime(before));
  assert.ok(lifetime(after) - Date.now() < 31 * 86_400_000);
  assertRefused(
    store,
    ["renew", "h.example.net", "--rekey"],
    /holds no key of "h\.example\.net" \(signed from a request\)/,
  );
});

test("renew --expiring renews what expires within the window, and nothing else", (t) => {
  if (!requireTools(t, "openssl")) return;
  const { dir, store } = makeStore([], true);
  const pass = ["--passphrase-file", join(dir, "pass")];
  nutcaOk(store, ["issue", "client", "soon", "--not-after", "10d", ...pass]);
  nutcaOk(store, ["issue", "client", "later", "--not-after", "400d", ...pass]);
  nutcaOk(store, ["issue", "client", "never", ...pass]);
  nutcaOk(store, ["issue", "client", "gone", "--not-after", "5d", ...pass]);
  nutcaOk(store, ["revoke", "gone", ...pass]);
  assertRefused(store, ["renew", "--expiring", "30d"], /passphrase/);
  const result = nutcaJson<{ renewed: Record_[] }>(store, ["renew", "--expiring", "30d", ...pass]);
  assert.deepEqual(
    result.renewed.map((record) => record.name),
    ["soon"],
  );
  assert.equal(verify(store, join(store, "issued", "soon.crt.pem")).code, 0);
  // The renewal lasts as long as the original (10 days): nothing is due within 5.
  const nothing = nutcaOk(store, ["renew", "--expiring", "5d", ...pass]);
  assert.match(nothing, /Nothing expires within 5d/);
  assertRefused(store, ["renew", "soon", "--expiring", "30d"], /name one certificate or pass --expiring/);
  assertRefused(store, ["renew"], /name one certificate or pass --expiring/);
  assertRefused(store, ["renew", "--expiring", "soon"], /cannot read the window/);
  assertRefused(store, ["renew", "soon", "--key", "ec-p384"], /--key .* --rekey/);
  assertRefused(store, ["renew", "nobody"], /no certificate named or numbered "nobody"/);
  assertRefused(store, ["renew", "ca"], /does not renew the CA/);
  assertRefused(store, ["renew", "soon", "--not-after", "2001-01-01"], /in the past/);
  assert.equal(existsSync(join(store, "staging")) ? toolOk("ls", ["-A", join(store, "staging")]) : "", "");
});
