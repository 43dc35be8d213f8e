/**
 * The store's CA as the signing commands need it: its certificate and its
 * private key, proven to belong together before anything is signed.
 */
import { NutcaError } from "../errors.js";
import { importPrivateKey, isKeyOf } from "../pki/keys.js";
import { decryptPkcs8, isEncryptedPem } from "../pki/pkcs8.js";
import type { Issuer } from "../pki/profiles.js";
import type { x509 } from "../pki/x509.js";
import { readCaCertificate } from "./certificates.js";
import { storePaths } from "./layout.js";
import type { CaStore } from "./store.js";

/** The certificate that signs the leaves (the one CA reader, store/certificates.ts). */
export function readCa(store: CaStore): x509.X509Certificate {
  return readCaCertificate(store);
}

/**
 * The CA (as the command already read it), ready to sign leaves and CRLs.
 * Refused when private/ca.key.pem is not the key of ca.crt.pem: whatever
 * it signed would fail every verifier.
 */
export async function loadSigner(
  store: CaStore,
  read: { readonly ca: x509.X509Certificate },
  passphrase: () => Promise<string>,
): Promise<Issuer> {
  const privateKey = await importPrivateKey(await readCaKey(store, passphrase));
  if (!(await isKeyOf(privateKey, read.ca))) throw caKeyMismatch(store);
  return { certificate: read.ca, privateKey };
}

function caKeyMismatch(store: CaStore): NutcaError {
  return new NutcaError(
    "CA_KEY_MISMATCH",
    `the CA key ${storePaths.caKey} in ${store.root} is not the key of ${storePaths.caCert}: nothing was signed`,
    "restore both files from the same backup (nutca doctor shows which store files are wrong)",
  );
}

/** The CA key as unencrypted PKCS#8 DER. The passphrase is asked for only when the key is encrypted. */
export async function readCaKey(store: CaStore, passphrase: () => Promise<string>): Promise<Uint8Array> {
  const pem = store.readCaKeyPem();
  return decryptPkcs8(pem, isEncryptedPem(pem) ? await passphrase() : undefined);
}
