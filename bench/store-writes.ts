/**
 * What a batch writes, without the crypto: `node dist/bench/store-writes.js STORE COUNT` commits COUNT
 * client issuances to the store at STORE (made by nutca init) through CaStore.commitIssuances, the
 * code `issue --from` commits with, with the same files (by-serial and issued/ certificate, the key)
 * and ledger records. The contents are random bytes shaped like a P-256 leaf's PEM files.
 */
import { randomBytes } from "node:crypto";
import { CaStore } from "../src/store/store.js";
import type { IssueRecord } from "../src/store/ledger.js";

/** DER sizes of a P-256 client certificate and its PKCS#8 key, as nutca writes them. */
const CERT_DER_BYTES = 480;
const KEY_DER_BYTES = 138;

function pem(label: string, bytes: number): string {
  const lines = randomBytes(bytes)
    .toString("base64")
    .match(/.{1,64}/g)!;
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function issuance(name: string, now: Date) {
  const serial = randomBytes(16).toString("hex").toUpperCase();
  const cert = pem("CERTIFICATE", CERT_DER_BYTES);
  const files = { cert: `issued/${name}.crt.pem`, key: `private/${name}.key.pem` };
  const record: IssueRecord = {
    op: "issue",
    time: now.toISOString(),
    serial,
    name,
    kind: "client",
    subject: `CN=${name}`,
    dns: [],
    ip: [],
    keyType: "ec-p256",
    notBefore: now.toISOString(),
    notAfter: "9999-12-31T23:59:59.000Z",
    sha256: randomBytes(32).toString("hex"),
    files,
  };
  return {
    record,
    files: [
      { path: `by-serial/${serial}.crt.pem`, data: cert },
      { path: files.cert, data: cert },
      { path: files.key, data: pem("PRIVATE KEY", KEY_DER_BYTES) },
    ],
  };
}

const [storeDir, count] = [process.argv[2], Number(process.argv[3])];
if (storeDir === undefined || !Number.isInteger(count) || count < 1) {
  throw new Error("usage: node dist/bench/store-writes.js STORE COUNT");
}
const now = new Date();
const issuances = Array.from({ length: count }, (_, i) => issuance(`w${i}`, now));
const committed = await new CaStore(storeDir).commitIssuances("bench store writes", issuances, () => true);
if (committed.length !== count) throw new Error(`committed ${committed.length} of ${count}`);
