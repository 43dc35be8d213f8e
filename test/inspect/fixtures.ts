// In-memory certificates for the lint, inspect and doctor tests: a CA made
// like nutca's, and leaves that break one rule at a time.
import { engine } from "../../src/pki/engine.js";
import { exportPkcs8, generateKeyPair } from "../../src/pki/keys.js";
import { pkcs8ToPem } from "../../src/pki/pkcs8.js";
import { createCaCertificate, type Issuer } from "../../src/pki/profiles.js";
import { randomSerial } from "../../src/pki/serial.js";
import { NEVER, notBeforeFor } from "../../src/pki/validity.js";
import { x509 } from "../../src/pki/x509.js";

export const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" } as Algorithm;

export async function makeCa(commonName = "Lint Test CA"): Promise<Issuer> {
  const keys = await generateKeyPair("ec-p256");
  const certificate = await createCaCertificate({
    commonName,
    keys,
    notAfter: NEVER,
    permitted: { dns: [], ip: [] },
    pathLength: 1,
    now: new Date(),
  });
  return { certificate, privateKey: keys.privateKey };
}

export interface LeafSpec {
  readonly cn?: string;
  readonly dns?: string[];
  readonly ip?: string[];
  readonly eku?: "server" | "client" | "none";
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly serial?: string;
  readonly aki?: boolean;
  readonly ca?: boolean;
  readonly keys?: CryptoKeyPair;
  readonly signingAlgorithm?: Algorithm;
}

/** A leaf (or, with ca: true, an intermediate) signed by `issuer`, built field by field. */
export async function makeCertificate(
  issuer: Issuer,
  spec: LeafSpec = {},
): Promise<{ certificate: x509.X509Certificate; keyPem: string }> {
  const keys = spec.keys ?? (await generateKeyPair("ec-p256"));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(spec.ca === true, spec.ca ? 0 : undefined, true),
    new x509.KeyUsagesExtension(
      spec.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (spec.aki !== false)
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.publicKey));
  const eku = spec.eku ?? (spec.ca ? "none" : "server");
  if (eku !== "none") {
    extensions.push(
      new x509.ExtendedKeyUsageExtension([
        eku === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
    );
  }
  const sans = [
    ...(spec.dns ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(spec.ip ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serial ?? randomSerial(),
    subject: `CN=${spec.cn ?? "leaf.example.net"}`,
    issuer: issuer.certificate.subjectName,
    notBefore: spec.notBefore ?? notBeforeFor(new Date()),
    notAfter: spec.notAfter ?? NEVER,
    publicKey: keys.publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: spec.signingAlgorithm ?? ECDSA_SHA256,
    extensions,
  });
  const keyPem = spec.keys ? "" : pkcs8ToPem(await exportPkcs8(keys.privateKey));
  return { certificate, keyPem };
}

/** An Ed25519 self-signed certificate: what NSS cannot import. */
export async function makeEd25519(): Promise<x509.X509Certificate> {
  const keys = (await engine.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: "CN=ed.example.net",
    notBefore: notBeforeFor(new Date()),
    notAfter: NEVER,
    keys,
    signingAlgorithm: { name: "Ed25519" },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "ed.example.net" }])],
  });
}

export function pem(certificate: x509.X509Certificate): string {
  return certificate.toString("pem") + "\n";
}

/** The P-256 curve OID (1.2.840.10045.3.1.7) as DER, tag first. */
const P256_OID = Buffer.from("06082a8648ce3d030107", "hex");

/**
 * A copy of a certificate's, request's or key's DER whose public key names its
 * curve under a wrong tag: @peculiar/x509 still decodes the object (it reads
 * the key only when asked); OpenSSL and the key import refuse it.
 */
export function damageCurveOid(der: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = Buffer.from(der);
  const at = out.indexOf(P256_OID);
  if (at < 0) throw new Error("no P-256 key in this DER");
  out[at] = 0x04;
  return new Uint8Array(out);
}
