/**
 * The store's CA as the issuing commands need it, loaded without
 * @peculiar/x509 (see pki/leaf-certificate.ts for why).
 */
import { createPrivateKey } from "node:crypto";
import { readCaFacts, type CaFacts } from "../pki/ca-facts.js";
import { parseKeyType } from "../pki/keys.js";
import type { LeafSigner } from "../pki/leaf-certificate.js";
import { decryptPkcs8, isEncryptedPem } from "../pki/pkcs8.js";
import { notACertificate, type CaStore, type StoreMeta } from "./store.js";

export function readCa(store: CaStore): CaFacts {
  const der = store.readCertificateDer(store.layout.caCert);
  try {
    return readCaFacts(der);
  } catch (error) {
    throw notACertificate(store.layout.caCert, error);
  }
}

/** The CA (as the command already read it), ready to sign leaves. */
export async function loadSigner(
  store: CaStore,
  read: { readonly meta: StoreMeta; readonly ca: CaFacts },
  passphrase: () => Promise<string>,
): Promise<LeafSigner> {
  const { meta, ca } = read;
  const pkcs8 = await readCaKey(store, passphrase);
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  return { ca, privateKey, keyType: parseKeyType(meta.ca.keyType) };
}

/** The CA key as unencrypted PKCS#8 DER. The passphrase is asked for only when the key is encrypted. */
export async function readCaKey(store: CaStore, passphrase: () => Promise<string>): Promise<Uint8Array> {
  const pem = store.readCaKeyPem();
  return decryptPkcs8(pem, isEncryptedPem(pem) ? await passphrase() : undefined);
}
