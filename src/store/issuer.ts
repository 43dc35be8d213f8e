import type { Issuer } from "../pki/profiles.js";
import { readCaCertificate } from "./certificates.js";
import { loadSigner } from "./signer.js";
import type { CaStore } from "./store.js";

/** The store's CA, read and ready to sign (a CRL): loadSigner for a command that has not read the CA yet. */
export async function loadIssuer(store: CaStore, passphrase: () => Promise<string>): Promise<Issuer> {
  return loadSigner(store, { ca: readCaCertificate(store) }, passphrase);
}
