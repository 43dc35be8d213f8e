// In-memory CAs and leaves for the unit tests of the upsd and upsmon bundles.
import { exportPkcs8, generateKeyPair } from "../../src/pki/keys.js";
import { pkcs8ToPem } from "../../src/pki/pkcs8.js";
import { createCaCertificate, issueLeafCertificate, type Issuer } from "../../src/pki/profiles.js";
import { randomSerial } from "../../src/pki/serial.js";
import { NEVER } from "../../src/pki/validity.js";
import type { Authority, Identity } from "../../src/pki/identity.js";

export interface TestCa {
  readonly authority: Authority;
  readonly issuer: Issuer;
}

export async function makeCa(commonName = "Test CA", withIntermediate = false): Promise<TestCa> {
  const now = new Date();
  const make = async (name: string) => {
    const keys = await generateKeyPair("ec-p256");
    const certificate = await createCaCertificate({
      commonName: name,
      keyType: "ec-p256",
      keys,
      notAfter: NEVER,
      permitted: { dns: [], ip: [] },
      pathLength: 0,
      now,
    });
    return { certificate, privateKey: keys.privateKey, keyType: "ec-p256" as const };
  };
  const root = await make(commonName);
  // A second self-signed CA stands in for an intermediate: the bundles only place it, never verify it.
  const intermediates = withIntermediate ? [(await make(`${commonName} intermediate`)).certificate] : [];
  return { authority: { root: root.certificate, intermediates }, issuer: root };
}

export async function makeLeaf(
  ca: TestCa,
  kind: "server" | "client",
  name: string,
  names: { dns?: string[]; ip?: string[] } = {},
): Promise<Identity> {
  const keys = await generateKeyPair("ec-p256");
  const dns = names.dns ?? (kind === "server" ? [`${name}.example.net`] : []);
  const certificate = await issueLeafCertificate(
    {
      kind,
      commonName: dns[0] ?? name,
      dns,
      ip: names.ip ?? [],
      keyType: "ec-p256",
      publicKey: keys.publicKey,
      notAfter: NEVER,
      serial: randomSerial(),
      now: new Date(),
    },
    ca.issuer,
  );
  return { name, kind, certificate, keyPem: pkcs8ToPem(await exportPkcs8(keys.privateKey)) };
}
