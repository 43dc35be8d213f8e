import { importPrivateKey, parseKeyType } from "../pki/keys.js";
import type { Issuer } from "../pki/profiles.js";
import { readCaCertificate } from "./certificates.js";
import { readCaKey } from "./signer.js";
import type { CaStore } from "./store.js";

/** The store's CA as @peculiar/x509 signs with it (CRLs). Leaves are signed with loadSigner. */
export async function loadIssuer(store: CaStore, passphrase: () => Promise<string>): Promise<Issuer> {
  const meta = store.readMeta();
  const certificate = readCaCertificate(store);
  const privateKey = await importPrivateKey(await readCaKey(store, passphrase));
  return { certificate, privateKey, keyType: parseKeyType(meta.ca.keyType) };
}
