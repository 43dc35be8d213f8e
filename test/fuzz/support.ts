// The contract every fuzzed reader is held to, and the real objects (made once by openssl) that get damaged.
import { after, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NutcaError } from "../../src/errors.js";
import { createCrl, crlToPem } from "../../src/pki/crl.js";
import { readSigningRequest } from "../../src/pki/csr.js";
import { decodeObjects } from "../../src/pki/objects.js";
import { readPkcs12 } from "../../src/pki/p12-read.js";
import { requireTool } from "../helpers/tools.js";
import { makeCa } from "../inspect/fixtures.js";
import { toPem } from "./damage.js";

export const NOW = new Date("2026-11-26T12:00:00Z");
export const work = mkdtempSync(join(tmpdir(), "nutca-fuzz-inputs-"));
after(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------- the contract

export function describeThrown(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}\n${error.stack ?? ""}`
    : `${typeof error} ${String(error)}`;
}

/** What a reader may throw: a NutcaError whose line is one line. */
export function assertCleanRejection(error: unknown): void {
  if (!(error instanceof NutcaError)) assert.fail(`threw something other than a NutcaError: ${describeThrown(error)}`);
  assert.ok(!/[\r\n]/.test(error.line), `multi-line message: ${JSON.stringify(error.line)}`);
  assert.ok(error.line.trim() !== "", "empty message");
}

/** Runs `read`; returns its result, or undefined when it rejected cleanly. */
export async function acceptOrReject<T>(read: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    assertCleanRejection(error);
    return undefined;
  }
}

export function acceptOrRejectSync<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    assertCleanRejection(error);
    return undefined;
  }
}

/** Text inputs stay strings so a failing run's report shows them readably. */
export type Input = string | Uint8Array;
export const toBytes = (input: Input): Uint8Array => (typeof input === "string" ? Buffer.from(input, "utf8") : input);

// ---------------------------------------------------------------- seeds, made once

export interface Seeds {
  /** CSR files as openssl and certutil write them. */
  readonly csrTexts: string[];
  readonly csrDers: Uint8Array[];
  /** PEM files of every kind inspect reads. */
  readonly pems: string[];
  /** DER of the same, with the label each belongs under. */
  readonly ders: { label: string; der: Uint8Array }[];
  readonly certificateDers: Uint8Array[];
  readonly p12: Uint8Array;
}

let seeds: Promise<Seeds> | undefined;

export function makeSeeds(): Promise<Seeds> {
  seeds ??= (async () => {
    const dir = join(work, "seeds");
    mkdirSync(dir);
    const path = (name: string) => join(dir, name);
    const openssl = (...args: string[]) =>
      execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    const text = (name: string) => readFileSync(path(name), "utf8");
    const pemDer = (name: string) => {
      const match = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text(name))!;
      return { label: match[1]!, der: new Uint8Array(Buffer.from(match[2]!.replace(/\s+/g, ""), "base64")) };
    };

    openssl(
      ...["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=x"],
      ...["-keyout", path("ec.key"), "-out", path("ec.csr")],
    );
    openssl(
      ...["req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=ups1.example.net/O=Fuzz"],
      ...["-addext", "subjectAltName=DNS:ups1.example.net,IP:192.0.2.1,IP:2001:db8::1,email:a@example.net"],
      ...["-addext", "extendedKeyUsage=serverAuth,clientAuth", "-keyout", path("rsa.key"), "-out", path("rsa.csr")],
    );
    openssl(
      ...["req", "-x509", "-new", "-key", path("ec.key"), "-subj", "/CN=ups1.example.net", "-days", "30"],
      ...["-addext", "subjectAltName=DNS:ups1.example.net,IP:192.0.2.1", "-out", path("cert.pem")],
    );
    openssl("ec", "-in", path("ec.key"), "-out", path("sec1.pem"));
    openssl("pkey", "-in", path("ec.key"), "-pubout", "-out", path("pub.pem"));
    openssl(
      ...["pkcs8", "-topk8", "-in", path("ec.key"), "-v2", "aes-256-cbc", "-passout", "pass:x"],
      ...["-out", path("enc.pem")],
    );
    openssl("rsa", "-in", path("rsa.key"), "-traditional", "-out", path("rsa-trad.pem"));
    openssl("rsa", "-in", path("rsa.key"), "-RSAPublicKey_out", "-out", path("rsa-pub.pem"));
    openssl(
      ...["pkcs12", "-export", "-in", path("cert.pem"), "-inkey", path("ec.key"), "-name", "ups1"],
      ...["-passout", "pass:x", "-out", path("bundle.p12")],
    );
    const p12 = new Uint8Array(readFileSync(path("bundle.p12")));

    // A CRL with one revoked entry, signed by a CA made like nutca's.
    const ca = await makeCa("Fuzz CA");
    const crl = await createCrl(
      {
        number: 7,
        now: NOW,
        nextUpdate: new Date(NOW.getTime() + 30 * 864e5),
        revoked: [{ serial: "0A1B2C", time: NOW, reason: "keyCompromise" }],
      },
      ca,
    );
    const caPem = ca.certificate.toString("pem") + "\n";

    const ecCsr = text("ec.csr");
    const nss = ecCsr.replace(/CERTIFICATE REQUEST/g, "NEW CERTIFICATE REQUEST");
    const certutil = `Certificate request generated by Netscape certutil\nPhone: (not specified)\n\nCommon Name: x\n\n${nss}`;
    const csrTexts = [ecCsr, text("rsa.csr"), certutil];
    const csrDers = [pemDer("ec.csr").der, pemDer("rsa.csr").der];

    const keyFiles = ["ec.key", "sec1.pem", "pub.pem", "enc.pem", "rsa.key", "rsa-trad.pem", "rsa-pub.pem"];
    const pems = [
      text("cert.pem"),
      caPem,
      crlToPem(crl),
      ...csrTexts,
      ...keyFiles.map(text),
      toPem("PKCS12", p12),
      text("cert.pem") + text("ec.key") + caPem,
    ];
    const ders = [
      pemDer("cert.pem"),
      { label: "CERTIFICATE", der: new Uint8Array(ca.certificate.rawData) },
      { label: "X509 CRL", der: new Uint8Array(crl.rawData) },
      ...["ec.csr", "rsa.csr", ...keyFiles].map(pemDer),
      { label: "PKCS12", der: p12 },
    ];

    // The seeds themselves must be read, or the damaged ones prove little.
    for (const csr of [...csrTexts, ...csrDers]) await readSigningRequest(toBytes(csr));
    for (const pem of pems) {
      const objects = decodeObjects(toBytes(pem));
      assert.ok(objects.length > 0 && objects.every((object) => object.kind !== "unknown"), pem);
    }
    for (const { der } of ders) assert.equal(decodeObjects(der).length, 1);
    assert.equal((await readPkcs12(p12, "x")).keys.length, 1);
    const certificateDers = ders.filter(({ label }) => label === "CERTIFICATE").map(({ der }) => der);
    return { csrTexts, csrDers, pems, ders, certificateDers, p12 };
  })();
  return seeds;
}

export async function seedsOrSkip(t: TestContext): Promise<Seeds | undefined> {
  return requireTool(t, "openssl") ? makeSeeds() : undefined;
}
