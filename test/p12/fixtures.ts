// In-memory certificates for the PKCS#12 unit tests: a root, a second CA
// standing in for an intermediate, and a server leaf signed by the root.
import { generateKeyPair, type KeyType } from "../../src/pki/keys.js";
import { createCaCertificate } from "../../src/pki/profiles.js";
import { signTestLeaf } from "../helpers/leaf.js";
import { NEVER } from "../../src/pki/validity.js";
import type { Authority, Identity } from "../../src/pki/identity.js";

export interface Fixture {
  readonly identity: Identity;
  readonly authority: Authority;
  readonly keyPkcs8: Uint8Array;
  readonly certificate: Uint8Array;
  /** Intermediate, then root. */
  readonly chain: Uint8Array[];
}

async function ca(commonName: string, keyType: KeyType, now: Date) {
  const keys = await generateKeyPair(keyType);
  const certificate = await createCaCertificate({
    commonName,
    keys,
    notAfter: NEVER,
    permitted: { dns: [], ip: [] },
    pathLength: 0,
    now,
  });
  return { certificate, keys };
}

export async function makeFixture(keyType: KeyType = "ec-p256", name = "ups1"): Promise<Fixture> {
  const now = new Date();
  const root = await ca("Test root CA", keyType, now);
  const intermediate = await ca("Test intermediate CA", keyType, now);
  const {
    certificate: leaf,
    keyPem,
    keyPkcs8,
  } = await signTestLeaf(
    { kind: "server", commonName: `${name}.example.net`, dns: [`${name}.example.net`], keyType, now },
    { certificate: root.certificate, privateKey: root.keys.privateKey },
  );
  return {
    identity: { name, kind: "server", certificate: leaf, keyPem },
    authority: { root: root.certificate, intermediates: [intermediate.certificate] },
    keyPkcs8,
    certificate: new Uint8Array(leaf.rawData),
    chain: [new Uint8Array(intermediate.certificate.rawData), new Uint8Array(root.certificate.rawData)],
  };
}
