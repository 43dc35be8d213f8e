// In-memory CAs and leaves for the unit tests of the upsd and upsmon bundles.
import { generateKeyPair } from "../../src/pki/keys.js";
import { createCaCertificate, type Issuer } from "../../src/pki/profiles.js";
import { signTestLeaf } from "../helpers/leaf.js";
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
      keys,
      notAfter: NEVER,
      permitted: { dns: [], ip: [] },
      pathLength: 0,
      now,
    });
    return { certificate, privateKey: keys.privateKey };
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
  const dns = names.dns ?? (kind === "server" ? [`${name}.example.net`] : []);
  const { certificate, keyPem } = await signTestLeaf(
    { kind, commonName: dns[0] ?? name, dns, ip: names.ip ?? [] },
    ca.issuer,
  );
  return { name, kind, certificate, keyPem };
}
