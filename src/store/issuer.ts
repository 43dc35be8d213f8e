import { importPrivateKey, parseKeyType } from "../pki/keys.js";
import { decryptPkcs8, isEncryptedPem } from "../pki/pkcs8.js";
import type { Issuer } from "../pki/profiles.js";
import type { CaStore } from "./store.js";

/** The store's CA, ready to sign. The passphrase is asked for only when the key is encrypted. */
export async function loadIssuer(store: CaStore, passphrase: () => Promise<string>): Promise<Issuer> {
  const meta = store.readMeta();
  const certificate = store.readCaCertificate();
  const pem = store.readCaKeyPem();
  const pkcs8 = decryptPkcs8(pem, isEncryptedPem(pem) ? await passphrase() : undefined);
  return { certificate, privateKey: await importPrivateKey(pkcs8), keyType: parseKeyType(meta.ca.keyType) };
}
